import type { FeatureFlagName, FlagOverride } from './types';

/**
 * The feature flags' storage: only operator overrides are stored (an absent row means the
 * default). `SqlFeatureFlagsStore` is the real one; specs of the service use `FakeFeatureFlagsStore`.
 */
export interface FeatureFlagsStore {
  overrides(): Promise<FlagOverride[]>;
  override(name: FeatureFlagName): Promise<FlagOverride | undefined>;
  setOverride(override: FlagOverride): Promise<void>;
}
