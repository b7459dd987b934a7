export { createCatalogRoutes } from './routes';
export { FeatureFlagsService } from './feature-flags-service';
export { PlansService } from './plans-service';
export { ServicesService } from './services-service';
export { VisibilitiesService } from './visibilities-service';
export type { Service, ServicePlan, CatalogViewer } from './types';
export { syncBrokerCatalog, removeBrokerCatalog } from './catalog-sync-store';
export type { SyncOutcome } from './catalog-sync-store';
export type { SyncServiceEntry, SyncPlanEntry } from './catalog-sync-plan';
