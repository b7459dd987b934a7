import type { Db, Knex } from '../db/knex';

/** The default quota definition's guid as a one-value sub-select, for other features' reads. */
export function defaultQuotaGuidQuery(db: Db): Knex.QueryBuilder {
  return db('quota_definitions').select('guid').where('name', 'default').limit(1);
}
