import type { Knex } from '../db/knex';
import { CfError } from '../http/cf-errors';
import { FeatureFlagsStore } from './feature-flags-store';
import type { FeatureFlag, FeatureFlagName } from './types';

/** The feature flags the services family reads (`/v2/config/feature_flags`). */
export class FeatureFlagsService {
  private readonly store: FeatureFlagsStore;

  constructor(knex: Knex) {
    this.store = new FeatureFlagsStore(knex);
  }

  list(): Promise<FeatureFlag[]> {
    return this.store.all();
  }

  async get(name: string): Promise<FeatureFlag> {
    const flag = await this.store.get(name);
    if (!flag) throw new CfError('FeatureFlagNotFound', name);
    return flag;
  }

  async set(
    name: string,
    enabled: boolean,
    errorMessage: string | undefined,
  ): Promise<FeatureFlag> {
    const flag = await this.get(name);
    await this.store.set(flag.name, enabled, errorMessage ?? null);
    return this.get(name);
  }

  /** CC's FeatureDisabled error, with the operator's own message when one is set. */
  async require(name: FeatureFlagName): Promise<void> {
    const flag = await this.get(name);
    if (!flag.enabled) throw new CfError('FeatureDisabled', flag.errorMessage ?? name);
  }
}
