import type { IdSet, PlanUsage } from '../catalog';
import type { Db } from '../db/knex';
import { countOf } from '../db/paging';

/**
 * The catalog's view of `service_instances` (its PlanUsage port): which plans instances use.
 * The composition root hands it to createCatalogModule.
 */
export const instancePlanUsage: PlanUsage = {
  plansUsedInSpaces: (db: Db, spaceIds: IdSet) =>
    db('service_instances').select('service_plan_id').whereIn('space_id', spaceIds),

  plansInUse: (db: Db) => db('service_instances').distinct('service_plan_id as plan_id'),

  countUsesOf: async (db: Db, planId: number) =>
    countOf(
      await db('service_instances').where('service_plan_id', planId).count({ n: '*' }).first(),
    ),

  instanceFilter: (planIdColumn: string) => ({
    kind: 'subquery',
    column: planIdColumn,
    from: (sub) => void sub.select('service_instances.service_plan_id').from('service_instances'),
    guidColumn: 'service_instances.guid',
  }),

  // Keys go first; rows hanging off an instance elsewhere (shares) go by ON DELETE CASCADE.
  purgeUsesOf: async (db: Db, planIds: IdSet) => {
    const instances = db('service_instances').select('id').whereIn('service_plan_id', planIds);
    await db('service_keys').whereIn('service_instance_id', instances).delete();
    await db('service_instances').whereIn('service_plan_id', planIds).delete();
  },
};
