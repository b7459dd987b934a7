import type { Router } from 'express';
import type { AuthContext } from '../auth';
import type { Resource } from '../http/envelope';
import type { Space } from '../orgs';
import { SpaceInstanceLists } from './lists';
import type { SpaceInstancesDeps } from './lists';
import { createSpaceInstancesRoutes } from './routes';

export type { SpaceInstancesDeps } from './lists';

export interface SpaceInstancesModule {
  router: Router;
  /**
   * A space's own instances (both kinds) for its `service_instances` relation under
   * `inline-relations-depth`: presented at `depth`, or none when there are more than `limit`.
   */
  serviceInstancesOf(
    ctx: AuthContext,
    space: Space,
    depth: number,
    limit: number,
  ): Promise<{ total: number; items: Resource<Record<string, unknown>>[] }>;
}

/**
 * One view over a space's instances as the cf CLI reads it: managed and user-provided together,
 * with `inline-relations-depth`. Mount before the managed instance routes.
 */
export function createSpaceInstancesModule(deps: SpaceInstancesDeps): SpaceInstancesModule {
  const lists = new SpaceInstanceLists(deps);
  return {
    router: createSpaceInstancesRoutes(deps, lists),
    serviceInstancesOf: (ctx, space, depth, limit) => lists.relationOf(ctx, space, depth, limit),
  };
}
