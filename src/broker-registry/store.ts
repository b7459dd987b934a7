import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db, Knex } from '../db/knex';
import { applyFilters } from '../db/apply-filters';
import type { FilterColumns } from '../db/apply-filters';
import { countOf, pageOf } from '../db/paging';
import type { Paged } from '../db/paging';
import { isUniqueViolation } from '../db/knex';
import { currentTimestamp, fromDbTimestamp } from '../db/timestamps';
import type { PageRequest } from '../db/page-request';
import { spacesWithRole } from '../orgs';
import type { ExistingBrokerCatalog, ExistingCatalogService } from '../osb-catalog';
import type { RegisteredBroker } from './types';

export const BROKER_FILTERS: FilterColumns = {
  name: { kind: 'string', column: 'service_brokers.name' },
  space_guid: { kind: 'relation', column: 'service_brokers.space_id', table: 'spaces' },
};

interface BrokerRow {
  id: number;
  guid: string;
  name: string;
  broker_url: string;
  auth_username: string;
  auth_password_encrypted: string;
  space_id: number | null;
  space_guid: string | null;
  timeout_seconds: number | null;
  last_sync_at: unknown;
  last_sync_ok: boolean | number | null;
  last_sync_error: string | null;
  created_at: unknown;
  updated_at: unknown;
}

function toBroker(row: BrokerRow): RegisteredBroker {
  return {
    id: row.id,
    guid: row.guid,
    name: row.name,
    brokerUrl: row.broker_url,
    authUsername: row.auth_username,
    authPasswordEncrypted: row.auth_password_encrypted,
    spaceId: row.space_id,
    spaceGuid: row.space_guid,
    timeoutSeconds: row.timeout_seconds,
    lastSync:
      row.last_sync_at === null || row.last_sync_at === undefined || row.last_sync_ok === null
        ? null
        : {
            // SQLite hands booleans back as 0/1.
            at: new Date(fromDbTimestamp(row.last_sync_at)),
            ok: row.last_sync_ok === true || row.last_sync_ok === 1,
            error: row.last_sync_error,
          },
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}

export interface BrokerFields {
  name: string;
  brokerUrl: string;
  authUsername: string;
  authPasswordEncrypted: string;
  spaceId: number | null;
  /** Null: the installation's default. */
  timeoutSeconds?: number | null;
}

export class BrokersStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  /**
   * Runs `work` in one transaction on `knex`, handing it a store on that transaction and the
   * transaction itself (for the catalog feature's sync, which writes its own tables).
   */
  transaction<T>(work: (store: BrokersStore, trx: Knex.Transaction) => Promise<T>): Promise<T> {
    return this.db.transaction((trx) => work(new BrokersStore(trx, this.clock), trx));
  }

  private select(): Knex.QueryBuilder {
    return this.db('service_brokers')
      .leftJoin('spaces', 'spaces.id', 'service_brokers.space_id')
      .select('service_brokers.*', 'spaces.guid as space_guid');
  }

  /** `developerUserGuid` limits the list to brokers of spaces where that user is a developer. */
  async list(
    query: PageRequest,
    developerUserGuid: string | undefined,
  ): Promise<Paged<RegisteredBroker>> {
    const qb = this.select();
    applyFilters(qb, query, BROKER_FILTERS);
    if (developerUserGuid !== undefined) {
      void qb.whereIn(
        'service_brokers.space_id',
        spacesWithRole(this.db, { userGuid: developerUserGuid }, ['developers']),
      );
    }
    const { total, rows } = await pageOf<BrokerRow>(qb, query, 'service_brokers.id');
    return { total, items: rows.map(toBroker) };
  }

  async all(): Promise<RegisteredBroker[]> {
    const rows: BrokerRow[] = await this.select().orderBy('service_brokers.id');
    return rows.map(toBroker);
  }

  /** Brokers whose last catalog sync failed (not those never synced), in id order. */
  async withFailedSync(): Promise<RegisteredBroker[]> {
    const rows: BrokerRow[] = await this.select()
      .where('service_brokers.last_sync_ok', false)
      .orderBy('service_brokers.id');
    return rows.map(toBroker);
  }

  async find(guid: string): Promise<RegisteredBroker | undefined> {
    const row: BrokerRow | undefined = await this.select()
      .where('service_brokers.guid', guid)
      .first();
    return row ? toBroker(row) : undefined;
  }

  async findByName(name: string): Promise<RegisteredBroker | undefined> {
    const row: BrokerRow | undefined = await this.select()
      .where('service_brokers.name', name)
      .first();
    return row ? toBroker(row) : undefined;
  }

  async insert(fields: BrokerFields): Promise<{ id: number; guid: string }> {
    const now = currentTimestamp(this.clock.now());
    const guid = randomUUID();
    await this.db('service_brokers').insert({
      guid,
      name: fields.name,
      broker_url: fields.brokerUrl,
      auth_username: fields.authUsername,
      auth_password_encrypted: fields.authPasswordEncrypted,
      space_id: fields.spaceId,
      timeout_seconds: fields.timeoutSeconds ?? null,
      created_at: now,
      updated_at: now,
    });
    const row: { id: number } | undefined = await this.db('service_brokers')
      .select('id')
      .where({ guid })
      .first();
    if (!row) throw new Error('broker vanished after insert');
    return { id: row.id, guid };
  }

  async update(id: number, fields: Partial<BrokerFields>): Promise<void> {
    await this.db('service_brokers')
      .where({ id })
      .update({
        ...(fields.name !== undefined ? { name: fields.name } : {}),
        ...(fields.brokerUrl !== undefined ? { broker_url: fields.brokerUrl } : {}),
        ...(fields.authUsername !== undefined ? { auth_username: fields.authUsername } : {}),
        ...(fields.authPasswordEncrypted !== undefined
          ? { auth_password_encrypted: fields.authPasswordEncrypted }
          : {}),
        ...(fields.timeoutSeconds !== undefined ? { timeout_seconds: fields.timeoutSeconds } : {}),
        updated_at: currentTimestamp(this.clock.now()),
      });
  }

  async delete(id: number): Promise<void> {
    await this.db('service_brokers').where({ id }).delete();
  }

  /** Records a sync's outcome; it does not count as a change of the broker (updated_at stays). */
  async recordSync(
    id: number,
    outcome: { at: Date; ok: boolean; error: string | null },
  ): Promise<void> {
    await this.db('service_brokers')
      .where({ id })
      .update({
        last_sync_at: currentTimestamp(outcome.at),
        last_sync_ok: outcome.ok,
        // A broker's error text is bounded: it is shown on a page, not stored as a log.
        last_sync_error: outcome.error === null ? null : outcome.error.slice(0, 2000),
      });
  }

  /**
   * Claims one period of a periodic task for `worker`: true for the one process whose insert of
   * (name, slot) lands first, false for every other (the primary key refuses them).
   */
  async claimSlot(name: string, slot: number, worker: string, now: Date): Promise<boolean> {
    try {
      await this.db('schedule_slots').insert({
        name,
        slot,
        claimed_by: worker,
        claimed_at: currentTimestamp(now),
      });
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
    // Old periods are history nobody reads; keep the table small.
    await this.db('schedule_slots')
      .where('name', name)
      .andWhere('slot', '<', slot - 10)
      .delete();
    return true;
  }

  /**
   * The broker's offerings and plans as they stand, for the catalog rules that look beyond the new
   * catalog (a plan id moving between services, a name reused while instances exist; §4.2 step 3).
   * Two statements, whatever the catalog's size.
   */
  async existingCatalog(
    broker: Pick<RegisteredBroker, 'id' | 'name'>,
  ): Promise<ExistingBrokerCatalog> {
    const services: { id: number; unique_id: string; label: string }[] = await this.db('services')
      .select('id', 'unique_id', 'label')
      .where('service_broker_id', broker.id)
      .orderBy('id');
    const plans: {
      service_id: number;
      unique_id: string;
      name: string;
      in_use: number | boolean;
    }[] = await this.db('service_plans')
      .join('services', 'services.id', 'service_plans.service_id')
      .where('services.service_broker_id', broker.id)
      .select('service_plans.service_id', 'service_plans.unique_id', 'service_plans.name')
      .select(
        this.db.raw(
          'exists (select 1 from service_instances where service_instances.service_plan_id = service_plans.id) as in_use',
        ),
      )
      .orderBy('service_plans.id');
    const byService = new Map<
      number,
      ExistingCatalogService & { plans: { id: string; name: string }[] }
    >(
      services.map((s) => [
        s.id,
        { id: s.unique_id, name: s.label, hasInstances: false, plans: [] },
      ]),
    );
    for (const plan of plans) {
      const owner = byService.get(plan.service_id);
      if (owner === undefined) continue;
      owner.plans.push({ id: plan.unique_id, name: plan.name });
      if (plan.in_use) owner.hasInstances = true;
    }
    return { brokerName: broker.name, services: [...byService.values()] };
  }

  async countInstances(brokerId: number): Promise<number> {
    const row: unknown = await this.db('service_instances')
      .join('service_plans', 'service_plans.id', 'service_instances.service_plan_id')
      .join('services', 'services.id', 'service_plans.service_id')
      .where('services.service_broker_id', brokerId)
      .count({ n: '*' })
      .first();
    return countOf(row);
  }
}
