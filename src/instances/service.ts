import { randomUUID } from 'node:crypto';
import { isAdmin, readsEverything } from '../auth';
import type { AuthContext } from '../auth';
import type { FeatureFlagsService } from '../feature-flags';
import { isUniqueViolation } from '../db/knex';
import type { Paged } from '../db/paging';
import { CfError } from '../http/cf-errors';
import type { PageRequest } from '../db/page-request';
import type { Space } from '../orgs';
import { isBrokerFailure } from '../osb-client';
import type { SecretBox } from '../secrets';
import type { CallerInfo, InstanceContext, InstanceSetting } from './instance-context';
import type { OperationOutcome, Provisioner, ProvisionerResolver } from './provisioner';
import type { InstancesStore } from './store';
import type { AttentionBounds, InstanceChanges, InstanceScope } from './store';
import type { OperationEvents } from './operation-events';
import { maintenanceUpgrade } from './maintenance-upgrade';
import { OPERATION_KINDS } from './operation-kinds';
import type { OperationRecorder } from './operation-kinds';
import type {
  CreateInstanceCommand,
  InstanceShares,
  ServiceInstance,
  SharedSpace,
  UpdateInstanceCommand,
} from './types';
import type { ServicePlan } from '../catalog';
import { toPlainObject } from '../http/plain-object';

export interface OperationResult {
  instance: ServiceInstance;
  /** 201/204 when finished, 202 when the provisioner works on in the background. */
  async: boolean;
}

const MAX_TAGS_LENGTH = 2048;

interface NewPlan {
  id: number;
  guid: string;
  uniqueId: string;
  maintenanceInfo: Record<string, unknown> | null;
}

function checkNameNotEmpty(name: string): void {
  if (name.trim() === '') throw new CfError('ServiceInstanceNameEmpty');
}

function checkName(name: string): void {
  checkNameNotEmpty(name);
  if (name.length > 255) throw new CfError('ServiceInstanceNameTooLong');
}

function checkTags(tags: readonly string[] | undefined, serviceLabel: string): void {
  if (tags !== undefined && tags.join('').length > MAX_TAGS_LENGTH)
    throw new CfError('ServiceInstanceTagsTooLong', serviceLabel);
}

/** Managed service instances with CC semantics (cf-v2-api.md §3.5), over a Provisioner. */
export class InstancesService {
  constructor(
    private readonly store: InstancesStore,
    private readonly context: InstanceContext,
    private readonly provisioners: ProvisionerResolver,
    private readonly flags: FeatureFlagsService,
    private readonly secrets: SecretBox,
    private readonly events: OperationEvents,
    private readonly recorder: OperationRecorder,
    private readonly shares: InstanceShares,
  ) {}

  private scopeOf(ctx: AuthContext): InstanceScope {
    return readsEverything(ctx) ? { kind: 'all' } : { kind: 'member', userGuid: ctx.userGuid };
  }

  list(ctx: AuthContext, query: PageRequest): Promise<Paged<ServiceInstance>> {
    return this.store.list(query, this.scopeOf(ctx));
  }

  /**
   * Instances whose last operation failed or is stuck (see `InstancesStore.needingAttention`),
   * among those `ctx` may read; `'platform'` (metrics) sees every instance.
   */
  needingAttention(
    ctx: AuthContext | 'platform',
    query: PageRequest,
    bounds: AttentionBounds,
  ): Promise<Paged<ServiceInstance>> {
    const scope: InstanceScope = ctx === 'platform' ? { kind: 'all' } : this.scopeOf(ctx);
    return this.store.needingAttention(query, scope, bounds);
  }

  /** The space's own instances and, with `includeSharedInto`, those shared into it. */
  async listInSpace(
    ctx: AuthContext,
    spaceGuid: string,
    query: PageRequest,
    options: { includeSharedInto?: boolean } = {},
  ): Promise<Paged<ServiceInstance>> {
    const space = await this.context.orgs.getSpace(ctx, spaceGuid);
    return this.store.list(
      query,
      { kind: 'all' },
      { spaceId: space.id, includeSharedInto: options.includeSharedInto === true },
    );
  }

  /** Names are unique per space across managed, user-provided and shared-in instances. */
  nameTakenIn(spaceId: number, name: string): Promise<boolean> {
    return this.store.nameTaken(spaceId, name);
  }

  /** Any role in the instance's space, or in a space it is shared into (cf-v2-api.md §3.5 "Who"). */
  async canRead(ctx: AuthContext, instance: ServiceInstance): Promise<boolean> {
    return (
      (await this.context.canRead(ctx, await this.context.orgs.requireSpace(instance.spaceGuid))) ||
      this.shares.visibleThroughShare(instance.id, ctx.userGuid)
    );
  }

  /**
   * Admin or developer of the instance's own space; someone who sees it only through a share gets
   * CC's shared-instance error instead of the plain 403.
   */
  private async assertCanManageOwn(
    ctx: AuthContext | null,
    instance: ServiceInstance,
    sharedError:
      | 'SharedServiceInstanceNotUpdatableInTargetSpace'
      | 'SharedServiceInstanceNotDeletableInTargetSpace',
  ): Promise<void> {
    try {
      await this.context.assertCanManage(
        ctx,
        await this.context.orgs.requireSpace(instance.spaceGuid),
      );
    } catch (err) {
      if (
        err instanceof CfError &&
        err.errorCode === 'CF-NotAuthorized' &&
        ctx !== null &&
        (await this.shares.visibleThroughShare(instance.id, ctx.userGuid))
      )
        throw new CfError(sharedError);
      throw err;
    }
  }

  /** The spaces a managed instance is shared into. */
  sharedTo(instance: ServiceInstance): Promise<SharedSpace[]> {
    return this.shares.allTargets(instance.id);
  }

  async listForPlan(
    ctx: AuthContext,
    planGuid: string,
    query: PageRequest,
  ): Promise<Paged<ServiceInstance>> {
    const plan = await this.context.plans.require(planGuid);
    return this.store.list(query, this.scopeOf(ctx), { servicePlanId: plan.id });
  }

  /** Nested routes (`…/:guid/service_bindings`) report an unknown instance as 60028 (cf-v2-api.md §3.5). */
  async require(
    guid: string,
    notFound:
      'ServiceInstanceNotFound' | 'ManagedServiceInstanceNotFound' = 'ServiceInstanceNotFound',
  ): Promise<ServiceInstance> {
    const instance = await this.store.find(guid);
    if (!instance) throw new CfError(notFound, guid);
    return instance;
  }

  async get(
    ctx: AuthContext,
    guid: string,
    notFound?: 'ManagedServiceInstanceNotFound',
  ): Promise<ServiceInstance> {
    const instance = await this.require(guid, notFound);
    if (!(await this.canRead(ctx, instance))) throw new CfError('NotAuthorized');
    return instance;
  }

  /** CC asks the broker (`GET /v2/service_instances/:id`); a provisioner that cannot be asked gets the stored ones. */
  async parameters(
    caller: CallerInfo & { ctx: AuthContext },
    guid: string,
  ): Promise<Record<string, unknown>> {
    const instance = await this.get(caller.ctx, guid);
    const setting = await this.context.settingOf(instance);
    if (!setting.service.instancesRetrievable)
      throw new CfError('ServiceFetchInstanceParametersNotSupported');
    const provisioner = await this.provisioners.forService(setting.service);
    if (provisioner?.fetchParameters)
      return provisioner.fetchParameters(this.context.target(instance, setting, caller));
    return instance.parametersEncrypted === null
      ? {}
      : toObject(JSON.parse(this.secrets.decrypt(instance.parametersEncrypted)));
  }

  async permissions(ctx: AuthContext, guid: string): Promise<{ manage: boolean; read: boolean }> {
    const instance = await this.require(guid);
    const space = await this.context.orgs.requireSpace(instance.spaceGuid);
    const manage = isAdmin(ctx) || (await this.context.orgs.isSpaceDeveloper(ctx, space));
    return { manage, read: manage || (await this.canRead(ctx, instance)) };
  }

  private async provisionerFor(setting: InstanceSetting): Promise<Provisioner> {
    const provisioner = await this.provisioners.forService(setting.service);
    if (!provisioner)
      throw new CfError(
        'ServiceInstanceInvalid',
        `service ${setting.service.label} has neither a service broker nor a container template`,
      );
    return provisioner;
  }

  /** CC's create checks in CC's order (cf-v2-api.md §3.5), then the provisioner. */
  async create(
    caller: CallerInfo,
    command: CreateInstanceCommand,
    acceptsIncomplete: boolean,
  ): Promise<OperationResult> {
    const plan = await this.context.plans.require(command.servicePlanGuid).catch(() => {
      throw new CfError('ServiceInstanceInvalid', 'not a valid service plan');
    });
    const space = await this.context.orgs.requireSpace(command.spaceGuid).catch(() => {
      throw new CfError('ServiceInstanceInvalid', 'not a valid space');
    });
    await this.assertMayCreate(caller.ctx, space, plan);
    const setting = await this.context.setting(plan.guid, space);
    // CC's validation order: name empty, name taken, name too long, tags (cf-v2-api.md §3.5).
    checkNameNotEmpty(command.name);
    if (await this.store.nameTaken(space.id, command.name))
      throw new CfError('ServiceInstanceNameTaken', command.name);
    checkName(command.name);
    checkTags(command.tags, setting.service.label);
    await this.assertPlanUsableIn(setting);
    const provisioner = await this.provisionerFor(setting);
    const guid = randomUUID();
    // Recorded before the row and the provisioner call: if Wharf dies mid-way, the job resumes it.
    return this.recorder.perform({ kind: OPERATION_KINDS.createInstance, resourceGuid: guid }, () =>
      this.provisionNew(
        caller,
        guid,
        command,
        plan,
        space,
        setting,
        provisioner,
        acceptsIncomplete,
      ),
    );
  }

  private async provisionNew(
    caller: CallerInfo,
    guid: string,
    command: CreateInstanceCommand,
    plan: ServicePlan,
    space: Space,
    setting: InstanceSetting,
    provisioner: Provisioner,
    acceptsIncomplete: boolean,
  ): Promise<OperationResult> {
    try {
      await this.store.insert({
        guid,
        name: command.name,
        spaceId: space.id,
        servicePlanId: plan.id,
        tags: command.tags ?? [],
        maintenanceInfo: plan.maintenanceInfo === null ? null : { ...plan.maintenanceInfo },
        parametersEncrypted:
          command.parameters === undefined
            ? null
            : this.secrets.encrypt(JSON.stringify(command.parameters)),
        operation: { type: 'create', state: 'in progress', description: '' },
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new CfError('ServiceInstanceNameTaken', command.name);
      throw err;
    }
    const target = this.context.target({ guid, name: command.name }, setting, caller);
    let outcome: OperationOutcome;
    try {
      outcome = await provisioner.provision(target, command.parameters, acceptsIncomplete);
    } catch (err) {
      // The row goes; whatever the provisioner may have half-made is cleaned up in the background.
      await this.store.delete((await this.require(guid)).id);
      await this.events.provisionFailed(target, err);
      throw err;
    }
    return this.settle(guid, 'create', outcome, target.instanceGuid);
  }

  /** CC's ManagedServiceInstanceAccess#create?: admin, else the feature flag first, then developer and plan visibility. */
  private async assertMayCreate(
    ctx: AuthContext | null,
    space: Space,
    plan: ServicePlan,
  ): Promise<void> {
    if (ctx === null || isAdmin(ctx)) return;
    await this.flags.require('service_instance_creation');
    await this.context.assertCanManage(ctx, space);
    if (!(await this.context.plans.isVisible(plan, { kind: 'user', userGuid: ctx.userGuid })))
      throw new CfError('NotAuthorized');
  }

  /** Space-scoped brokers serve their own space only; private plans need a visibility for this org. */
  private async assertPlanUsableIn(setting: InstanceSetting): Promise<void> {
    const viewer = {
      kind: 'space',
      organizationId: setting.space.organizationId,
      spaceId: setting.space.id,
    } as const;
    if (await this.context.plans.isVisible(setting.plan, viewer)) return;
    if (!setting.plan.active || !setting.plan.public)
      throw new CfError('ServiceInstanceOrganizationNotAuthorized');
    throw new CfError('ServiceInstanceSpaceNotAuthorized');
  }

  /** Records a provisioner outcome: finished now, or in progress with a poll job. */
  async settle(
    guid: string,
    type: 'create' | 'update' | 'delete',
    outcome: OperationOutcome,
    instanceGuid: string,
  ): Promise<OperationResult> {
    const instance = await this.require(guid);
    if (outcome.kind === 'done') {
      if (type === 'delete') {
        await this.store.delete(instance.id);
        return { instance, async: false };
      }
      await this.store.update(instance.id, {
        operation: { type, state: 'succeeded', description: '' },
        ...(outcome.dashboardUrl !== undefined && outcome.dashboardUrl !== null
          ? { dashboardUrl: outcome.dashboardUrl }
          : {}),
      });
      return { instance: await this.require(guid), async: false };
    }
    await this.store.update(instance.id, {
      operation: { type, state: 'in progress', description: outcome.description ?? '' },
      brokerOperation: outcome.operation ?? null,
      ...(outcome.dashboardUrl !== undefined && outcome.dashboardUrl !== null
        ? { dashboardUrl: outcome.dashboardUrl }
        : {}),
    });
    await this.events.pollLater(instanceGuid, type);
    return { instance: await this.require(guid), async: true };
  }

  async update(
    caller: CallerInfo,
    guid: string,
    command: UpdateInstanceCommand,
    acceptsIncomplete: boolean,
  ): Promise<OperationResult> {
    const instance = await this.require(guid);
    await this.assertCanManageOwn(
      caller.ctx,
      instance,
      'SharedServiceInstanceNotUpdatableInTargetSpace',
    );
    // CC refuses a busy instance before it looks at what the update asks for (cf-v2-api.md §3.5).
    if (instance.lastOperation?.state === 'in progress')
      throw new CfError('AsyncServiceInstanceOperationInProgress', instance.name);
    if (command.spaceGuid !== undefined && command.spaceGuid !== instance.spaceGuid)
      throw new CfError('ServiceInstanceSpaceChangeNotAllowed');
    const setting = await this.context.settingOf(instance);
    const newPlan =
      command.servicePlanGuid === undefined || command.servicePlanGuid === instance.servicePlanGuid
        ? undefined
        : await this.newPlanFor(setting, command.servicePlanGuid);
    const renamed = command.name !== undefined && command.name !== instance.name;
    if (renamed && (await this.shares.count(instance.id)) > 0)
      throw new CfError('SharedServiceInstanceCannotBeRenamed');
    if (command.name !== undefined) checkNameNotEmpty(command.name);
    if (
      renamed &&
      command.name !== undefined &&
      (await this.store.nameTaken(instance.spaceId, command.name))
    )
      throw new CfError('ServiceInstanceNameTaken', command.name);
    if (command.name !== undefined) checkName(command.name);
    checkTags(command.tags, setting.service.label);
    const upgrade = maintenanceUpgrade(
      instance,
      setting,
      command.maintenanceInfo,
      newPlan !== undefined,
    );
    const needsProvisioner =
      upgrade !== undefined ||
      newPlan !== undefined ||
      command.parameters !== undefined ||
      (renamed && setting.service.allowContextUpdates);
    // Name, tags and parameters are Wharf's own only once the broker accepted the update: a failed
    // PATCH leaves them as they were (and records the failed operation, as CC does).
    const localChanges: InstanceChanges = {
      ...(command.name !== undefined ? { name: command.name } : {}),
      ...(command.tags !== undefined ? { tags: command.tags } : {}),
      ...(command.parameters !== undefined
        ? { parametersEncrypted: this.secrets.encrypt(JSON.stringify(command.parameters)) }
        : {}),
    };
    if (!needsProvisioner) {
      await this.saveUpdate(instance, {
        ...localChanges,
        operation: { type: 'update', state: 'succeeded', description: '' },
      });
      return { instance: await this.require(guid), async: false };
    }
    const provisioner = await this.provisionerFor(setting);
    return this.recorder.perform({ kind: OPERATION_KINDS.updateInstance, resourceGuid: guid }, () =>
      this.updateThroughProvisioner(caller, instance, setting, provisioner, command, {
        newPlan,
        upgrade,
        localChanges,
        acceptsIncomplete,
      }),
    );
  }

  private async updateThroughProvisioner(
    caller: CallerInfo,
    instance: ServiceInstance,
    setting: InstanceSetting,
    provisioner: Provisioner,
    command: UpdateInstanceCommand,
    plan: {
      newPlan: NewPlan | undefined;
      upgrade: { version: string; description?: string } | undefined;
      localChanges: InstanceChanges;
      acceptsIncomplete: boolean;
    },
  ): Promise<OperationResult> {
    const { newPlan, upgrade, localChanges, acceptsIncomplete } = plan;
    const guid = instance.guid;
    if (!(await this.store.beginOperation(instance.id, 'update', '')))
      throw new CfError('AsyncServiceInstanceOperationInProgress', instance.name);
    const target = this.context.target(
      { guid, name: command.name ?? instance.name },
      setting,
      caller,
    );
    let outcome: OperationOutcome;
    try {
      outcome = await provisioner.update(
        target,
        {
          ...(newPlan ? { newPlanGuid: newPlan.guid, newPlanUniqueId: newPlan.uniqueId } : {}),
          ...(command.parameters ? { parameters: command.parameters } : {}),
          ...(upgrade ? { maintenanceInfo: upgrade } : {}),
        },
        acceptsIncomplete,
      );
    } catch (err) {
      await this.store.update(instance.id, {
        operation: {
          type: 'update',
          state: 'failed',
          description: err instanceof Error ? err.message : 'update failed',
        },
      });
      throw err;
    }
    // A finished update moves the plan now; an async one when its last operation succeeds.
    const planChange: InstanceChanges = !newPlan
      ? {}
      : outcome.kind === 'done'
        ? {
            servicePlanId: newPlan.id,
            maintenanceInfo:
              newPlan.maintenanceInfo === null ? null : { ...newPlan.maintenanceInfo },
          }
        : { proposedServicePlanId: newPlan.id };
    // A finished upgrade takes the plan's maintenance_info (an async one keeps the old until a
    // later update: the poll job applies plan changes only).
    const upgraded: InstanceChanges =
      upgrade !== undefined && outcome.kind === 'done' ? { maintenanceInfo: { ...upgrade } } : {};
    await this.saveUpdate(instance, { ...localChanges, ...planChange, ...upgraded }, true);
    return this.settle(guid, 'update', outcome, guid);
  }

  /**
   * The unique index on (space, name) is the race-proof guard behind the cheap name check. Lost after
   * the broker was called, the race still ends the operation that call began.
   */
  private async saveUpdate(
    instance: ServiceInstance,
    changes: InstanceChanges,
    afterBroker = false,
  ): Promise<void> {
    try {
      await this.store.update(instance.id, changes);
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const taken = new CfError('ServiceInstanceNameTaken', changes.name ?? instance.name);
      if (afterBroker)
        await this.store.update(instance.id, {
          operation: { type: 'update', state: 'failed', description: taken.message },
        });
      throw taken;
    }
  }

  private async newPlanFor(setting: InstanceSetting, planGuid: string): Promise<NewPlan> {
    // CC's validate_changing_plan: a plan that cannot change says so before the new plan is looked at.
    const updateable = setting.plan.planUpdateable ?? setting.service.planUpdateable;
    if (!updateable) throw new CfError('ServicePlanNotUpdateable');
    const plan = await this.context.plans.require(planGuid).catch(() => {
      throw new CfError('InvalidRelation', 'Plan');
    });
    if (plan.serviceGuid !== setting.service.guid) throw new CfError('InvalidRelation', 'Plan');
    return {
      id: plan.id,
      guid: plan.guid,
      uniqueId: plan.uniqueId,
      maintenanceInfo: plan.maintenanceInfo === null ? null : { ...plan.maintenanceInfo },
    };
  }

  /**
   * Every check a delete makes before touching anything (CC's order); also run before an
   * `async=true` delete is queued, so the caller gets its error now rather than in the job.
   */
  async checkDeletable(
    caller: CallerInfo,
    guid: string,
    options: { recursive: boolean; purge: boolean },
  ): Promise<ServiceInstance> {
    const instance = await this.require(guid);
    if (options.purge) {
      if (caller.ctx !== null && !isAdmin(caller.ctx)) throw new CfError('NotAuthorized');
      return instance;
    }
    await this.assertCanManageOwn(
      caller.ctx,
      instance,
      'SharedServiceInstanceNotDeletableInTargetSpace',
    );
    const op = instance.lastOperation;
    // A create in progress may be deleted (it deprovisions); an update or delete may not.
    if (op?.state === 'in progress' && op.type !== 'create')
      throw new CfError('AsyncServiceInstanceOperationInProgress', instance.name);
    if (!options.recursive && (await this.store.countKeys(instance.id)) > 0) {
      throw new CfError(
        'AssociationNotEmpty',
        'service_bindings, service_keys, and routes',
        'service_instances',
      );
    }
    // A recursive delete unshares: the shares go with the instance's row (ON DELETE CASCADE).
    if (!options.recursive && (await this.shares.count(instance.id)) > 0)
      throw new CfError('ServiceInstanceDeletionSharesExists', instance.name);
    return instance;
  }

  async delete(
    caller: CallerInfo,
    guid: string,
    options: {
      acceptsIncomplete: boolean;
      recursive: boolean;
      purge: boolean;
      deleteKeys: (instance: ServiceInstance) => Promise<void>;
    },
  ): Promise<OperationResult> {
    const instance = await this.checkDeletable(caller, guid, options);
    if (options.purge) {
      await this.store.delete(instance.id);
      return { instance, async: false };
    }
    const setting = await this.context.settingOf(instance);
    const provisioner = await this.provisionerFor(setting);
    return this.recorder.perform({ kind: OPERATION_KINDS.deleteInstance, resourceGuid: guid }, () =>
      this.deprovision(caller, instance, setting, provisioner, options),
    );
  }

  private async deprovision(
    caller: CallerInfo,
    instance: ServiceInstance,
    setting: InstanceSetting,
    provisioner: Provisioner,
    options: {
      acceptsIncomplete: boolean;
      deleteKeys: (instance: ServiceInstance) => Promise<void>;
    },
  ): Promise<OperationResult> {
    const guid = instance.guid;
    if ((await this.store.countKeys(instance.id)) > 0) await options.deleteKeys(instance);
    await this.store.update(instance.id, {
      operation: { type: 'delete', state: 'in progress', description: '' },
    });
    let outcome: OperationOutcome;
    try {
      outcome = await provisioner.deprovision(
        this.context.target(instance, setting, caller),
        options.acceptsIncomplete,
      );
    } catch (err) {
      await this.store.update(instance.id, {
        operation: {
          type: 'delete',
          state: 'failed',
          description: err instanceof Error ? err.message : 'delete failed',
        },
      });
      throw prefixed(err, `Service instance ${instance.name}: `);
    }
    return this.settle(guid, 'delete', outcome, guid);
  }
}

const toObject = toPlainObject;

/** CC prefixes broker failures of a delete with the instance (cf-v2-api.md §3.5); its own errors stay as they are. */
function prefixed(err: unknown, prefix: string): unknown {
  if (err instanceof CfError) {
    if (isBrokerFailure(err)) err.prefixWith(prefix);
    return err;
  }
  if (err instanceof Error && !err.message.startsWith(prefix))
    err.message = `${prefix}${err.message}`;
  return err;
}
