import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { requireReadScope, requireWriteScope } from '../auth';
import type { AuthContext } from '../auth';
import { CfError } from '../http/cf-errors';
import { getJsonBody } from '../http/json-body';
import { listQueryFromRequest } from '../http/list-query';
import { presentPage } from '../http/pagination';
import { parseBody } from '../http/parse-body';
import { basePathOf, param } from '../http/request-helpers';
import { sendJson } from '../http/send';
import { presentUserProvided } from './presenter';
import { createUserProvidedBody, updateUserProvidedBody } from './schemas';
import type { UserProvidedService } from './service';
import type { UserProvidedInstance } from './types';

const QUERYABLE = ['name', 'space_guid', 'organization_guid'] as const;
const COLLECTION = '/v2/user_provided_service_instances';

export function createUserProvidedRoutes(service: UserProvidedService): Router {
  const router = express.Router();
  const present = async (ctx: AuthContext, i: UserProvidedInstance): Promise<unknown> =>
    presentUserProvided(i, await service.credentialsFor(ctx, i));

  router.post(COLLECTION, async (req, res) => {
    const ctx = requireWriteScope(req);
    const instance = await service.create(ctx, parseBody(createUserProvidedBody, getJsonBody(req)));
    sendJson(res, 201, await present(ctx, instance), `${COLLECTION}/${instance.guid}`);
  });
  router.get(COLLECTION, async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: QUERYABLE });
    const page = await service.list(ctx, query);
    const resources = await Promise.all(page.items.map((i) => present(ctx, i)));
    sendJson(res, 200, presentPage(basePathOf(req), query, page.total, resources));
  });
  router.get(`${COLLECTION}/:guid`, async (req, res) => {
    const ctx = requireReadScope(req);
    sendJson(res, 200, await present(ctx, await service.get(ctx, param(req, 'guid'))));
  });
  router.put(`${COLLECTION}/:guid`, async (req, res) => {
    const ctx = requireWriteScope(req);
    const body = parseBody(updateUserProvidedBody, getJsonBody(req));
    // CC's generic update answers 201 (cf-v2-api.md §1.6).
    sendJson(res, 201, await present(ctx, await service.update(ctx, param(req, 'guid'), body)));
  });
  router.delete(`${COLLECTION}/:guid`, async (req, res) => {
    await service.delete(requireWriteScope(req), param(req, 'guid'));
    res.status(204).end();
  });
  // Wharf has no apps and no routes, so nothing is ever bound: honest empty lists.
  for (const nested of ['service_bindings', 'routes']) {
    router.get(`${COLLECTION}/:guid/${nested}`, async (req, res) => {
      const ctx = requireReadScope(req);
      const query = listQueryFromRequest(req, { queryable: ['app_guid', 'name'] });
      await service.get(ctx, param(req, 'guid'));
      sendJson(res, 200, presentPage(basePathOf(req), query, 0, []));
    });
  }

  // `/v2/service_instances/:guid` also reads a UPSI, in the UPSI's shape (cf-v2-api.md §3.5);
  // any other guid goes on to the managed instance routes.
  router.get(
    '/v2/service_instances/:guid',
    async (req: Request, res: Response, next: NextFunction) => {
      const found = await service.find(param(req, 'guid'));
      if (!found) {
        next();
        return;
      }
      const ctx = requireReadScope(req);
      sendJson(res, 200, await present(ctx, await service.get(ctx, found.guid)));
    },
  );
  router.put(
    '/v2/service_instances/:guid',
    async (req: Request, _res: Response, next: NextFunction) => {
      if (!(await service.find(param(req, 'guid')))) {
        next();
        return;
      }
      requireWriteScope(req);
      throw new CfError('UserProvidedServiceInstanceHandlerNeeded');
    },
  );
  return router;
}
