import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { requireReadScope } from '../auth';
import { listQueryFromRequest } from '../http/list-query';
import type { ListQuery } from '../http/list-query';
import { presentPage } from '../http/pagination';
import { basePathOf, param } from '../http/request-helpers';
import { sendJson } from '../http/send';
import type { InstancesService, ServiceInstance } from '../instances';
import type { OrgsService } from '../orgs';
import type { SpaceInstanceLists } from './lists';

const INSTANCE_QUERYABLE = [
  'name',
  'space_guid',
  'service_plan_guid',
  'service_binding_guid',
  'gateway_name',
  'organization_guid',
  'service_key_guid',
] as const;

export function createSpaceInstancesRoutes(
  deps: { orgs: OrgsService; instances: InstancesService },
  lists: SpaceInstanceLists,
): Router {
  const router = express.Router();
  const presentManaged = (instance: ServiceInstance, depth: number) =>
    lists.presentManaged(instance, depth);

  /**
   * `GET /v2/spaces/:guid/service_instances`: the space's managed instances and, with
   * `return_user_provided_service_instances=true`, its user-provided ones, in creation order
   * (CC keeps both in one table), filtered, paged, and inlined to the depth asked.
   */
  router.get('/v2/spaces/:guid/service_instances', async (req, res) => {
    const ctx = requireReadScope(req);
    const query: ListQuery = listQueryFromRequest(req, { queryable: INSTANCE_QUERYABLE });
    const space = await deps.orgs.getSpace(ctx, param(req, 'guid'));
    const entries = await lists.entries(ctx, space, query.filters, {
      userProvided: req.query.return_user_provided_service_instances === 'true',
      // CC lists the instances shared into the space with its own.
      sharedInto: true,
    });
    if (query.order.direction === 'desc') entries.reverse();
    const start = (query.page - 1) * query.perPage;
    const page = entries.slice(start, start + query.perPage);
    const resources = await Promise.all(
      page.map((e) => lists.present(ctx, e, query.inlineRelationsDepth)),
    );
    sendJson(res, 200, presentPage(basePathOf(req), query, entries.length, resources));
  });

  // Lists and reads of managed instances with a depth: inlined here; without one, the instance routes answer.
  router.get('/v2/service_instances', async (req: Request, res: Response, next: NextFunction) => {
    const query = listQueryFromRequest(req, { queryable: INSTANCE_QUERYABLE });
    if (query.inlineRelationsDepth < 1) {
      next();
      return;
    }
    const ctx = requireReadScope(req);
    const page = await deps.instances.list(ctx, query);
    const resources = await Promise.all(
      page.items.map((i) => presentManaged(i, query.inlineRelationsDepth)),
    );
    sendJson(res, 200, presentPage(basePathOf(req), query, page.total, resources));
  });
  router.get(
    '/v2/service_instances/:guid',
    async (req: Request, res: Response, next: NextFunction) => {
      const query = listQueryFromRequest(req, { queryable: [] });
      if (query.inlineRelationsDepth < 1) {
        next();
        return;
      }
      const instance = await deps.instances.get(requireReadScope(req), param(req, 'guid'));
      sendJson(res, 200, await presentManaged(instance, query.inlineRelationsDepth));
    },
  );
  return router;
}
