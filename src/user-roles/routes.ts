import express from 'express';
import type { Router } from 'express';
import { requireReadScope, requireWriteScope } from '../auth';
import { getJsonBody } from '../http/json-body';
import { listQueryFromRequest } from '../http/list-query';
import type { ListQuery } from '../http/list-query';
import { parseBody } from '../http/parse-body';
import { param } from '../http/request-helpers';
import { sendPage } from '../http/send-page';
import { sendJson } from '../http/send';
import {
  ORG_QUERYABLE,
  ORG_ROLES,
  presentOrganization,
  presentSpace,
  SPACE_QUERYABLE,
  SPACE_ROLES,
} from '../orgs';
import type { OrgsService, UsersDirectory } from '../orgs';
import { roleByUsernameBody } from './schemas';
import type { RolesByUsernameService } from './service';

const ORDERABLE = ['name', 'id'] as const;

/** `/v2/users/:guid/<list>` → the org or space filter that selects the user's role. */
const USER_ORG_LISTS = {
  organizations: 'user_guid',
  managed_organizations: 'manager_guid',
  billing_managed_organizations: 'billing_manager_guid',
  audited_organizations: 'auditor_guid',
} as const;
const USER_SPACE_LISTS = {
  spaces: 'developer_guid',
  managed_spaces: 'manager_guid',
  audited_spaces: 'auditor_guid',
} as const;

function withUser(query: ListQuery, field: string, userGuid: string): ListQuery {
  return { ...query, filters: [...query.filters, { field, operator: 'eq', values: [userGuid] }] };
}

export function createUserRolesRoutes(
  roles: RolesByUsernameService,
  orgs: OrgsService,
  directory: UsersDirectory,
): Router {
  const router = express.Router();

  for (const role of ORG_ROLES) {
    router.put(`/v2/organizations/:guid/${role}`, async (req, res) => {
      const ctx = requireWriteScope(req);
      const body = parseBody(roleByUsernameBody, getJsonBody(req));
      const org = await roles.changeOrgRole(ctx, param(req, 'guid'), role, body, 'set');
      sendJson(res, 201, presentOrganization(org));
    });
    router.delete(`/v2/organizations/:guid/${role}`, async (req, res) => {
      const ctx = requireWriteScope(req);
      const body = parseBody(roleByUsernameBody, getJsonBody(req));
      await roles.changeOrgRole(ctx, param(req, 'guid'), role, body, 'unset');
      res.status(204).end();
    });
  }
  for (const role of SPACE_ROLES) {
    router.put(`/v2/spaces/:guid/${role}`, async (req, res) => {
      const ctx = requireWriteScope(req);
      const body = parseBody(roleByUsernameBody, getJsonBody(req));
      const space = await roles.changeSpaceRole(ctx, param(req, 'guid'), role, body, 'set');
      sendJson(res, 201, presentSpace(space));
    });
    router.delete(`/v2/spaces/:guid/${role}`, async (req, res) => {
      const ctx = requireWriteScope(req);
      const body = parseBody(roleByUsernameBody, getJsonBody(req));
      await roles.changeSpaceRole(ctx, param(req, 'guid'), role, body, 'unset');
      res.status(204).end();
    });
  }

  for (const [list, field] of Object.entries(USER_ORG_LISTS)) {
    router.get(`/v2/users/:guid/${list}`, async (req, res) => {
      const ctx = requireReadScope(req);
      const query = listQueryFromRequest(req, { queryable: ORG_QUERYABLE, orderable: ORDERABLE });
      const user = await directory.getUser(ctx, param(req, 'guid'));
      const page = await orgs.listOrganizations(ctx, withUser(query, field, user.guid));
      sendPage(req, res, query, page, presentOrganization);
    });
  }
  for (const [list, field] of Object.entries(USER_SPACE_LISTS)) {
    router.get(`/v2/users/:guid/${list}`, async (req, res) => {
      const ctx = requireReadScope(req);
      const query = listQueryFromRequest(req, { queryable: SPACE_QUERYABLE, orderable: ORDERABLE });
      const user = await directory.getUser(ctx, param(req, 'guid'));
      const page = await orgs.listSpaces(ctx, withUser(query, field, user.guid));
      sendPage(req, res, query, page, presentSpace);
    });
  }
  return router;
}
