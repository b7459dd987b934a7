import type { FilterColumn } from '../db/apply-filters';
import type { Db, Knex } from '../db/knex';

/**
 * Query pieces over `organizations` for other modules' stores that keep an organization id (the
 * catalog's plan visibilities), so they name an organization by guid without reading this table.
 */

/** The guid of the organization whose id `idColumn` holds: a one-value sub-select for a select list. */
export function organizationGuidOf(db: Db, idColumn: string): Knex.QueryBuilder {
  return db('organizations')
    .select('organizations.guid')
    .where('organizations.id', db.ref(idColumn))
    .limit(1);
}

/** A list's `organization_guid` filter on a column of organization ids. */
export function organizationGuidFilter(idColumn: string): FilterColumn {
  return { kind: 'relation', column: idColumn, table: 'organizations' };
}
