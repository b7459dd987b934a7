import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import type { PlanUsage } from './plan-usage';
import { SqlPlansStore } from './plans-store';
import { SqlServicesStore } from './services-store';
import type { CatalogStore } from './store-port';
import { SqlVisibilitiesStore } from './visibilities-store';

/**
 * The catalog's tables through Knex, on SQLite or PostgreSQL; instances that use its plans are
 * reached through `usage` (src/instances) and memberships through src/orgs' query pieces.
 */
export class SqlCatalogStore implements CatalogStore {
  readonly services: SqlServicesStore;
  readonly plans: SqlPlansStore;
  readonly visibilities: SqlVisibilitiesStore;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly usage: PlanUsage,
  ) {
    this.services = new SqlServicesStore(db, clock, usage);
    this.plans = new SqlPlansStore(db, clock, usage);
    this.visibilities = new SqlVisibilitiesStore(db, clock);
  }

  transaction<T>(work: (store: CatalogStore) => Promise<T>): Promise<T> {
    return this.db.transaction((trx) => work(new SqlCatalogStore(trx, this.clock, this.usage)));
  }
}
