import type { FilterColumn } from '../db/apply-filters';
import type { Db, Knex } from '../db/knex';
import type { Filter } from '../db/page-request';
import { applyFilters } from '../db/apply-filters';

/**
 * SQL pieces over the registry's own table for features whose rows name a broker (the catalog's
 * services carry `service_broker_id`): they read `service_brokers` only through these, so the
 * table's shape stays the registry's business.
 */
const BROKERS = 'service_brokers';

/** Adds `service_broker_guid` and `service_broker_name` to a select over rows with a broker id. */
export function selectBrokerIdentity(
  qb: Knex.QueryBuilder,
  brokerIdColumn: string,
): Knex.QueryBuilder {
  return qb
    .leftJoin(BROKERS, `${BROKERS}.id`, brokerIdColumn)
    .select(`${BROKERS}.guid as service_broker_guid`, `${BROKERS}.name as service_broker_name`);
}

/** `q=service_broker_guid…` on a column holding a broker id. */
export function brokerGuidFilter(brokerIdColumn: string): FilterColumn {
  return { kind: 'relation', column: brokerIdColumn, table: BROKERS };
}

/** Ids of the brokers whose guid matches `filter` (its field is ignored). */
export function brokerIdsMatching(db: Db, filter: Filter): Knex.QueryBuilder {
  const qb = db(BROKERS).select(`${BROKERS}.id`);
  applyFilters(
    qb,
    { filters: [{ ...filter, field: 'guid' }] },
    {
      guid: { kind: 'string', column: `${BROKERS}.guid` },
    },
  );
  return qb;
}

/** Ids of the brokers registered for one of `spaces`. */
export function brokersScopedTo(db: Db, spaces: Knex.QueryBuilder | number[]): Knex.QueryBuilder {
  return db(BROKERS).select('id').whereIn('space_id', spaces);
}

/** Ids of every space-scoped broker. */
export function spaceScopedBrokers(db: Db): Knex.QueryBuilder {
  return db(BROKERS).select('id').whereNotNull('space_id');
}

/** The id of the broker with `guid` (at most one row). */
export function brokerIdWithGuid(db: Db, guid: string): Knex.QueryBuilder {
  return db(BROKERS).select('id').where({ guid });
}
