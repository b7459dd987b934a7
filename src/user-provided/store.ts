import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Knex } from '../db/knex';
import { applyFilters } from '../db/apply-filters';
import type { FilterColumns } from '../db/apply-filters';
import type { PageRequest } from '../db/page-request';
import { pageOf } from '../db/paging';
import type { Paged } from '../db/paging';
import { currentTimestamp, fromDbTimestamp } from '../db/timestamps';
import { claimInstanceName, renameInstanceClaim } from '../instance-names';
import { instancesSharedInto } from '../sharing';
import type { UserProvidedInstance } from './types';

interface Row {
  id: number;
  guid: string;
  name: string;
  space_id: number;
  space_guid: string;
  credentials_encrypted: string;
  syslog_drain_url: string | null;
  route_service_url: string | null;
  tags: string;
  created_at: unknown;
  updated_at: unknown;
}

const tagsColumn = z.array(z.string());

function toInstance(row: Row): UserProvidedInstance {
  return {
    id: row.id,
    guid: row.guid,
    name: row.name,
    spaceId: row.space_id,
    spaceGuid: row.space_guid,
    credentialsEncrypted: row.credentials_encrypted,
    syslogDrainUrl: row.syslog_drain_url ?? '',
    routeServiceUrl: row.route_service_url ?? '',
    tags: tagsColumn.parse(JSON.parse(row.tags)),
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}

const TABLE = 'user_provided_service_instances';

export const USER_PROVIDED_FILTERS: FilterColumns = {
  name: { kind: 'string', column: `${TABLE}.name` },
  space_guid: { kind: 'relation', column: `${TABLE}.space_id`, table: 'spaces' },
  organization_guid: { kind: 'relation', column: 'spaces.organization_id', table: 'organizations' },
};

export interface StoredFields {
  name?: string;
  credentialsEncrypted?: string;
  syslogDrainUrl?: string;
  routeServiceUrl?: string;
  tags?: string[];
}

export class UserProvidedStore {
  constructor(private readonly db: Db) {}

  private base(): Knex.QueryBuilder {
    return this.db(TABLE)
      .join('spaces', 'spaces.id', `${TABLE}.space_id`)
      .select(`${TABLE}.*`, 'spaces.guid as space_guid');
  }

  /** `visibleSpaceIds` limits the rows to those spaces (a sub-select), undefined to none. */
  async list(
    request: PageRequest,
    visibleSpaceIds: Knex.QueryBuilder | undefined,
    spaceId?: number,
  ): Promise<Paged<UserProvidedInstance>> {
    const qb = this.base();
    applyFilters(qb, request, USER_PROVIDED_FILTERS);
    if (visibleSpaceIds !== undefined) void qb.whereIn(`${TABLE}.space_id`, visibleSpaceIds);
    if (spaceId !== undefined) void qb.where(`${TABLE}.space_id`, spaceId);
    const { total, rows } = await pageOf<Row>(qb, request, `${TABLE}.id`);
    return { total, items: rows.map(toInstance) };
  }

  async find(guid: string): Promise<UserProvidedInstance | undefined> {
    const row: Row | undefined = await this.base().where(`${TABLE}.guid`, guid).first();
    return row ? toInstance(row) : undefined;
  }

  async insert(fields: Required<StoredFields> & { spaceId: number }, now: Date): Promise<string> {
    const at = currentTimestamp(now);
    const guid = randomUUID();
    // The row and its name claim in one transaction: the claim is the cross-table guard.
    await this.db.transaction(async (trx) => {
      await trx(TABLE).insert({
        guid,
        name: fields.name,
        space_id: fields.spaceId,
        credentials_encrypted: fields.credentialsEncrypted,
        syslog_drain_url: fields.syslogDrainUrl,
        route_service_url: fields.routeServiceUrl,
        tags: JSON.stringify(fields.tags),
        created_at: at,
        updated_at: at,
      });
      const row: { id: number } | undefined = await trx(TABLE).where({ guid }).first('id');
      if (row)
        await claimInstanceName(trx, fields.spaceId, fields.name, {
          kind: 'user-provided',
          id: row.id,
        });
    });
    return guid;
  }

  async update(id: number, fields: StoredFields, now: Date): Promise<void> {
    const changes = {
      ...(fields.name !== undefined ? { name: fields.name } : {}),
      ...(fields.credentialsEncrypted !== undefined
        ? { credentials_encrypted: fields.credentialsEncrypted }
        : {}),
      ...(fields.syslogDrainUrl !== undefined ? { syslog_drain_url: fields.syslogDrainUrl } : {}),
      ...(fields.routeServiceUrl !== undefined
        ? { route_service_url: fields.routeServiceUrl }
        : {}),
      ...(fields.tags !== undefined ? { tags: JSON.stringify(fields.tags) } : {}),
      updated_at: currentTimestamp(now),
    };
    const name = fields.name;
    // A rename moves the name claim in the same transaction (the cross-table guard).
    await this.db.transaction(async (trx) => {
      if (name !== undefined) {
        const current: { space_id: number; name: string } | undefined = await trx(TABLE)
          .where({ id })
          .first('space_id', 'name');
        if (current && current.name !== name)
          await renameInstanceClaim(trx, current.space_id, { kind: 'user-provided', id }, name);
      }
      await trx(TABLE).where({ id }).update(changes);
    });
  }

  async delete(id: number): Promise<void> {
    await this.db(TABLE).where({ id }).delete();
  }

  /**
   * Managed and user-provided instances share names per space (CC keeps them in one table), and
   * instances shared into the space count too.
   */
  async nameTaken(spaceId: number, name: string, exceptId?: number): Promise<boolean> {
    const upsi = this.db(TABLE).where({ space_id: spaceId, name });
    if (exceptId !== undefined) void upsi.whereNot({ id: exceptId });
    if ((await upsi.first('id')) !== undefined) return true;
    const managed: unknown = await this.db('service_instances')
      .where(
        (q) =>
          void q
            .where({ space_id: spaceId })
            .orWhereIn('id', instancesSharedInto(this.db, spaceId)),
      )
      .where({ name })
      .first('id');
    return managed !== undefined;
  }
}
