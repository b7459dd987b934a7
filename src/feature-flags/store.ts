import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import { currentTimestamp } from '../db/timestamps';
import type { FeatureFlagsStore } from './store-port';
import { isFeatureFlagName } from './types';
import type { FeatureFlagName, FlagOverride } from './types';

interface FlagRow {
  name: string;
  enabled: number | boolean;
  error_message: string | null;
}

/** Rows of flags Wharf no longer knows are skipped, not failed on. */
function toOverride(row: FlagRow): FlagOverride | undefined {
  if (!isFeatureFlagName(row.name)) return undefined;
  return { name: row.name, enabled: Boolean(row.enabled), errorMessage: row.error_message };
}

export class SqlFeatureFlagsStore implements FeatureFlagsStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  async overrides(): Promise<FlagOverride[]> {
    const rows: FlagRow[] = await this.db('feature_flags').select(
      'name',
      'enabled',
      'error_message',
    );
    return rows.flatMap((row) => toOverride(row) ?? []);
  }

  async override(name: FeatureFlagName): Promise<FlagOverride | undefined> {
    const row: FlagRow | undefined = await this.db('feature_flags')
      .select('name', 'enabled', 'error_message')
      .where({ name })
      .first();
    return row === undefined ? undefined : toOverride(row);
  }

  async setOverride(override: FlagOverride): Promise<void> {
    await this.db('feature_flags')
      .insert({
        name: override.name,
        enabled: override.enabled,
        error_message: override.errorMessage,
        updated_at: currentTimestamp(this.clock.now()),
      })
      .onConflict('name')
      .merge();
  }
}
