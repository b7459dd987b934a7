import type { ChangeFeed } from '../changes';
import { CfError } from '../http/cf-errors';
import type { FeatureFlagsStore } from './store-port';
import { FEATURE_FLAG_DEFAULTS, FEATURE_FLAG_NAMES, isFeatureFlagName } from './types';
import type { FeatureFlag, FeatureFlagName, FlagOverride, SetFeatureFlagCommand } from './types';

/** A flag as the operator left it: the stored override, or CC's default. */
export function withDefault(
  name: FeatureFlagName,
  override: FlagOverride | undefined,
): FeatureFlag {
  return {
    name,
    enabled: override?.enabled ?? FEATURE_FLAG_DEFAULTS[name],
    errorMessage: override?.errorMessage ?? null,
  };
}

export interface FeatureFlagsServiceDeps {
  store: FeatureFlagsStore;
  changes: ChangeFeed;
}

/** CC's feature flags (`/v2/config/feature_flags`), read by every feature that CC gates with one. */
export class FeatureFlagsService {
  constructor(private readonly deps: FeatureFlagsServiceDeps) {}

  /** Every flag Wharf knows, in CC's order. */
  async list(): Promise<FeatureFlag[]> {
    const overrides = new Map((await this.deps.store.overrides()).map((o) => [o.name, o]));
    return FEATURE_FLAG_NAMES.map((name) => withDefault(name, overrides.get(name)));
  }

  async get(name: string): Promise<FeatureFlag> {
    if (!isFeatureFlagName(name)) throw new CfError('FeatureFlagNotFound', name);
    return withDefault(name, await this.deps.store.override(name));
  }

  async set(name: string, command: SetFeatureFlagCommand): Promise<FeatureFlag> {
    const { name: known } = await this.get(name);
    const flag: FeatureFlag = {
      name: known,
      enabled: command.enabled,
      errorMessage: command.errorMessage ?? null,
    };
    await this.deps.store.setOverride(flag);
    this.deps.changes.publish({
      topic: 'feature_flag',
      action: 'updated',
      id: known,
      detail: { enabled: flag.enabled },
    });
    return flag;
  }

  /** CC's FeatureDisabled error, with the operator's own message when one is set. */
  async require(name: FeatureFlagName): Promise<void> {
    const flag = await this.get(name);
    if (!flag.enabled) throw new CfError('FeatureDisabled', flag.errorMessage ?? name);
  }
}
