export { createCatalogRoutes } from './routes';
export { FeatureFlagsService } from './feature-flags-service';
export { PlansService } from './plans-service';
export { ServicesService } from './services-service';
export { VisibilitiesService } from './visibilities-service';
export type { Service, ServicePlan, CatalogViewer } from './types';
export { syncBrokerCatalog, removeBrokerCatalog } from './catalog-sync-store';
export type { SyncOutcome } from './catalog-sync-store';
export type { SyncServiceEntry, SyncPlanEntry } from './catalog-sync-plan';
export { CatalogReadCache } from './read-cache';
export { GenerationStore } from './generation-store';
export type { ExtraCheck } from './services-service';
export { presentPlan, presentService } from './presenter';
// The /ui forms parse with the v2 schemas, so the dashboard refuses exactly what the API refuses.
export { planBody, serviceBody } from './schemas';
export { toCatalogViewer } from './viewer';
