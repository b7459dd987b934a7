import type { Router } from 'express';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import { createFeatureFlagRoutes } from './routes';
import { FeatureFlagsService } from './service';
import { SqlFeatureFlagsStore } from './store';
import type { FeatureFlagsStore } from './store-port';

export { FeatureFlagsService } from './service';
export { FakeFeatureFlagsStore } from './fake-store';
export type { FeatureFlagsStore } from './store-port';
export { flagOverrideQuery } from './flag-sql';
export { presentFeatureFlag } from './presenter';
export { FEATURE_FLAG_DEFAULTS, FEATURE_FLAG_NAMES } from './types';
export type { FeatureFlag, FeatureFlagName, SetFeatureFlagCommand } from './types';

export interface FeatureFlagsModuleDeps {
  knex: Db;
  clock: Clock;
  changes: ChangeFeed;
  /** Specs of the flag rules pass a FakeFeatureFlagsStore. */
  store?: FeatureFlagsStore;
}

export interface FeatureFlagsModule {
  service: FeatureFlagsService;
  /** `/v2/config/feature_flags`. */
  router: Router;
}

/** CC's feature flags: their store, service and v2 routes. */
export function createFeatureFlagsModule(deps: FeatureFlagsModuleDeps): FeatureFlagsModule {
  const store = deps.store ?? new SqlFeatureFlagsStore(deps.knex, deps.clock);
  const service = new FeatureFlagsService({ store, changes: deps.changes });
  return { service, router: createFeatureFlagRoutes(service) };
}
