import type { Router } from 'express';
import type { OrgsService } from '../orgs';
import { createAppsRoutes } from './routes';

export interface AppsModule {
  router: Router;
}

/** Apps (and the security groups that would apply to them) do not exist in Wharf: CC-shaped nothing. */
export function createAppsModule(deps: { orgs: OrgsService }): AppsModule {
  return { router: createAppsRoutes(deps.orgs) };
}
