import { isUniqueViolation } from '../db/knex';
import type { Knex } from '../db/knex';
import type { WriteGuard } from './quota-store';
import type { SpecSealer } from './sealed-spec';
import type { ServiceRecord, ServiceSpec, ServiceStatus } from './types';

const TABLE = 'container_services';
const RELEASED = 'container_released';
const STATUSES: readonly ServiceStatus[] = ['created', 'updating', 'active', 'failed'];

export interface StoredService extends ServiceRecord {
  generation: number;
  /** Host port ServicePort is published on; undefined until the reconciler allocates one. */
  publishPort: number | undefined;
  /**
   * The change being converged (this generation), as far as the database knows it; undefined
   * when an older Wharf stored the generation without it (see `startChange`).
   */
  change: ChangeAttempt | undefined;
}

export interface ChangeAttempt {
  /**
   * When the change was accepted: its replicas' start timeout counts from here, in whichever
   * process reconciles, however often Wharf restarted since.
   */
  started: Date;
  /** Replicas of the change's image that exited or died so far (the reconciler counts). */
  exits: number;
}

/** A unique index refused the write: the (tenant, name) pair or the FIP is already taken. */
export class DuplicateError extends Error {}

async function guarded(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (err) {
    if (isUniqueViolation(err)) throw new DuplicateError('unique constraint');
    throw err;
  }
}

export interface ServiceFilter {
  tenant: string | undefined;
  names: string[];
  labels: Array<{ key: string; value: string | undefined }>;
}

/** Desired state of container services; the only code that knows their column names. */
export class ContainerServiceStore {
  constructor(
    private readonly knex: Knex,
    private readonly sealer: SpecSealer,
  ) {}

  /** `guard` (e.g. a tenant quota) runs in the insert's transaction and may refuse it. */
  async insert(record: ServiceRecord, guard?: WriteGuard): Promise<void> {
    await guarded(() =>
      this.inTransaction(guard, (trx) =>
        trx(TABLE).insert({
          guid: record.id,
          tenant: record.tenant,
          name: record.spec.name,
          ...this.sealer.toColumns(record.spec),
          fip: record.fip === '' ? null : record.fip,
          status: record.status,
          message: record.message,
          created: record.created,
          created_at: record.created,
          updated_at: record.updated,
          generation: 1,
          change_started_at: record.updated,
          change_generation: 1,
        }),
      ),
    );
  }

  private async inTransaction(
    guard: WriteGuard | undefined,
    write: (db: Knex | Knex.Transaction) => Promise<unknown>,
  ): Promise<void> {
    if (guard === undefined) {
      await write(this.knex);
      return;
    }
    await this.knex.transaction(async (trx) => {
      await guard(trx);
      await write(trx);
    });
  }

  async findByName(tenant: string | undefined, name: string): Promise<StoredService | undefined> {
    const query = this.knex(TABLE).where({ name }).orderBy('id');
    if (tenant !== undefined) void query.andWhere({ tenant });
    const row: unknown = await query.first();
    return row === undefined ? undefined : toStored(row, this.sealer);
  }

  async findByFip(fip: string): Promise<StoredService | undefined> {
    const row: unknown = await this.knex(TABLE).where({ fip }).first();
    return row === undefined ? undefined : toStored(row, this.sealer);
  }

  async list(filter: ServiceFilter): Promise<StoredService[]> {
    const query = this.knex(TABLE).select('*').orderBy('id');
    if (filter.tenant !== undefined) void query.where({ tenant: filter.tenant });
    if (filter.names.length > 0) void query.whereIn('name', filter.names);
    const rows: unknown[] = await query;
    // Labels live inside the JSON spec; filtering them here keeps the SQL portable.
    return rows
      .map((row) => toStored(row, this.sealer))
      .filter((s) =>
        filter.labels.every(({ key, value }) =>
          value === undefined ? key in s.spec.labels : s.spec.labels[key] === value,
        ),
      );
  }

  /** A user change: new spec and/or FIP, status reset, generation bumped. */
  async saveDesired(
    id: string,
    spec: ServiceSpec,
    fip: string,
    status: ServiceStatus,
    message: string,
    now: string,
    guard?: WriteGuard,
  ): Promise<void> {
    await guarded(() =>
      this.inTransaction(guard, (db) =>
        db(TABLE)
          .where({ guid: id })
          .update({
            ...this.sealer.toColumns(spec),
            fip: fip === '' ? null : fip,
            status,
            message,
            updated_at: now,
            ...this.newChange(now),
          })
          .increment('generation', 1),
      ),
    );
  }

  /**
   * The reconciler undoing a change whose replicas never became healthy: back to `spec` (the
   * previous image), active with `message`, generation bumped. Ignored (false) when a user change
   * raced it.
   */
  async rollBack(
    id: string,
    generation: number,
    spec: ServiceSpec,
    message: string,
    now: string,
  ): Promise<boolean> {
    const updated = await this.knex(TABLE)
      .where({ guid: id, generation })
      .update({
        ...this.sealer.toColumns(spec),
        status: 'active',
        message,
        updated_at: now,
        ...this.newChange(now),
      })
      .increment('generation', 1);
    return updated > 0;
  }

  /**
   * Gives the service `port` unless it has one already; false when another service holds the
   * port (the unique index: two processes allocating at once cannot both win it).
   */
  async claimPublishPort(id: string, port: number): Promise<boolean> {
    try {
      const updated = await this.knex(TABLE)
        .where({ guid: id })
        .whereNull('publish_port')
        .update({ publish_port: port });
      return updated > 0;
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
  }

  /** Frees the service's port (it could not be bound), so the next pass allocates another. */
  async releasePublishPort(id: string, port: number): Promise<void> {
    await this.knex(TABLE).where({ guid: id, publish_port: port }).update({ publish_port: null });
  }

  /** Every port this installation's services hold. */
  async publishPortsInUse(): Promise<Set<number>> {
    const rows: Array<{ publish_port: unknown }> = await this.knex(TABLE)
      .whereNotNull('publish_port')
      .select('publish_port');
    return new Set(rows.map((r) => Number(r.publish_port)));
  }

  /**
   * The reconciler's report; ignored when a user change (newer generation) raced it or the
   * service is gone. Answers whether it was written.
   */
  async reportStatus(
    id: string,
    generation: number,
    status: ServiceStatus,
    message: string,
    now: string,
  ): Promise<boolean> {
    const updated = await this.knex(TABLE)
      .where({ guid: id, generation })
      .update({ status, message, updated_at: now });
    return updated > 0;
  }

  /**
   * Columns of a write that also bumps the generation: the change starts now, nothing exited yet,
   * both tagged with the new generation (SET expressions read the row as it was).
   */
  private newChange(now: string): Record<string, unknown> {
    return {
      change_started_at: now,
      change_exits: 0,
      change_generation: this.knex.raw('?? + 1', ['generation']),
    };
  }

  /**
   * A change the database has no start for (stored by an older Wharf, or before the columns
   * existed): it starts `now`, when the reconciler first saw it, and that is stored so it holds
   * across restarts. Ignored when a newer generation or another process got there first.
   */
  async startChange(id: string, generation: number, now: string): Promise<void> {
    await this.knex(TABLE)
      .where({ guid: id, generation })
      .andWhere((q) => {
        void q.whereNull('change_generation').orWhereNot('change_generation', generation);
      })
      .update({ change_started_at: now, change_exits: 0, change_generation: generation });
  }

  /**
   * The reconciler saw `exits` replicas of the change's image exit in all: stored when the count
   * grew, and only for the generation it was counted for (a newer change starts from zero).
   */
  async recordExits(id: string, generation: number, exits: number): Promise<void> {
    await this.knex(TABLE)
      .where({ guid: id, generation })
      .andWhere('change_exits', '<', exits)
      .update({ change_exits: exits });
  }

  async delete(id: string): Promise<void> {
    await this.knex(TABLE).where({ guid: id }).delete();
  }

  async release(serviceId: string, containerIds: readonly string[]): Promise<void> {
    if (containerIds.length === 0) return;
    await this.knex(RELEASED)
      .insert(containerIds.map((id) => ({ container_id: id, service_guid: serviceId })))
      .onConflict('container_id')
      .ignore();
  }

  /** Seals rows written before sealing existed (their spec JSON holds Env and SSLCert). */
  async sealPlaintextRows(): Promise<number> {
    const rows: Array<{ guid: string; spec: string }> = await this.knex(TABLE)
      .select('guid', 'spec')
      .whereNull('secrets_encrypted');
    for (const row of rows) {
      await this.knex(TABLE)
        .where({ guid: row.guid })
        .whereNull('secrets_encrypted')
        .update(this.sealer.toColumns(this.sealer.fromColumns(row.spec, null)));
    }
    return rows.length;
  }

  async releasedIds(): Promise<Set<string>> {
    const rows: Array<{ container_id: string }> = await this.knex(RELEASED).select('container_id');
    return new Set(rows.map((r) => r.container_id));
  }
}

/** Row → domain; the row comes from our own table but is checked field by field anyway. */
function toStored(row: unknown, sealer: SpecSealer): StoredService {
  if (typeof row !== 'object' || row === null) throw new Error('container_services: not a row');
  const r = new Map<string, unknown>(Object.entries(row));
  const str = (k: string): string => {
    const v = r.get(k);
    if (typeof v !== 'string') throw new Error(`container_services.${k}: expected text`);
    return v;
  };
  const status = STATUSES.find((s) => s === r.get('status'));
  if (status === undefined) throw new Error(`container_services.status: unknown ${str('status')}`);
  const fip = r.get('fip');
  const updated = r.get('updated_at');
  const generation = Number(r.get('generation'));
  return {
    id: str('guid'),
    tenant: str('tenant'),
    spec: sealer.fromColumns(str('spec'), sealedOf(r.get('secrets_encrypted'))),
    fip: typeof fip === 'string' ? fip : '',
    status,
    message: str('message'),
    created: str('created'),
    updated: updated instanceof Date ? updated.toISOString() : String(updated),
    generation,
    publishPort: toPort(r.get('publish_port')),
    change: toChange(r, generation),
  };
}

/** The stored change, if it is this generation's: anything else is another change's leftovers. */
function toChange(r: ReadonlyMap<string, unknown>, generation: number): ChangeAttempt | undefined {
  const started = r.get('change_started_at');
  const tag = r.get('change_generation');
  if (started === null || started === undefined || tag === null || Number(tag) !== generation)
    return undefined;
  return { started: toInstant(started, 'change_started_at'), exits: Number(r.get('change_exits')) };
}

/**
 * A timestamp column as the drivers return it: a Date (PostgreSQL), the ISO text Wharf wrote,
 * SQLite's own zone-less UTC text ("2026-12-01 21:42:22", CURRENT_TIMESTAMP) which Date.parse
 * would read as local time, or milliseconds (a Date bound by the sqlite3 driver).
 */
export function toInstant(value: unknown, column: string): Date {
  const at = new Date(instantText(value));
  if (Number.isNaN(at.getTime())) throw new Error(`container_services.${column}: expected a time`);
  return at;
}

const SQLITE_UTC = /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?$/;

function instantText(value: unknown): string | number {
  if (value instanceof Date) return value.getTime();
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') return Number.NaN;
  return SQLITE_UTC.test(value) ? `${value.replace(' ', 'T')}Z` : value;
}

function toPort(value: unknown): number | undefined {
  if (value === null || value === undefined) return undefined;
  const port = Number(value);
  if (!Number.isInteger(port))
    throw new Error('container_services.publish_port: expected an integer');
  return port;
}

function sealedOf(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'string')
    throw new Error('container_services.secrets_encrypted: expected text');
  return value;
}
