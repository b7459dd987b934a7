import type { Db } from '../db/knex';
import { currentTimestamp } from '../db/timestamps';
import { FEATURE_FLAG_DEFAULTS, FEATURE_FLAG_NAMES } from './types';
import type { FeatureFlag, FeatureFlagName } from './types';

interface FlagRow {
  name: string;
  enabled: number | boolean;
  error_message: string | null;
}

function isFlagName(name: string): name is FeatureFlagName {
  return FEATURE_FLAG_NAMES.some((n) => n === name);
}

/** Only overrides are stored; an absent row means the default. */
export class FeatureFlagsStore {
  constructor(private readonly db: Db) {}

  async all(): Promise<FeatureFlag[]> {
    const rows: FlagRow[] = await this.db('feature_flags').select('*');
    const byName = new Map(rows.map((r) => [r.name, r]));
    return FEATURE_FLAG_NAMES.map((name) => {
      const row = byName.get(name);
      return {
        name,
        enabled: row ? Boolean(row.enabled) : FEATURE_FLAG_DEFAULTS[name],
        errorMessage: row?.error_message ?? null,
      };
    });
  }

  async get(name: string): Promise<FeatureFlag | undefined> {
    if (!isFlagName(name)) return undefined;
    const row: FlagRow | undefined = await this.db('feature_flags').where({ name }).first();
    return {
      name,
      enabled: row ? Boolean(row.enabled) : FEATURE_FLAG_DEFAULTS[name],
      errorMessage: row?.error_message ?? null,
    };
  }

  async set(name: FeatureFlagName, enabled: boolean, errorMessage: string | null): Promise<void> {
    await this.db('feature_flags')
      .insert({ name, enabled, error_message: errorMessage, updated_at: currentTimestamp() })
      .onConflict('name')
      .merge();
  }
}
