import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import type { AuthContext } from '../auth';
import { requireReadScope } from '../auth';
import type { Filter } from '../db/page-request';
import { pageRequest } from '../db/page-request';
import type { Resource } from '../http/envelope';
import { listQueryFromRequest } from '../http/list-query';
import type { ListQuery } from '../http/list-query';
import { presentPage } from '../http/pagination';
import { basePathOf, param } from '../http/request-helpers';
import { sendJson } from '../http/send';
import { presentInstance } from '../instances';
import type { InstanceContext, InstancesService, ServiceInstance } from '../instances';
import type { OrgsService, Space } from '../orgs';
import type { UserProvidedInstance, UserProvidedModule } from '../user-provided';
import { inlineInstance } from './inline';

const INSTANCE_QUERYABLE = [
  'name',
  'space_guid',
  'service_plan_guid',
  'service_binding_guid',
  'gateway_name',
  'organization_guid',
  'service_key_guid',
] as const;
/** Filters a user-provided instance can match; any other filter leaves only managed ones. */
const UPSI_FILTERABLE = new Set(['name', 'space_guid', 'organization_guid']);
const BATCH = 100;
/** How many of a space's instances one combined list looks at (CC has no such cap; Wharf pages in memory). */
const MAX_IN_SPACE = 5000;

type Entry =
  | { kind: 'managed'; instance: ServiceInstance }
  | { kind: 'user-provided'; instance: UserProvidedInstance };

export interface SpaceInstancesDeps {
  orgs: OrgsService;
  instances: InstancesService;
  context: InstanceContext;
  userProvided: UserProvidedModule;
}

export function createSpaceInstancesRoutes(deps: SpaceInstancesDeps): Router {
  const router = express.Router();

  const presentManaged = async (
    instance: ServiceInstance,
    depth: number,
  ): Promise<Resource<Record<string, unknown>>> => {
    const resource = presentInstance(instance);
    if (depth < 1) return resource;
    const setting = await deps.context.settingOf(instance);
    return inlineInstance(resource, setting, depth);
  };

  async function managedIn(
    ctx: AuthContext,
    space: Space,
    filters: readonly Filter[],
  ): Promise<ServiceInstance[]> {
    const all: ServiceInstance[] = [];
    for (let page = 1; all.length < MAX_IN_SPACE; page++) {
      const result = await deps.instances.listInSpace(
        ctx,
        space.guid,
        pageRequest({ page, perPage: BATCH, filters }),
        // CC lists the instances shared into the space with its own.
        { includeSharedInto: true },
      );
      all.push(...result.items);
      if (page * BATCH >= result.total) break;
    }
    return all;
  }

  async function userProvidedIn(
    space: Space,
    filters: readonly Filter[],
  ): Promise<UserProvidedInstance[]> {
    if (!filters.every((f) => UPSI_FILTERABLE.has(f.field))) return [];
    return (
      await deps.userProvided.listInSpace(space, pageRequest({ perPage: MAX_IN_SPACE, filters }))
    ).items;
  }

  /**
   * `GET /v2/spaces/:guid/service_instances`: the space's managed instances and, with
   * `return_user_provided_service_instances=true`, its user-provided ones, in creation order
   * (CC keeps both in one table), filtered, paged, and inlined to the depth asked.
   */
  router.get('/v2/spaces/:guid/service_instances', async (req, res) => {
    const ctx = requireReadScope(req);
    const query: ListQuery = listQueryFromRequest(req, { queryable: INSTANCE_QUERYABLE });
    const space = await deps.orgs.getSpace(ctx, param(req, 'guid'));
    const entries: Entry[] = (await managedIn(ctx, space, query.filters)).map((instance) => ({
      kind: 'managed',
      instance,
    }));
    if (req.query.return_user_provided_service_instances === 'true') {
      for (const instance of await userProvidedIn(space, query.filters))
        entries.push({ kind: 'user-provided', instance });
    }
    entries.sort((a, b) =>
      a.instance.createdAt === b.instance.createdAt
        ? a.instance.id - b.instance.id
        : a.instance.createdAt < b.instance.createdAt
          ? -1
          : 1,
    );
    if (query.order.direction === 'desc') entries.reverse();
    const start = (query.page - 1) * query.perPage;
    const page = entries.slice(start, start + query.perPage);
    const resources = await Promise.all(
      page.map((e) =>
        e.kind === 'managed'
          ? presentManaged(e.instance, query.inlineRelationsDepth)
          : deps.userProvided.present(ctx, e.instance),
      ),
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
