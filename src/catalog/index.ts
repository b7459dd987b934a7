export { createCatalogModule } from './module';
export type { CatalogModule, CatalogModuleDeps } from './module';
export { PlansService } from './plans-service';
export type { PlanWithService } from './plans-service';
export { ServicesService } from './services-service';
export type { ServiceWithPlans } from './services-service';
export { VisibilitiesService } from './visibilities-service';
export type { CatalogStore } from './store-port';
export type { IdSet, PlanUsage } from './plan-usage';
export { FakeCatalogStore } from './fake-store';
export type {
  CatalogViewer,
  CreatePlanCommand,
  CreateServiceCommand,
  Service,
  ServicePlan,
  UpdatePlanCommand,
  UpdateServiceCommand,
  VisibilityCommand,
} from './types';
export type { BrokerCatalogs } from './broker-catalogs';
export type { BrokerCatalogSync, SyncOutcome } from './catalog-sync-store';
export type { SyncServiceEntry, SyncPlanEntry } from './catalog-sync-plan';
export { GenerationStore } from './generation-store';
export type { ExtraCheck } from './extra-check';
export { presentPlan, presentService } from './presenter';
// The /ui forms parse with the v2 schemas, so the dashboard refuses exactly what the API refuses.
export { planBody, serviceBody, toCreatePlanCommand, toCreateServiceCommand } from './schemas';
export { toCatalogViewer } from './viewer';
