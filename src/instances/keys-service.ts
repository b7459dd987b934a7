import { randomUUID } from 'node:crypto';
import { hasScope, isAdmin, readsEverything, SCOPES } from '../auth';
import type { AuthContext } from '../auth';
import { isUniqueViolation } from '../db/knex';
import type { Paged } from '../db/paging';
import { CfError } from '../http/cf-errors';
import type { PageRequest } from '../db/page-request';
import { pageRequest } from '../db/page-request';
import type { SecretBox } from '../secrets';
import type { CallerInfo, InstanceContext, InstanceSetting } from './instance-context';
import { REDACTED_CREDENTIALS } from './presenter';
import { OPERATION_KINDS } from './operation-kinds';
import type { OperationRecorder } from './operation-kinds';
import type { InstanceTarget, Provisioner, ProvisionerResolver } from './provisioner';
import type { OperationEvents } from './operation-events';
import type { InstancesStore } from './store';
import type { InstanceScope } from './store';
import type { CreateKeyCommand, ServiceInstance, ServiceKey } from './types';
import { toPlainObject } from '../http/plain-object';

export type KeyCredentials = Record<string, unknown> | typeof REDACTED_CREDENTIALS;

/** Service keys (cf-v2-api.md §3.7): visible to admins and the developers of the instance's space only. */
export class KeysService {
  constructor(
    private readonly store: InstancesStore,
    private readonly context: InstanceContext,
    private readonly provisioners: ProvisionerResolver,
    private readonly secrets: SecretBox,
    private readonly recorder: OperationRecorder,
    private readonly events?: Pick<OperationEvents, 'bindFailed'>,
  ) {}

  private scopeOf(ctx: AuthContext): InstanceScope {
    return readsEverything(ctx) ? { kind: 'all' } : { kind: 'developer', userGuid: ctx.userGuid };
  }

  /** Global auditors read keys but never their credentials (cf-v2-api.md §2.2). */
  credentialsFor(ctx: AuthContext, key: ServiceKey): KeyCredentials {
    const seesSecrets =
      isAdmin(ctx) || hasScope(ctx, SCOPES.adminReadOnly) || !hasScope(ctx, SCOPES.globalAuditor);
    return seesSecrets
      ? toObject(JSON.parse(this.secrets.decrypt(key.credentialsEncrypted)))
      : REDACTED_CREDENTIALS;
  }

  async list(
    ctx: AuthContext,
    query: PageRequest,
    instanceGuid?: string,
  ): Promise<Paged<ServiceKey>> {
    let instanceId: number | undefined;
    if (instanceGuid !== undefined) {
      const instance = await this.store.find(instanceGuid);
      if (!instance) throw new CfError('ManagedServiceInstanceNotFound', instanceGuid);
      // An instance's key list is for its space's developers (and readers of everything): others get 403 (cf-v2-api.md §3.5).
      if (
        !readsEverything(ctx) &&
        !(await this.context.orgs.isSpaceDeveloper(
          ctx,
          await this.context.orgs.requireSpace(instance.spaceGuid),
        ))
      ) {
        throw new CfError('NotAuthorized');
      }
      instanceId = instance.id;
    }
    return this.store.listKeys(query, this.scopeOf(ctx), instanceId);
  }

  /** Anyone but admins and the space's developers is told the key does not exist, as CC does. */
  async get(ctx: AuthContext | null, guid: string): Promise<ServiceKey> {
    const key = await this.store.findKey(guid);
    if (!key) throw new CfError('ServiceKeyNotFound', guid);
    if (ctx === null || readsEverything(ctx)) return key;
    const instance = await this.store.find(key.serviceInstanceGuid);
    const space = instance ? await this.context.orgs.requireSpace(instance.spaceGuid) : undefined;
    if (!space || !(await this.context.orgs.isSpaceDeveloper(ctx, space)))
      throw new CfError('ServiceKeyNotFound', guid);
    return key;
  }

  async parameters(ctx: AuthContext, guid: string): Promise<Record<string, unknown>> {
    const key = await this.get(ctx, guid);
    return key.parametersEncrypted === null
      ? {}
      : toObject(JSON.parse(this.secrets.decrypt(key.parametersEncrypted)));
  }

  async create(caller: CallerInfo, command: CreateKeyCommand): Promise<ServiceKey> {
    const instance = await this.store.find(command.serviceInstanceGuid);
    if (!instance) throw new CfError('ServiceInstanceNotFound', command.serviceInstanceGuid);
    const setting = await this.context.settingOf(instance);
    await this.context.assertCanManage(caller.ctx, setting.space);
    if (instance.lastOperation?.state === 'in progress')
      throw new CfError('AsyncServiceInstanceOperationInProgress', instance.name);
    if (!(setting.plan.bindable ?? setting.service.bindable))
      throw new CfError('ServiceKeyNotSupported', "This service doesn't support creation of keys.");
    if (await this.store.keyNameTaken(instance.id, command.name))
      throw new CfError('ServiceKeyNameTaken', command.name);
    const provisioner = await this.provisioners.forService(setting.service);
    if (!provisioner)
      throw new CfError('ServiceKeyNotSupported', "This service doesn't support creation of keys.");
    const guid = randomUUID();
    const target = this.context.target(instance, setting, caller);
    // Recorded before the bind: if Wharf dies mid-way, the job removes the binding (the caller got nothing).
    await this.recorder.perform(
      {
        kind: OPERATION_KINDS.createKey,
        resourceGuid: guid,
        payload: { instanceGuid: instance.guid },
      },
      () => this.bindAndStore(provisioner, target, guid, instance.id, command),
    );
    return this.get(null, guid);
  }

  private async bindAndStore(
    provisioner: Provisioner,
    target: InstanceTarget,
    guid: string,
    instanceId: number,
    command: CreateKeyCommand,
  ): Promise<void> {
    let credentials: Record<string, unknown>;
    try {
      credentials = await provisioner.bind(target, guid, command.parameters);
    } catch (err) {
      await this.events?.bindFailed(target, guid, err);
      throw err;
    }
    try {
      await this.store.insertKey({
        guid,
        name: command.name,
        serviceInstanceId: instanceId,
        credentialsEncrypted: this.secrets.encrypt(JSON.stringify(credentials)),
        parametersEncrypted:
          command.parameters === undefined
            ? null
            : this.secrets.encrypt(JSON.stringify(command.parameters)),
      });
    } catch (err) {
      // Compensate: the binding exists at the provisioner but Wharf could not record it.
      await provisioner.unbind(target, guid).catch(() => undefined);
      if (isUniqueViolation(err)) throw new CfError('ServiceKeyNameTaken', command.name);
      throw err;
    }
  }

  async delete(caller: CallerInfo, guid: string): Promise<void> {
    const key = caller.ctx === null ? await this.get(null, guid) : await this.get(caller.ctx, guid);
    const instance = await this.store.find(key.serviceInstanceGuid);
    if (!instance) throw new CfError('ServiceKeyNotFound', guid);
    await this.unbindAndDelete(caller, instance, key);
  }

  /** Used by recursive instance deletes too. */
  async deleteAllOf(caller: CallerInfo, instance: ServiceInstance): Promise<void> {
    const page = await this.store.listKeys(
      pageRequest({ perPage: 1000 }),
      { kind: 'all' },
      instance.id,
    );
    for (const key of page.items) await this.unbindAndDelete(caller, instance, key);
  }

  private async unbindAndDelete(
    caller: CallerInfo,
    instance: ServiceInstance,
    key: ServiceKey,
  ): Promise<void> {
    const setting = await this.context.settingOf(instance);
    await this.context.assertCanManage(caller.ctx, setting.space);
    const provisioner = await this.provisioners.forService(setting.service);
    await this.recorder.perform(
      {
        kind: OPERATION_KINDS.deleteKey,
        resourceGuid: key.guid,
        payload: { instanceGuid: instance.guid },
      },
      () => this.unbindAndForget(caller, provisioner, instance, setting, key),
    );
  }

  private async unbindAndForget(
    caller: CallerInfo,
    provisioner: Provisioner | undefined,
    instance: ServiceInstance,
    setting: InstanceSetting,
    key: ServiceKey,
  ): Promise<void> {
    if (provisioner) {
      try {
        await provisioner.unbind(this.context.target(instance, setting, caller), key.guid);
      } catch (err) {
        const prefix = `Service broker failed to delete service binding for instance ${instance.name}: `;
        if (err instanceof CfError) err.prefixWith(prefix);
        else if (err instanceof Error) err.message = `${prefix}${err.message}`;
        throw err;
      }
    }
    await this.store.deleteKey(key.id);
  }
}

const toObject = toPlainObject;
