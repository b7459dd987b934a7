export { createCatalogRoutes } from './routes';
export { FeatureFlagsService } from './feature-flags-service';
export { PlansService } from './plans-service';
export { ServicesService } from './services-service';
export { VisibilitiesService } from './visibilities-service';
export type { Service, ServicePlan, CatalogViewer } from './types';
