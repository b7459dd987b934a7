import type { Db, Knex } from '../db/knex';
import type { FeatureFlagName } from './types';

/**
 * A query piece for other modules' stores: the stored override of one flag as a one-value
 * sub-select (NULL when the flag has its default), so a hot read can fetch it in the same
 * statement as its own row (the catalog's generation read does).
 */
export function flagOverrideQuery(db: Db, name: FeatureFlagName): Knex.QueryBuilder {
  return db('feature_flags').select('enabled').where('name', name).limit(1);
}
