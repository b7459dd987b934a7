import type { Router } from 'express';
import type { OrgsService } from '../orgs';
import { createDomainsRoutes } from './routes';

export interface DomainsModule {
  router: Router;
}

export function createDomainsModule(deps: { orgs: OrgsService }): DomainsModule {
  return { router: createDomainsRoutes(deps.orgs) };
}
