import type { Clock } from '../clock';
import type { Knex } from '../db/knex';
import { removeBrokerCatalog, syncBrokerCatalog } from './catalog-sync-store';
import type { BrokerCatalogSync, SyncOutcome } from './catalog-sync-store';
import type { PlanUsage } from './plan-usage';

/**
 * The catalog rows a registered broker owns, written by the broker registry inside its own
 * transaction (the broker row and its catalog commit together).
 */
export interface BrokerCatalogs {
  /** Upserts the broker's services and plans; removes or deactivates what its catalog dropped. */
  sync(trx: Knex.Transaction, catalog: BrokerCatalogSync): Promise<SyncOutcome>;
  /** Removes the broker's services, plans and visibilities (it has no instances left). */
  remove(trx: Knex.Transaction, brokerId: number): Promise<void>;
}

export function createBrokerCatalogs(usage: PlanUsage, clock: Clock): BrokerCatalogs {
  return {
    sync: (trx, catalog) => syncBrokerCatalog(trx, usage, clock.now(), catalog),
    remove: (trx, brokerId) => removeBrokerCatalog(trx, brokerId),
  };
}
