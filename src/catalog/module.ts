import type { Router } from 'express';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import type { OrgsService } from '../orgs';
import { createBrokerCatalogs } from './broker-catalogs';
import type { BrokerCatalogs } from './broker-catalogs';
import { SqlCatalogStore } from './catalog-store';
import type { ExtraCheck } from './extra-check';
import { GenerationStore } from './generation-store';
import type { PlanUsage } from './plan-usage';
import { PlansService } from './plans-service';
import { CatalogReadCache } from './read-cache';
import { createCatalogRoutes } from './routes';
import { ServicesService } from './services-service';
import type { CatalogStore } from './store-port';
import { VisibilitiesService } from './visibilities-service';

export interface CatalogModuleDeps {
  knex: Db;
  clock: Clock;
  changes: ChangeFeed;
  /** Organizations for visibilities, spaces for `/v2/spaces/:guid/services`. */
  orgs: Pick<OrgsService, 'findOrganization' | 'getSpace'>;
  /** The rows that use plans (service instances): block deletes, widen read-by-guid, go on purge. */
  planUsage: PlanUsage;
  /** Refuses a bad `extra` on services and plans (the container template, src/instances). */
  checkExtra?: ExtraCheck;
  /** Specs of the catalog rules pass a FakeCatalogStore. */
  store?: CatalogStore;
}

export interface CatalogModule {
  services: ServicesService;
  plans: PlansService;
  visibilities: VisibilitiesService;
  /** The broker registry writes each broker's catalog rows through this. */
  brokerCatalogs: BrokerCatalogs;
  /** `/v2/services`, `/v2/service_plans`, `/v2/service_plan_visibilities`, a space's services. */
  router: Router;
}

/** The catalog: services, plans and plan visibilities, wired from what it is handed. */
export function createCatalogModule(deps: CatalogModuleDeps): CatalogModule {
  const store = deps.store ?? new SqlCatalogStore(deps.knex, deps.clock, deps.planUsage);
  const serviceDeps = { store, changes: deps.changes, checkExtra: deps.checkExtra };
  const services = new ServicesService(serviceDeps);
  const plans = new PlansService(serviceDeps);
  const visibilities = new VisibilitiesService({
    store,
    changes: deps.changes,
    orgs: deps.orgs,
  });
  const router = createCatalogRoutes({
    generation: new GenerationStore(deps.knex),
    cache: new CatalogReadCache(),
    services,
    plans,
    visibilities,
    orgs: deps.orgs,
  });
  const brokerCatalogs = createBrokerCatalogs(deps.planUsage, deps.clock);
  return { services, plans, visibilities, brokerCatalogs, router };
}
