import { randomUUID } from 'node:crypto';
import type { Knex } from '../db/knex';
import { currentTimestamp } from '../db/timestamps';
import { CfError } from '../http/cf-errors';
import { planRemovals } from './catalog-sync-plan';
import type { ExistingPlan, ExistingService, SyncServiceEntry } from './catalog-sync-plan';
import type { PlanUsage } from './plan-usage';
import { toPlanColumns } from './plans-store';
import { toServiceColumns } from './services-store';

// SQLite allows 32766 bound variables per statement; ~25 columns a row keeps chunks well under it.
const CHUNK = 500;

const SERVICE_SYNC_COLUMNS = [
  'label',
  'description',
  'bindable',
  'tags',
  'extra',
  'active',
  'requires',
  'plan_updateable',
  'bindings_retrievable',
  'instances_retrievable',
  'allow_context_updates',
  'updated_at',
];
const PLAN_SYNC_COLUMNS = [
  'name',
  'description',
  'free',
  'bindable',
  'active',
  'extra',
  'plan_updateable',
  'maximum_polling_duration',
  'maintenance_info',
  'schemas',
  'updated_at',
];

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

/** One broker's catalog to apply: its row id, its URL (named in warnings) and the entries. */
export interface BrokerCatalogSync {
  brokerId: number;
  brokerUrl: string;
  entries: readonly SyncServiceEntry[];
}

export interface SyncOutcome {
  warnings: string[];
  statements: number;
}

/**
 * Applies a broker's catalog inside the caller's transaction with batched upserts: a fixed number
 * of statements per chunk of rows, never one round trip per service or plan.
 */
export async function syncBrokerCatalog(
  trx: Knex.Transaction,
  usage: PlanUsage,
  now: Date,
  sync: BrokerCatalogSync,
): Promise<SyncOutcome> {
  const { brokerId, brokerUrl, entries } = sync;
  let statements = 0;
  const stamp = currentTimestamp(now);
  const services: ExistingService[] = (
    await trx('services').select('id', 'unique_id', 'label').where('service_broker_id', brokerId)
  ).map((r: { id: number; unique_id: string; label: string }) => ({
    id: r.id,
    uniqueId: r.unique_id,
    label: r.label,
  }));
  const plans: ExistingPlan[] = (
    await trx('service_plans')
      .join('services', 'services.id', 'service_plans.service_id')
      .where('services.service_broker_id', brokerId)
      .select(
        'service_plans.id',
        'service_plans.unique_id',
        'service_plans.name',
        'services.unique_id as service_unique_id',
      )
      .leftJoin(usage.plansInUse(trx).as('used'), 'used.plan_id', 'service_plans.id')
      .select('used.plan_id as in_use')
  ).map(
    (r: {
      id: number;
      unique_id: string;
      name: string;
      service_unique_id: string;
      in_use: number | null;
    }) => ({
      id: r.id,
      uniqueId: r.unique_id,
      name: r.name,
      serviceUniqueId: r.service_unique_id,
      inUse: r.in_use !== null,
    }),
  );
  statements += 2;

  const removals = planRemovals(entries, services, plans, brokerUrl);
  // A plan kept for its instances still holds its name: the catalog cannot give it to another plan.
  if (removals.problems !== '') throw new CfError('ServiceBrokerCatalogInvalid', removals.problems);
  // Deletions first, so a plan renamed onto a removed plan's name does not collide.
  for (const ids of chunks(removals.planIdsToDelete)) {
    await trx('service_plan_visibilities').whereIn('service_plan_id', ids).delete();
    await trx('service_plans').whereIn('id', ids).delete();
    statements += 2;
  }
  // (service_id, name) is unique and checked row by row: renamed plans first take their own guid as
  // a placeholder name, so the upsert below can hand names around (two plans swapping names).
  for (const ids of chunks(removals.planIdsRenamed)) {
    await trx('service_plans')
      .whereIn('id', ids)
      .update({ name: trx.ref('guid') });
    statements++;
  }
  for (const chunk of chunks(entries)) {
    const rows = chunk.map((e) => ({
      ...toServiceColumns(e.fields),
      guid: randomUUID(),
      service_broker_id: brokerId,
      created_at: stamp,
      updated_at: stamp,
    }));
    await trx('services')
      .insert(rows)
      .onConflict(['service_broker_id', 'unique_id'])
      .merge(SERVICE_SYNC_COLUMNS);
    statements++;
  }
  const serviceIds = new Map(
    (await trx('services').select('id', 'unique_id').where('service_broker_id', brokerId)).map(
      (r: { id: number; unique_id: string }) => [r.unique_id, r.id],
    ),
  );
  statements++;

  const planRows = entries.flatMap((e) =>
    e.plans.map((p) => ({
      ...toPlanColumns(p.fields),
      public: false,
      guid: randomUUID(),
      service_id: serviceIds.get(e.uniqueId),
      created_at: stamp,
      updated_at: stamp,
    })),
  );
  for (const chunk of chunks(planRows)) {
    // New plans start private (public: false); `public` is not among the merged columns, so an
    // operator's choice survives every later sync.
    await trx('service_plans')
      .insert(chunk)
      .onConflict(['service_id', 'unique_id'])
      .merge(PLAN_SYNC_COLUMNS);
    statements++;
  }

  for (const ids of chunks(removals.planIdsToDeactivate)) {
    await trx('service_plans').whereIn('id', ids).update({ active: false, updated_at: stamp });
    statements++;
  }
  for (const ids of chunks(removals.serviceIdsToDelete)) {
    await trx('services').whereIn('id', ids).delete();
    statements++;
  }
  for (const ids of chunks(removals.serviceIdsToDeactivate)) {
    await trx('services').whereIn('id', ids).update({ active: false, updated_at: stamp });
    statements++;
  }
  return { warnings: removals.warnings, statements };
}

/** Removes a broker's services, plans and visibilities (the broker has no instances left). */
export async function removeBrokerCatalog(trx: Knex.Transaction, brokerId: number): Promise<void> {
  const serviceIds = trx('services').select('id').where('service_broker_id', brokerId);
  const planIds = trx('service_plans').select('id').whereIn('service_id', serviceIds);
  await trx('service_plan_visibilities').whereIn('service_plan_id', planIds).delete();
  await trx('service_plans').whereIn('service_id', serviceIds).delete();
  await trx('services').where('service_broker_id', brokerId).delete();
}
