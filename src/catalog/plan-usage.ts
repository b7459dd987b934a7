import type { FilterColumn } from '../db/apply-filters';
import type { Db, Knex } from '../db/knex';

/** Ids as a sub-select or a list. */
export type IdSet = Knex.QueryBuilder | number[];

/**
 * What the catalog needs to know about the rows that use its plans (service instances), as query
 * pieces the owner of those rows implements (src/instances) and the composition root hands in, so
 * the catalog's store never reads another module's tables and the modules import in one direction.
 */
export interface PlanUsage {
  /** Ids of plans used in one of `spaceIds`. */
  plansUsedInSpaces(db: Db, spaceIds: IdSet): Knex.QueryBuilder;
  /** Ids of every plan in use, as a sub-select of one column named `plan_id`. */
  plansInUse(db: Db): Knex.QueryBuilder;
  /** How many rows use the plan (a plan in use may not be deleted). */
  countUsesOf(db: Db, planId: number): Promise<number>;
  /** A plan list's `service_instance_guid` filter: the plans of the instances named. */
  instanceFilter(planIdColumn: string): FilterColumn;
  /** Deletes whatever uses the plans `planIds` selects, without any broker call (CC's purge). */
  purgeUsesOf(db: Db, planIds: IdSet): Promise<void>;
}
