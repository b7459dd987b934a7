export { catalogProblems, validateCatalog } from './validate-catalog';
export type {
  CatalogValidationResult,
  ExistingBrokerCatalog,
  ExistingCatalogService,
} from './validate-catalog';
export type { OsbCatalog, OsbMaintenanceInfo, OsbPlan, OsbService } from './types';
export { isSemver } from './semver';
