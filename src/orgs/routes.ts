import express from 'express';
import type { Request, Response, Router } from 'express';
import { requireAdmin, requireReadScope, requireWriteScope } from '../auth';
import { getJsonBody } from '../http/json-body';
import type { AuthContext } from '../auth';
import type { Paged } from '../db/paging';
import { listQueryFromRequest } from '../http/list-query';
import type { ListQuery } from '../http/list-query';
import { presentPage } from '../http/pagination';
import { parseBody } from '../http/parse-body';
import { basePathOf, param, queryFlag } from '../http/request-helpers';
import { sendPage } from '../http/send-page';
import { sendJson } from '../http/send';
import { presentOrganization, presentSpace, presentUser } from './presenter';
import {
  createOrganizationBody,
  createSpaceBody,
  createUserBody,
  updateOrganizationBody,
  updateSpaceBody,
} from './schemas';
import { NO_LOOKUPS, OrgsInliner } from './inline';
import type { OrgsService } from './service';
import { ORG_ROLES, SPACE_ROLES } from './types';
import type { Space } from './types';
import type { UsersDirectory } from './users-directory';

export const ORG_QUERYABLE = [
  'name',
  'status',
  'space_guid',
  'user_guid',
  'manager_guid',
  'billing_manager_guid',
  'auditor_guid',
] as const;
export const SPACE_QUERYABLE = [
  'name',
  'organization_guid',
  'developer_guid',
  'manager_guid',
  'auditor_guid',
] as const;
const USER_QUERYABLE = ['space_guid', 'organization_guid'] as const;
const ORDERABLE = ['name', 'id'] as const;

/** `inline-relations-depth` on a single read (a list's parser, for its limits and errors). */
function depthOf(req: Request): number {
  return listQueryFromRequest(req, { queryable: [] }).inlineRelationsDepth;
}

export function createOrgsRoutes(
  orgs: OrgsService,
  users: UsersDirectory,
  inliner: OrgsInliner = new OrgsInliner(orgs, NO_LOOKUPS),
): Router {
  const router = express.Router();

  router.get('/v2/organizations', async (req: Request, res: Response) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: ORG_QUERYABLE, orderable: ORDERABLE });
    const page = await orgs.listOrganizations(ctx, query);
    const depth = query.inlineRelationsDepth;
    sendJson(
      res,
      200,
      presentPage(
        basePathOf(req),
        query,
        page.total,
        await Promise.all(page.items.map((o) => inliner.organization(ctx, o, depth))),
      ),
    );
  });
  router.post('/v2/organizations', async (req, res) => {
    requireAdmin(req);
    const body = parseBody(createOrganizationBody, getJsonBody(req));
    const org = await orgs.createOrganization(body);
    sendJson(res, 201, presentOrganization(org), `/v2/organizations/${org.guid}`);
  });
  router.get('/v2/organizations/:guid', async (req, res) => {
    const ctx = requireReadScope(req);
    const depth = depthOf(req);
    const org = await orgs.getOrganization(ctx, param(req, 'guid'));
    sendJson(res, 200, await inliner.organization(ctx, org, depth));
  });
  router.put('/v2/organizations/:guid', async (req, res) => {
    const ctx = requireWriteScope(req);
    const body = parseBody(updateOrganizationBody, getJsonBody(req));
    sendJson(
      res,
      201,
      presentOrganization(await orgs.updateOrganization(ctx, param(req, 'guid'), body)),
    );
  });
  router.delete('/v2/organizations/:guid', async (req, res) => {
    requireAdmin(req);
    await orgs.deleteOrganization(param(req, 'guid'), queryFlag(req, 'recursive'));
    res.status(204).end();
  });
  router.get('/v2/organizations/:guid/spaces', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: SPACE_QUERYABLE, orderable: ORDERABLE });
    const page = await orgs.listSpaces(ctx, query, param(req, 'guid'));
    await sendSpaces(req, res, ctx, query, page);
  });
  for (const role of ORG_ROLES) {
    router.get(`/v2/organizations/:guid/${role}`, async (req, res) => {
      const ctx = requireReadScope(req);
      const query = listQueryFromRequest(req, { queryable: USER_QUERYABLE });
      const page = await orgs.listRoleHolders(ctx, 'organization', param(req, 'guid'), role, query);
      sendPage(req, res, query, page, presentUser);
    });
    router.put(`/v2/organizations/:guid/${role}/:userGuid`, async (req, res) => {
      const org = await orgs.setOrgRole(
        requireWriteScope(req),
        param(req, 'guid'),
        role,
        param(req, 'userGuid'),
        true,
      );
      sendJson(res, 201, presentOrganization(org));
    });
    router.delete(`/v2/organizations/:guid/${role}/:userGuid`, async (req, res) => {
      await orgs.setOrgRole(
        requireWriteScope(req),
        param(req, 'guid'),
        role,
        param(req, 'userGuid'),
        false,
      );
      res.status(204).end();
    });
  }

  router.get('/v2/spaces', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: SPACE_QUERYABLE, orderable: ORDERABLE });
    const page = await orgs.listSpaces(ctx, query);
    await sendSpaces(req, res, ctx, query, page);
  });
  router.post('/v2/spaces', async (req, res) => {
    const ctx = requireWriteScope(req);
    const space = await orgs.createSpace(ctx, parseBody(createSpaceBody, getJsonBody(req)));
    sendJson(res, 201, presentSpace(space), `/v2/spaces/${space.guid}`);
  });
  router.get('/v2/spaces/:guid', async (req, res) => {
    const ctx = requireReadScope(req);
    const depth = depthOf(req);
    const space = await orgs.getSpace(ctx, param(req, 'guid'));
    sendJson(res, 200, await inliner.space(ctx, space, depth));
  });
  router.put('/v2/spaces/:guid', async (req, res) => {
    const ctx = requireWriteScope(req);
    const body = parseBody(updateSpaceBody, getJsonBody(req));
    sendJson(res, 201, presentSpace(await orgs.updateSpace(ctx, param(req, 'guid'), body)));
  });
  router.delete('/v2/spaces/:guid', async (req, res) => {
    await orgs.deleteSpace(requireWriteScope(req), param(req, 'guid'));
    res.status(204).end();
  });
  for (const role of SPACE_ROLES) {
    router.get(`/v2/spaces/:guid/${role}`, async (req, res) => {
      const ctx = requireReadScope(req);
      const query = listQueryFromRequest(req, { queryable: USER_QUERYABLE });
      const page = await orgs.listRoleHolders(ctx, 'space', param(req, 'guid'), role, query);
      sendPage(req, res, query, page, presentUser);
    });
    router.put(`/v2/spaces/:guid/${role}/:userGuid`, async (req, res) => {
      const space = await orgs.setSpaceRole(
        requireWriteScope(req),
        param(req, 'guid'),
        role,
        param(req, 'userGuid'),
        true,
      );
      sendJson(res, 201, presentSpace(space));
    });
    router.delete(`/v2/spaces/:guid/${role}/:userGuid`, async (req, res) => {
      await orgs.setSpaceRole(
        requireWriteScope(req),
        param(req, 'guid'),
        role,
        param(req, 'userGuid'),
        false,
      );
      res.status(204).end();
    });
  }

  async function sendSpaces(
    req: Request,
    res: Response,
    ctx: AuthContext,
    query: ListQuery,
    page: Paged<Space>,
  ): Promise<void> {
    const depth = query.inlineRelationsDepth;
    sendJson(
      res,
      200,
      presentPage(
        basePathOf(req),
        query,
        page.total,
        await Promise.all(page.items.map((s) => inliner.space(ctx, s, depth))),
      ),
    );
  }

  router.get('/v2/users', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: USER_QUERYABLE });
    const page = await orgs.listUsers(ctx, query);
    sendPage(req, res, query, page, presentUser);
  });
  router.post('/v2/users', async (req, res) => {
    requireAdmin(req);
    const body = parseBody(createUserBody, getJsonBody(req));
    const user = await users.createCcUser(body.guid);
    sendJson(res, 201, presentUser(user), `/v2/users/${encodeURIComponent(user.guid)}`);
  });
  router.get('/v2/users/:guid', async (req, res) => {
    const ctx = requireReadScope(req);
    sendJson(res, 200, presentUser(await users.getUser(ctx, param(req, 'guid'))));
  });
  router.delete('/v2/users/:guid', async (req, res) => {
    requireAdmin(req);
    await users.deleteUser(param(req, 'guid'));
    res.status(204).end();
  });
  return router;
}
