import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Knex } from '../db/knex';
import { isUniqueViolation } from '../db/knex';
import { currentTimestamp } from '../db/timestamps';
import { inTransaction } from '../db/transaction';
import type { SecretBox } from '../secrets';
import type {
  InstanceState,
  JsonObject,
  OperationState,
  OperationType,
  OsbBinding,
  OsbInstance,
  OsbOperation,
  PendingUpdate,
} from './types';

interface InstanceRow {
  instance_id: string;
  service_id: string;
  plan_id: string;
  service_guid: string;
  plan_guid: string;
  organization_guid: string;
  space_guid: string;
  context: string;
  parameters_encrypted: string;
  secrets_encrypted: string;
  maintenance_info_version: string | null;
  container_tenant: string;
  container_name: string;
  state: string;
  operation_guid: string | null;
  pending_plan_id: string | null;
  pending_plan_guid: string | null;
  pending_parameters_encrypted: string | null;
  pending_maintenance_info_version: string | null;
}

interface BindingRow {
  binding_id: string;
  instance_id: string;
  service_id: string;
  plan_id: string;
  app_guid: string | null;
  bind_resource: string;
  parameters: string;
  credentials_encrypted: string;
}

interface OperationRow {
  guid: string;
  instance_id: string;
  binding_id: string | null;
  type: string;
  state: string;
  description: string;
}

const jsonObject = z.record(z.unknown());
const stringMap = z.record(z.string());
const instanceState = z.enum(['provisioning', 'ready', 'updating', 'deprovisioning', 'failed']);
const operationType = z.enum(['provision', 'update', 'deprovision', 'bind', 'unbind']);
const operationState = z.enum(['in progress', 'succeeded', 'failed']);

/** The plan, parameters and maintenance version an update leaves an instance with. */
export type AppliedChange = PendingUpdate;

/** The instance fields a provision writes; the row starts `provisioning` with its operation. */
export type NewInstance = Omit<OsbInstance, 'state' | 'operationGuid' | 'pending'>;

/** Knex for the broker's three tables; seals and unseals secrets at this boundary. */
export class OsbStore {
  constructor(
    private readonly db: Db,
    private readonly box: SecretBox,
  ) {}

  /** Runs `work` in one transaction with a store bound to it (knex may only be a Knex here). */
  static transaction<T>(
    knex: Knex,
    box: SecretBox,
    work: (store: OsbStore) => Promise<T>,
  ): Promise<T> {
    return inTransaction(knex, (trx) => work(new OsbStore(trx, box)));
  }

  private seal(value: unknown): string {
    return this.box.encrypt(JSON.stringify(value));
  }

  private unsealObject(sealed: string): JsonObject {
    return jsonObject.parse(JSON.parse(this.box.decrypt(sealed)));
  }

  private toInstance(row: InstanceRow): OsbInstance {
    const pending: PendingUpdate | null =
      row.pending_plan_id === null ||
      row.pending_plan_guid === null ||
      row.pending_parameters_encrypted === null
        ? null
        : {
            planId: row.pending_plan_id,
            planGuid: row.pending_plan_guid,
            parameters: this.unsealObject(row.pending_parameters_encrypted),
            maintenanceInfoVersion: row.pending_maintenance_info_version,
          };
    return {
      instanceId: row.instance_id,
      serviceId: row.service_id,
      planId: row.plan_id,
      serviceGuid: row.service_guid,
      planGuid: row.plan_guid,
      organizationGuid: row.organization_guid,
      spaceGuid: row.space_guid,
      context: jsonObject.parse(JSON.parse(row.context)),
      parameters: this.unsealObject(row.parameters_encrypted),
      secrets: stringMap.parse(JSON.parse(this.box.decrypt(row.secrets_encrypted))),
      maintenanceInfoVersion: row.maintenance_info_version,
      container: { tenant: row.container_tenant, name: row.container_name },
      state: instanceState.parse(row.state),
      operationGuid: row.operation_guid,
      pending,
    };
  }

  /** Inserts a `provisioning` instance; false when the id is taken (the unique index decides). */
  async insertInstance(instance: NewInstance, operationGuid: string): Promise<boolean> {
    const now = currentTimestamp();
    try {
      await this.db('osb_service_instances').insert({
        guid: randomUUID(),
        instance_id: instance.instanceId,
        service_id: instance.serviceId,
        plan_id: instance.planId,
        service_guid: instance.serviceGuid,
        plan_guid: instance.planGuid,
        organization_guid: instance.organizationGuid,
        space_guid: instance.spaceGuid,
        context: JSON.stringify(instance.context),
        parameters_encrypted: this.seal(instance.parameters),
        secrets_encrypted: this.seal(instance.secrets),
        maintenance_info_version: instance.maintenanceInfoVersion,
        container_tenant: instance.container.tenant,
        container_name: instance.container.name,
        state: 'provisioning',
        operation_guid: operationGuid,
        created_at: now,
        updated_at: now,
      });
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
    return true;
  }

  async findInstance(instanceId: string): Promise<OsbInstance | undefined> {
    const row: InstanceRow | undefined = await this.db('osb_service_instances')
      .where({ instance_id: instanceId })
      .first();
    return row === undefined ? undefined : this.toInstance(row);
  }

  /**
   * Moves an instance from one of `from` to `to` under a new operation; false when another
   * request changed its state first (the conditional update is the lock, OSB §5 "Blocking").
   */
  async claim(
    instanceId: string,
    from: readonly InstanceState[],
    to: InstanceState,
    operationGuid: string,
    pending: PendingUpdate | null = null,
  ): Promise<boolean> {
    const changed = await this.db('osb_service_instances')
      .where({ instance_id: instanceId })
      .whereIn('state', from)
      .update({
        state: to,
        operation_guid: operationGuid,
        ...this.pendingColumns(pending),
        updated_at: currentTimestamp(),
      });
    return changed > 0;
  }

  private pendingColumns(pending: PendingUpdate | null): Record<string, string | null> {
    return {
      pending_plan_id: pending?.planId ?? null,
      pending_plan_guid: pending?.planGuid ?? null,
      pending_parameters_encrypted: pending === null ? null : this.seal(pending.parameters),
      pending_maintenance_info_version: pending?.maintenanceInfoVersion ?? null,
    };
  }

  /**
   * Ends the operation `operationGuid` of an instance, if it is still the current one: the new
   * state, optionally an applied update, and the operation to go back to (after a failed delete).
   */
  async release(
    instanceId: string,
    operationGuid: string,
    next: { state: InstanceState; applied?: AppliedChange; restoreOperation?: string | null },
  ): Promise<boolean> {
    const { state, applied, restoreOperation = null } = next;
    const changed = await this.db('osb_service_instances')
      .where({ instance_id: instanceId, operation_guid: operationGuid })
      .update({
        state,
        operation_guid: restoreOperation,
        ...this.pendingColumns(null),
        ...(applied === undefined ? {} : this.appliedColumns(applied)),
        updated_at: currentTimestamp(),
      });
    return changed > 0;
  }

  private appliedColumns(applied: AppliedChange): Record<string, string | null> {
    return {
      plan_id: applied.planId,
      plan_guid: applied.planGuid,
      parameters_encrypted: this.seal(applied.parameters),
      maintenance_info_version: applied.maintenanceInfoVersion,
    };
  }

  /** A change that needs no engine work (parameters or maintenance only, same replicas and image). */
  async applyWithoutOperation(instanceId: string, applied: AppliedChange): Promise<boolean> {
    const changed = await this.db('osb_service_instances')
      .where({ instance_id: instanceId, state: 'ready' })
      .whereNull('operation_guid')
      .update({ ...this.appliedColumns(applied), updated_at: currentTimestamp() });
    return changed > 0;
  }

  /** New `${secret:NAME}` values a plan change brought in (existing ones never change). */
  async writeSecrets(instanceId: string, secrets: Record<string, string>): Promise<void> {
    await this.db('osb_service_instances')
      .where({ instance_id: instanceId })
      .update({ secrets_encrypted: this.seal(secrets), updated_at: currentTimestamp() });
  }

  async deleteInstance(instanceId: string): Promise<void> {
    await this.db('osb_service_instances').where({ instance_id: instanceId }).delete();
  }

  private toBinding(row: BindingRow): OsbBinding {
    return {
      bindingId: row.binding_id,
      instanceId: row.instance_id,
      serviceId: row.service_id,
      planId: row.plan_id,
      appGuid: row.app_guid,
      bindResource: jsonObject.parse(JSON.parse(row.bind_resource)),
      parameters: jsonObject.parse(JSON.parse(row.parameters)),
      credentials: stringMap.parse(JSON.parse(this.box.decrypt(row.credentials_encrypted))),
    };
  }

  /** Inserts a binding; false when the binding id is taken. */
  async insertBinding(binding: OsbBinding): Promise<boolean> {
    const now = currentTimestamp();
    try {
      await this.db('osb_service_bindings').insert({
        guid: randomUUID(),
        binding_id: binding.bindingId,
        instance_id: binding.instanceId,
        service_id: binding.serviceId,
        plan_id: binding.planId,
        app_guid: binding.appGuid,
        bind_resource: JSON.stringify(binding.bindResource),
        parameters: JSON.stringify(binding.parameters),
        credentials_encrypted: this.seal(binding.credentials),
        created_at: now,
        updated_at: now,
      });
    } catch (err) {
      if (isUniqueViolation(err)) return false;
      throw err;
    }
    return true;
  }

  async findBinding(bindingId: string): Promise<OsbBinding | undefined> {
    const row: BindingRow | undefined = await this.db('osb_service_bindings')
      .where({ binding_id: bindingId })
      .first();
    return row === undefined ? undefined : this.toBinding(row);
  }

  /** Deletes a binding of the given instance; false when there was none. */
  async deleteBinding(instanceId: string, bindingId: string): Promise<boolean> {
    return (
      (await this.db('osb_service_bindings')
        .where({ binding_id: bindingId, instance_id: instanceId })
        .delete()) > 0
    );
  }

  async deleteBindingsOf(instanceId: string): Promise<string[]> {
    const rows: { binding_id: string }[] = await this.db('osb_service_bindings')
      .select('binding_id')
      .where({ instance_id: instanceId });
    await this.db('osb_service_bindings').where({ instance_id: instanceId }).delete();
    return rows.map((r) => r.binding_id);
  }

  async insertOperation(op: OsbOperation): Promise<void> {
    const now = currentTimestamp();
    await this.db('osb_operations').insert({
      guid: op.guid,
      instance_id: op.instanceId,
      binding_id: op.bindingId,
      type: op.type,
      state: op.state,
      description: op.description,
      created_at: now,
      updated_at: now,
    });
  }

  async updateOperation(guid: string, state: OperationState, description: string): Promise<void> {
    await this.db('osb_operations')
      .where({ guid })
      .update({ state, description, updated_at: currentTimestamp() });
  }

  async deleteOperation(guid: string): Promise<void> {
    await this.db('osb_operations').where({ guid }).delete();
  }

  /**
   * The operation `token` of a resource, or its latest one when the token is absent or unknown
   * (the Go osb-checker sends literal `provision`/`deprovision`, osb-api.md §6.1 Wharf note).
   */
  async findOperation(
    instanceId: string,
    bindingId: string | null,
    token: string | undefined,
  ): Promise<OsbOperation | undefined> {
    const ofResource = (): Knex.QueryBuilder => {
      const base = this.db('osb_operations').where({ instance_id: instanceId });
      return bindingId === null
        ? base.whereNull('binding_id')
        : base.where({ binding_id: bindingId });
    };
    const exact: OperationRow | undefined =
      token === undefined ? undefined : await ofResource().where({ guid: token }).first();
    const row: OperationRow | undefined =
      exact ?? (await ofResource().orderBy('id', 'desc').first());
    if (row === undefined) return undefined;
    return {
      guid: row.guid,
      instanceId: row.instance_id,
      bindingId: row.binding_id,
      type: operationType.parse(row.type),
      state: operationState.parse(row.state),
      description: row.description,
    };
  }

  /**
   * Forgets finished operations older than `before`, except the latest one of each resource
   * that still exists (what a poll of it answers).
   */
  async pruneOperations(before: Date): Promise<number> {
    const keep = this.db('osb_operations')
      .max('id')
      .where((qb) => {
        void qb
          .whereIn('instance_id', this.db('osb_service_instances').select('instance_id'))
          .orWhereIn('binding_id', this.db('osb_service_bindings').select('binding_id'));
      })
      .groupBy('instance_id', 'binding_id');
    return this.db('osb_operations')
      .whereNot('state', 'in progress')
      .where('updated_at', '<', currentTimestamp(before))
      .whereNotIn('id', keep)
      .delete();
  }

  static newOperation(
    instanceId: string,
    bindingId: string | null,
    type: OperationType,
    state: OperationState,
    description: string,
  ): OsbOperation {
    return { guid: randomUUID(), instanceId, bindingId, type, state, description };
  }
}
