import { randomUUID } from 'node:crypto';
import { silentChangeFeed } from '../changes';
import type { ChangeAction, ChangeFeed } from '../changes';
import { systemClock } from '../clock';
import type { Clock } from '../clock';
import { z } from 'zod';
import type { Db, Knex } from '../db/knex';
import { applyFilters } from '../db/apply-filters';
import type { FilterColumns } from '../db/apply-filters';
import { countOf, pageOf } from '../db/paging';
import type { Paged } from '../db/paging';
import { currentTimestamp, fromDbTimestamp } from '../db/timestamps';
import type { PageRequest } from '../db/page-request';
import { spacesVisibleTo, spacesWithRole } from '../orgs';
import { claimInstanceName, renameInstanceClaim } from '../instance-names';
import { resourcesWithLiveJobs } from '../jobs';
import { instancesSharedInto } from '../sharing';
import type {
  LastOperation,
  OperationState,
  OperationType,
  ServiceInstance,
  ServiceKey,
} from './types';

export const INSTANCE_FILTERS: FilterColumns = {
  name: { kind: 'string', column: 'service_instances.name' },
  space_guid: { kind: 'relation', column: 'service_instances.space_id', table: 'spaces' },
  service_plan_guid: {
    kind: 'relation',
    column: 'service_instances.service_plan_id',
    table: 'service_plans',
  },
  organization_guid: {
    kind: 'subquery',
    column: 'service_instances.space_id',
    from: (sub) =>
      void sub
        .select('spaces.id')
        .from('spaces')
        .join('organizations', 'organizations.id', 'spaces.organization_id'),
    guidColumn: 'organizations.guid',
  },
  service_key_guid: {
    kind: 'subquery',
    column: 'service_instances.id',
    from: (sub) => void sub.select('service_keys.service_instance_id').from('service_keys'),
    guidColumn: 'service_keys.guid',
  },
  // Wharf has no apps, hence no bindings and no gateways: these match nothing, as in a CC without apps.
  service_binding_guid: { kind: 'custom', apply: (qb) => void qb.whereRaw('1 = 0') },
  gateway_name: { kind: 'custom', apply: (qb) => void qb.whereRaw('1 = 0') },
};

export const KEY_FILTERS: FilterColumns = {
  name: { kind: 'string', column: 'service_keys.name' },
  service_instance_guid: {
    kind: 'relation',
    column: 'service_keys.service_instance_id',
    table: 'service_instances',
  },
};

const jsonObject = z.record(z.unknown());
const OPERATION_TYPES: readonly OperationType[] = ['create', 'update', 'delete'];
const OPERATION_STATES: readonly OperationState[] = ['in progress', 'succeeded', 'failed'];

interface InstanceRow {
  id: number;
  guid: string;
  name: string;
  space_id: number;
  space_guid: string;
  organization_guid: string;
  service_plan_id: number;
  service_plan_guid: string;
  service_guid: string;
  dashboard_url: string | null;
  tags: string;
  maintenance_info: string | null;
  parameters_encrypted: string | null;
  last_operation_type: string | null;
  last_operation_state: string | null;
  last_operation_description: string | null;
  last_operation_created_at: string | null;
  last_operation_updated_at: string | null;
  broker_operation: string | null;
  proposed_service_plan_id: number | null;
  proposed_service_plan_guid: string | null;
  created_at: unknown;
  updated_at: unknown;
}

function toLastOperation(row: InstanceRow): LastOperation | null {
  const type = OPERATION_TYPES.find((t) => t === row.last_operation_type);
  const state = OPERATION_STATES.find((s) => s === row.last_operation_state);
  if (!type || !state) return null;
  return {
    type,
    state,
    description: row.last_operation_description ?? '',
    createdAt: row.last_operation_created_at ?? fromDbTimestamp(row.created_at),
    updatedAt: row.last_operation_updated_at ?? fromDbTimestamp(row.updated_at),
  };
}

function toInstance(row: InstanceRow): ServiceInstance {
  return {
    id: row.id,
    guid: row.guid,
    name: row.name,
    spaceId: row.space_id,
    spaceGuid: row.space_guid,
    organizationGuid: row.organization_guid,
    servicePlanId: row.service_plan_id,
    servicePlanGuid: row.service_plan_guid,
    serviceGuid: row.service_guid,
    dashboardUrl: row.dashboard_url,
    tags: z.array(z.string()).parse(JSON.parse(row.tags)),
    maintenanceInfo:
      row.maintenance_info === null ? null : jsonObject.parse(JSON.parse(row.maintenance_info)),
    lastOperation: toLastOperation(row),
    brokerOperation: row.broker_operation,
    proposedServicePlanId: row.proposed_service_plan_id,
    proposedServicePlanGuid: row.proposed_service_plan_guid,
    parametersEncrypted: row.parameters_encrypted,
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}

interface KeyRow {
  id: number;
  guid: string;
  name: string;
  service_instance_id: number;
  service_instance_guid: string;
  credentials_encrypted: string;
  parameters_encrypted: string | null;
  created_at: unknown;
  updated_at: unknown;
}

function toKey(row: KeyRow): ServiceKey {
  return {
    id: row.id,
    guid: row.guid,
    name: row.name,
    serviceInstanceId: row.service_instance_id,
    serviceInstanceGuid: row.service_instance_guid,
    credentialsEncrypted: row.credentials_encrypted,
    parametersEncrypted: row.parameters_encrypted,
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}

export interface NewInstance {
  /** Chosen by the caller when a job must name the instance before it exists. */
  guid?: string;
  name: string;
  spaceId: number;
  servicePlanId: number;
  tags: readonly string[];
  maintenanceInfo: Record<string, unknown> | null;
  parametersEncrypted: string | null;
  operation: { type: OperationType; state: OperationState; description: string };
}

export interface InstanceChanges {
  name?: string;
  servicePlanId?: number;
  tags?: readonly string[];
  maintenanceInfo?: Record<string, unknown> | null;
  parametersEncrypted?: string | null;
  dashboardUrl?: string | null;
  brokerOperation?: string | null;
  proposedServicePlanId?: number | null;
  operation?: { type: OperationType; state: OperationState; description: string };
}

/** Rows visible to a user: any role in the space, or manager of its organization. */
export type InstanceScope =
  { kind: 'all' } | { kind: 'member'; userGuid: string } | { kind: 'developer'; userGuid: string };

/** When an instance's operation counts as stuck (see `needingAttention`). */
export interface AttentionBounds {
  /** In progress since before this: stuck, job or no job. */
  stuckBefore: Date;
  /** In progress since before this with no pending or running job: orphaned. */
  orphanedBefore: Date;
}

/** Named narrowing of an instance list (instead of query callbacks from services). */
export interface InstanceListFilter {
  spaceId?: number;
  /** With `spaceId`: also the instances shared into that space (CC lists them there). */
  includeSharedInto?: boolean;
  servicePlanId?: number;
}

/**
 * Instances and keys. Every write is published on the change feed (topics `service_instance` and
 * `service_key`, detail `{state, type}` of the last operation), whoever made it: a request or a job.
 */
export class InstancesStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock = systemClock,
    private readonly changes: ChangeFeed = silentChangeFeed,
  ) {}

  private stamp(): string {
    return currentTimestamp(this.clock.now());
  }

  private publishInstance(
    guid: string,
    action: ChangeAction,
    operation: { type: string; state: string } | null,
  ): void {
    this.changes.publish({
      topic: 'service_instance',
      action,
      id: guid,
      detail: { state: operation?.state ?? null, type: operation?.type ?? null },
    });
  }

  /** Publishes an instance's state as stored now (after a partial update). */
  private async publishStored(id: number): Promise<void> {
    const row:
      | { guid: string; last_operation_type: string | null; last_operation_state: string | null }
      | undefined = await this.db('service_instances')
      .select('guid', 'last_operation_type', 'last_operation_state')
      .where({ id })
      .first();
    if (!row) return;
    this.publishInstance(
      row.guid,
      'updated',
      row.last_operation_type === null || row.last_operation_state === null
        ? null
        : { type: row.last_operation_type, state: row.last_operation_state },
    );
  }

  private select(): Knex.QueryBuilder {
    return this.db('service_instances')
      .join('spaces', 'spaces.id', 'service_instances.space_id')
      .join('organizations', 'organizations.id', 'spaces.organization_id')
      .join('service_plans', 'service_plans.id', 'service_instances.service_plan_id')
      .join('services', 'services.id', 'service_plans.service_id')
      .leftJoin(
        'service_plans as proposed_plans',
        'proposed_plans.id',
        'service_instances.proposed_service_plan_id',
      )
      .select(
        'service_instances.*',
        'spaces.guid as space_guid',
        'organizations.guid as organization_guid',
        'service_plans.guid as service_plan_guid',
        'services.guid as service_guid',
        'proposed_plans.guid as proposed_service_plan_guid',
      );
  }

  private restrict(
    qb: Knex.QueryBuilder,
    column: string,
    scope: InstanceScope,
    throughShares = false,
  ): void {
    if (scope.kind === 'all') return;
    const member = { userGuid: scope.userGuid };
    const spaces =
      scope.kind === 'developer'
        ? spacesWithRole(this.db, member, ['developers'])
        : spacesVisibleTo(this.db, member);
    if (!throughShares) {
      void qb.whereIn(column, spaces);
      return;
    }
    // Members of a space an instance is shared into see it too (cf-v2-api.md §3.5 "Who").
    void qb.where(
      (q) =>
        void q
          .whereIn(column, spaces)
          .orWhereIn('service_instances.id', instancesSharedInto(this.db, spaces.clone())),
    );
  }

  async list(
    query: PageRequest,
    scope: InstanceScope,
    where: InstanceListFilter = {},
  ): Promise<Paged<ServiceInstance>> {
    const qb = this.select();
    applyFilters(qb, query, INSTANCE_FILTERS);
    this.restrict(qb, 'service_instances.space_id', scope, true);
    const spaceId = where.spaceId;
    if (spaceId !== undefined && where.includeSharedInto === true)
      void qb.where(
        (q) =>
          void q
            .where('service_instances.space_id', spaceId)
            .orWhereIn('service_instances.id', instancesSharedInto(this.db, spaceId)),
      );
    else if (spaceId !== undefined) void qb.where('service_instances.space_id', spaceId);
    if (where.servicePlanId !== undefined)
      void qb.where('service_instances.service_plan_id', where.servicePlanId);
    const { total, rows } = await pageOf<InstanceRow>(qb, query, 'service_instances.id');
    return { total, items: rows.map(toInstance) };
  }

  async find(guid: string): Promise<ServiceInstance | undefined> {
    const row: InstanceRow | undefined = await this.select()
      .where('service_instances.guid', guid)
      .first();
    return row ? toInstance(row) : undefined;
  }

  async insert(fields: NewInstance): Promise<string> {
    const now = this.stamp();
    const guid = fields.guid ?? randomUUID();
    // The row and its name claim in one transaction: the claim is the cross-table guard.
    await this.db.transaction(async (trx) => {
      await trx('service_instances').insert({
        guid,
        name: fields.name,
        space_id: fields.spaceId,
        service_plan_id: fields.servicePlanId,
        tags: JSON.stringify(fields.tags),
        maintenance_info:
          fields.maintenanceInfo === null ? null : JSON.stringify(fields.maintenanceInfo),
        parameters_encrypted: fields.parametersEncrypted,
        last_operation_type: fields.operation.type,
        last_operation_state: fields.operation.state,
        last_operation_description: fields.operation.description,
        last_operation_created_at: now,
        last_operation_updated_at: now,
        created_at: now,
        updated_at: now,
      });
      const row: { id: number } | undefined = await trx('service_instances')
        .where({ guid })
        .first('id');
      if (row)
        await claimInstanceName(trx, fields.spaceId, fields.name, { kind: 'managed', id: row.id });
    });
    this.publishInstance(guid, 'created', fields.operation);
    return guid;
  }

  async update(id: number, changes: InstanceChanges): Promise<void> {
    const now = this.stamp();
    const row: Record<string, unknown> = { updated_at: now };
    if (changes.name !== undefined) row.name = changes.name;
    if (changes.servicePlanId !== undefined) row.service_plan_id = changes.servicePlanId;
    if (changes.tags !== undefined) row.tags = JSON.stringify(changes.tags);
    if (changes.maintenanceInfo !== undefined)
      row.maintenance_info =
        changes.maintenanceInfo === null ? null : JSON.stringify(changes.maintenanceInfo);
    if (changes.parametersEncrypted !== undefined)
      row.parameters_encrypted = changes.parametersEncrypted;
    if (changes.dashboardUrl !== undefined) row.dashboard_url = changes.dashboardUrl;
    if (changes.brokerOperation !== undefined) row.broker_operation = changes.brokerOperation;
    if (changes.proposedServicePlanId !== undefined)
      row.proposed_service_plan_id = changes.proposedServicePlanId;
    if (changes.operation !== undefined) {
      row.last_operation_type = changes.operation.type;
      row.last_operation_state = changes.operation.state;
      row.last_operation_description = changes.operation.description;
      row.last_operation_updated_at = now;
    }
    const name = changes.name;
    if (name === undefined) await this.db('service_instances').where({ id }).update(row);
    else
      // A rename moves the name claim in the same transaction (the cross-table guard).
      await this.db.transaction(async (trx) => {
        const current: { space_id: number; name: string } | undefined = await trx(
          'service_instances',
        )
          .where({ id })
          .first('space_id', 'name');
        if (current && current.name !== name)
          await renameInstanceClaim(trx, current.space_id, { kind: 'managed', id }, name);
        await trx('service_instances').where({ id }).update(row);
      });
    await this.publishStored(id);
  }

  /** Claims the instance for one operation: succeeds only if none is in progress (race-proof). */
  async beginOperation(id: number, type: OperationType, description: string): Promise<boolean> {
    const now = this.stamp();
    const n = await this.db('service_instances')
      .where({ id })
      .where(
        (q) =>
          void q
            .whereNull('last_operation_state')
            .orWhereNot('last_operation_state', 'in progress'),
      )
      .update({
        last_operation_type: type,
        last_operation_state: 'in progress',
        last_operation_description: description,
        last_operation_created_at: now,
        last_operation_updated_at: now,
        updated_at: now,
      });
    if (n > 0) await this.publishStored(id);
    return n > 0;
  }

  async delete(id: number): Promise<void> {
    const keys: Array<{ guid: string }> = await this.db('service_keys')
      .select('guid')
      .where('service_instance_id', id);
    const instance: { guid: string } | undefined = await this.db('service_instances')
      .select('guid')
      .where({ id })
      .first();
    await this.db('service_keys').where('service_instance_id', id).delete();
    await this.db('service_instances').where({ id }).delete();
    for (const key of keys) this.publishKey(key.guid, 'deleted');
    if (instance)
      this.publishInstance(instance.guid, 'deleted', { type: 'delete', state: 'succeeded' });
  }

  /**
   * Instances that need an operator's look, in id order: the last operation failed,
   * or it is still in progress and either older than `bounds.stuckBefore` or without any pending
   * or running job since before `bounds.orphanedBefore` (nobody is working on it).
   */
  async needingAttention(
    query: PageRequest,
    scope: InstanceScope,
    bounds: AttentionBounds,
  ): Promise<Paged<ServiceInstance>> {
    const qb = this.select();
    this.restrict(qb, 'service_instances.space_id', scope, true);
    const state = 'service_instances.last_operation_state';
    const since = 'service_instances.last_operation_updated_at';
    void qb.where(
      (attention) =>
        void attention
          .where(state, 'failed')
          .orWhere(
            (inProgress) =>
              void inProgress
                .where(state, 'in progress')
                .where(
                  (late) =>
                    void late
                      .where(since, '<', currentTimestamp(bounds.stuckBefore))
                      .orWhere(
                        (orphaned) =>
                          void orphaned
                            .where(since, '<', currentTimestamp(bounds.orphanedBefore))
                            .whereNotIn('service_instances.guid', resourcesWithLiveJobs(this.db)),
                      ),
                ),
          ),
    );
    const { total, rows } = await pageOf<InstanceRow>(qb, query, 'service_instances.id');
    return { total, items: rows.map(toInstance) };
  }

  /** Instances whose last operation is still in progress (for recovery after a crash). */
  async inProgress(): Promise<ServiceInstance[]> {
    const rows: InstanceRow[] = await this.select()
      .where('service_instances.last_operation_state', 'in progress')
      .orderBy('service_instances.id');
    return rows.map(toInstance);
  }

  async readSecrets(guid: string): Promise<string | null> {
    const row: { secrets_encrypted: string | null } | undefined = await this.db('service_instances')
      .select('secrets_encrypted')
      .where({ guid })
      .first();
    return row?.secrets_encrypted ?? null;
  }

  async writeSecrets(guid: string, sealed: string): Promise<void> {
    await this.db('service_instances').where({ guid }).update({ secrets_encrypted: sealed });
  }

  /**
   * The cheap check before a broker call; the unique index on (space, name) stays the race-proof
   * guard. Managed and user-provided instances share one name space per space (CC keeps one
   * table), and instances shared into the space count too.
   */
  async nameTaken(spaceId: number, name: string): Promise<boolean> {
    for (const table of ['service_instances', 'user_provided_service_instances']) {
      if ((await this.db(table).where({ space_id: spaceId, name }).first('id')) !== undefined)
        return true;
    }
    const shared: unknown = await this.db('service_instances')
      .whereIn('id', instancesSharedInto(this.db, spaceId))
      .where({ name })
      .first('id');
    return shared !== undefined;
  }

  async countKeys(instanceId: number): Promise<number> {
    const row: unknown = await this.db('service_keys')
      .where('service_instance_id', instanceId)
      .count({ n: '*' })
      .first();
    return countOf(row);
  }

  private selectKeys(): Knex.QueryBuilder {
    return this.db('service_keys')
      .join('service_instances', 'service_instances.id', 'service_keys.service_instance_id')
      .select('service_keys.*', 'service_instances.guid as service_instance_guid');
  }

  async listKeys(
    query: PageRequest,
    scope: InstanceScope,
    instanceId?: number,
  ): Promise<Paged<ServiceKey>> {
    const qb = this.selectKeys();
    applyFilters(qb, query, KEY_FILTERS);
    if (instanceId !== undefined) void qb.where('service_keys.service_instance_id', instanceId);
    this.restrict(qb, 'service_instances.space_id', scope);
    const { total, rows } = await pageOf<KeyRow>(qb, query, 'service_keys.id');
    return { total, items: rows.map(toKey) };
  }

  async findKey(guid: string): Promise<ServiceKey | undefined> {
    const row: KeyRow | undefined = await this.selectKeys()
      .where('service_keys.guid', guid)
      .first();
    return row ? toKey(row) : undefined;
  }

  async insertKey(fields: {
    guid: string;
    name: string;
    serviceInstanceId: number;
    credentialsEncrypted: string;
    parametersEncrypted: string | null;
  }): Promise<void> {
    const now = this.stamp();
    await this.db('service_keys').insert({
      guid: fields.guid,
      name: fields.name,
      service_instance_id: fields.serviceInstanceId,
      credentials_encrypted: fields.credentialsEncrypted,
      parameters_encrypted: fields.parametersEncrypted,
      created_at: now,
      updated_at: now,
    });
    this.publishKey(fields.guid, 'created');
  }

  private publishKey(guid: string, action: 'created' | 'deleted'): void {
    // Keys are bound synchronously: a stored key's operation has always succeeded.
    this.changes.publish({
      topic: 'service_key',
      action,
      id: guid,
      detail: { state: 'succeeded', type: action === 'created' ? 'create' : 'delete' },
    });
  }

  async keyNameTaken(instanceId: number, name: string): Promise<boolean> {
    return (
      (await this.db('service_keys').where({ service_instance_id: instanceId, name }).first()) !==
      undefined
    );
  }

  async deleteKey(id: number): Promise<void> {
    const key: { guid: string } | undefined = await this.db('service_keys')
      .select('guid')
      .where({ id })
      .first();
    await this.db('service_keys').where({ id }).delete();
    if (key) this.publishKey(key.guid, 'deleted');
  }
}
