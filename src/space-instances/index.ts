import type { Router } from 'express';
import { createSpaceInstancesRoutes } from './routes';
import type { SpaceInstancesDeps } from './routes';

export type { SpaceInstancesDeps } from './routes';

/**
 * One view over a space's instances as the cf CLI reads it: managed and user-provided together,
 * with `inline-relations-depth`. Mount before the managed instance routes.
 */
export function createSpaceInstancesModule(deps: SpaceInstancesDeps): { router: Router } {
  return { router: createSpaceInstancesRoutes(deps) };
}
