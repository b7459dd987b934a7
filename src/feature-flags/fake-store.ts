import type { FeatureFlagsStore } from './store-port';
import type { FeatureFlagName, FlagOverride } from './types';

/** In-memory overrides, for specs of the flag rules without SQLite. */
export class FakeFeatureFlagsStore implements FeatureFlagsStore {
  readonly rows = new Map<FeatureFlagName, FlagOverride>();

  overrides(): Promise<FlagOverride[]> {
    return Promise.resolve([...this.rows.values()]);
  }

  override(name: FeatureFlagName): Promise<FlagOverride | undefined> {
    return Promise.resolve(this.rows.get(name));
  }

  setOverride(override: FlagOverride): Promise<void> {
    this.rows.set(override.name, { ...override });
    return Promise.resolve();
  }
}
