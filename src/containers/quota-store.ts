import { z } from 'zod';
import type { Knex } from '../db/knex';

/** Runs inside the transaction of a write, before it; throwing aborts the write. */
export type WriteGuard = (trx: Knex.Transaction) => Promise<void>;

export interface TenantQuota {
  maxServices: number;
  maxReplicas: number;
}

/** What a write would add: a new service, or new replicas for `serviceId` (replacing its own). */
export interface TenantGrowth {
  tenant: string;
  newServices: number;
  replicas: number;
  serviceId?: string;
}

/** The tenant's quota would be exceeded; the message says which limit and by how much. */
export class QuotaExceeded extends Error {}

const TABLE = 'container_services';
const replicasOf = z.object({ replicas: z.number().int() });

/**
 * Checks the quota inside the write's transaction, so two concurrent creates cannot both take the
 * last slot: PostgreSQL serialises them on a per-tenant advisory lock; SQLite has one writer and
 * refuses (SQLITE_BUSY) a transaction whose read went stale before its write.
 */
export function tenantQuotaGuard(quota: TenantQuota, growth: TenantGrowth): WriteGuard {
  return async (trx) => {
    if (trx.client.config.client === 'pg') {
      await trx.raw('select pg_advisory_xact_lock(hashtext(?))', [`wharf.tenant:${growth.tenant}`]);
    }
    // Touch the table for writing first, so SQLite takes the write lock before we count.
    await trx(TABLE).where({ tenant: growth.tenant }).andWhere('id', '<', 0).update({ tenant: '' });
    const rows: Array<{ guid: string; spec: string }> = await trx(TABLE)
      .select('guid', 'spec')
      .where({ tenant: growth.tenant });
    const others = rows.filter((r) => r.guid !== growth.serviceId);
    if (growth.newServices > 0 && others.length + growth.newServices > quota.maxServices) {
      throw new QuotaExceeded(
        `Quota exceeded: a tenant may have at most ${quota.maxServices} services`,
      );
    }
    const inUse = others.reduce((sum, r) => sum + replicasOf.parse(JSON.parse(r.spec)).replicas, 0);
    if (inUse + growth.replicas > quota.maxReplicas) {
      throw new QuotaExceeded(
        `Quota exceeded: a tenant may run at most ${quota.maxReplicas} replicas in all ` +
          `(${inUse} in use by other services, ${growth.replicas} requested)`,
      );
    }
  };
}
