import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import { SqlPlansStore } from './plans-store';
import { SqlServicesStore } from './services-store';
import type { CatalogStore } from './store-port';
import { SqlVisibilitiesStore } from './visibilities-store';

/** The catalog's tables through Knex, on SQLite or PostgreSQL. */
export class SqlCatalogStore implements CatalogStore {
  readonly services: SqlServicesStore;
  readonly plans: SqlPlansStore;
  readonly visibilities: SqlVisibilitiesStore;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {
    this.services = new SqlServicesStore(db, clock);
    this.plans = new SqlPlansStore(db, clock);
    this.visibilities = new SqlVisibilitiesStore(db, clock);
  }

  transaction<T>(work: (store: CatalogStore) => Promise<T>): Promise<T> {
    return this.db.transaction((trx) => work(new SqlCatalogStore(trx, this.clock)));
  }
}
