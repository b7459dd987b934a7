import type { Db, Knex } from '../db/knex';
import { brokersScopedTo } from '../broker-registry';
import { orgsWithRole, spacesWithRole } from '../orgs';
import type { CatalogViewer } from './types';

/**
 * Catalog visibility as SQL sub-selects, so a list is one query however many organizations and
 * visibilities exist (CC evaluates it row by row: its best-known slowness). Membership comes from
 * src/orgs' query pieces, space-scoped brokers from the registry's.
 */
type IdSet = Knex.QueryBuilder | number[];

/** active AND (public OR visible to one of `organizations` OR from a broker scoped to one of `spaces`). */
function restrictToReachable(
  qb: Knex.QueryBuilder,
  db: Db,
  organizations: IdSet,
  spaces: IdSet,
): void {
  void qb.where('service_plans.active', true).where((inner) => {
    void inner
      .where('service_plans.public', true)
      .orWhereIn(
        'service_plans.id',
        db('service_plan_visibilities')
          .select('service_plan_id')
          .whereIn('organization_id', organizations),
      )
      .orWhereIn(
        'service_plans.service_id',
        // Driven from the (few) space-scoped brokers, not from a scan of every service.
        db('services').select('id').whereIn('service_broker_id', brokersScopedTo(db, spaces)),
      );
  });
}

export function restrictPlansTo(qb: Knex.QueryBuilder, db: Db, viewer: CatalogViewer): void {
  switch (viewer.kind) {
    case 'everything':
      return;
    case 'anonymous':
      void qb.where('service_plans.active', true).where('service_plans.public', true);
      return;
    case 'user':
      restrictToReachable(
        qb,
        db,
        orgsWithRole(db, { userGuid: viewer.userGuid }),
        spacesWithRole(db, { userGuid: viewer.userGuid }),
      );
      return;
    case 'space':
      restrictToReachable(qb, db, [viewer.organizationId], [viewer.spaceId]);
      return;
  }
}

/** A service is visible when at least one of its plans is. */
export function restrictServicesTo(qb: Knex.QueryBuilder, db: Db, viewer: CatalogViewer): void {
  if (viewer.kind === 'everything') return;
  const plans = db('service_plans').select('service_plans.service_id');
  restrictPlansTo(plans, db, viewer);
  void qb.whereIn('services.id', plans);
}
