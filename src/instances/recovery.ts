import type { Logger } from 'pino';
import { failureOf } from '../jobs';
import type { Job, JobQueue, JobResult, KindOptions } from '../jobs';
import type { SecretBox } from '../secrets';
import type { CallerInfo, InstanceContext } from './instance-context';
import type { KeysService } from './keys-service';
import type { OperationEvents } from './operation-events';
import { POLL } from './operation-jobs';
import { OPERATION_KINDS } from './operation-kinds';
import type { InstanceTarget, Provisioner, ProvisionerResolver } from './provisioner';
import type { InstancesService } from './service';
import type { InstancesStore } from './store';
import type { OperationType, ServiceInstance } from './types';

/** Recovery acts for the platform: no user, no request. */
const PLATFORM: CallerInfo = { ctx: null, requestId: undefined };

const succeeded: JobResult = { kind: 'succeeded' };
/** A resumed operation retries this often (back-off from the poll interval) before it gives up. */
const MAX_ATTEMPTS = 8;

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** What a user reads in last_operation when Wharf had to give up an operation it was killed in. */
export function interruptedDescription(type: OperationType, cause: string | undefined): string {
  const because = cause === undefined ? '' : `: ${cause}`;
  switch (type) {
    case 'create':
      return `Wharf stopped while provisioning this instance and could not finish it${because}. Delete the instance and create it again.`;
    case 'update':
      return `Wharf stopped during this update before its outcome was known${because}. Run the update again.`;
    case 'delete':
      return `Wharf stopped while deleting this instance and could not finish it${because}. Delete it again.`;
  }
}

/**
 * Carries instance and key operations that a dead process left behind to a definite end (issue 16):
 * a create or delete is resumed (the caller got no answer, so Wharf finishes what it started), an
 * update is failed with a reason the user can act on, an unfinished key bind is undone, an
 * unfinished unbind finished. Runs when a recorded operation's lease expired, and at start-up for
 * instances left in progress with no job at all.
 */
export class InstanceRecovery {
  constructor(
    private readonly jobs: JobQueue,
    private readonly store: InstancesStore,
    private readonly context: InstanceContext,
    private readonly provisioners: ProvisionerResolver,
    private readonly instances: InstancesService,
    private readonly keys: KeysService,
    private readonly events: OperationEvents,
    private readonly secrets: SecretBox,
    private readonly logger: Logger,
    retryBaseMs: number,
  ) {
    const retry: KindOptions = { maxAttempts: MAX_ATTEMPTS, delayMs: (n) => retryBaseMs * 2 ** n };
    jobs.register(OPERATION_KINDS.createInstance, (job) => this.resumeCreate(job), retry);
    jobs.register(OPERATION_KINDS.updateInstance, (job) => this.failUpdate(job), retry);
    jobs.register(OPERATION_KINDS.deleteInstance, (job) => this.resumeDelete(job), retry);
    jobs.register(OPERATION_KINDS.createKey, (job) => this.undoBind(job), retry);
    jobs.register(OPERATION_KINDS.deleteKey, (job) => this.finishUnbind(job), retry);
  }

  /** Instances in progress with no job working on them (left by a crash) get a recovery job. */
  async recoverOrphans(): Promise<number> {
    let queued = 0;
    for (const instance of await this.store.inProgress()) {
      if ((await this.jobs.unfinishedFor(instance.guid)).length > 0) continue;
      const type = instance.lastOperation?.type ?? 'create';
      const kind =
        type === 'create'
          ? OPERATION_KINDS.createInstance
          : type === 'update'
            ? OPERATION_KINDS.updateInstance
            : OPERATION_KINDS.deleteInstance;
      await this.jobs.enqueue({ kind, resourceGuid: instance.guid });
      queued++;
    }
    if (queued > 0) this.logger.info({ queued }, 'recovering instances left in progress');
    return queued;
  }

  /** The instance if its operation of `type` is still unfinished and nobody else carries it on. */
  private async stranded(guid: string, type: OperationType): Promise<ServiceInstance | undefined> {
    const instance = await this.store.find(guid);
    if (!instance) return undefined;
    const op = instance.lastOperation;
    if (op?.type !== type || op.state !== 'in progress') return undefined;
    // An accepted async operation is already followed by its poll job.
    if ((await this.jobs.unfinishedFor(guid, [POLL])).length > 0) return undefined;
    return instance;
  }

  private async giveUp(
    instance: ServiceInstance,
    type: OperationType,
    cause: string | undefined,
  ): Promise<JobResult> {
    const description = interruptedDescription(type, cause);
    await this.store.update(instance.id, {
      operation: { type, state: 'failed', description },
      proposedServicePlanId: null,
    });
    return { kind: 'failed', failure: failureOf(description) };
  }

  private parametersOf(instance: ServiceInstance): Record<string, unknown> | undefined {
    if (instance.parametersEncrypted === null) return undefined;
    const parsed: unknown = JSON.parse(this.secrets.decrypt(instance.parametersEncrypted));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? Object.fromEntries(Object.entries(parsed))
      : undefined;
  }

  /** The caller of a killed provision got nothing: provision again (async) and follow it to its end. */
  private async resumeCreate(job: Job): Promise<JobResult> {
    const instance = await this.stranded(job.resourceGuid, 'create');
    if (!instance) return succeeded;
    const setting = await this.context.settingOf(instance);
    const provisioner = await this.provisioners.forService(setting.service);
    if (!provisioner)
      return this.giveUp(instance, 'create', 'the service has no provisioner any more');
    const target = this.context.target(instance, setting, PLATFORM);
    try {
      const outcome = await provisioner.provision(target, this.parametersOf(instance), true);
      await this.instances.settle(instance.guid, 'create', outcome, instance.guid);
      return succeeded;
    } catch (err) {
      if (job.attempts + 1 < MAX_ATTEMPTS) throw err;
      await this.events.provisionFailed(target, err);
      return this.giveUp(instance, 'create', messageOf(err));
    }
  }

  /** An update's outcome at the provisioner is unknown: it ends failed, saying to run it again. */
  private async failUpdate(job: Job): Promise<JobResult> {
    const instance = await this.stranded(job.resourceGuid, 'update');
    if (!instance) return succeeded;
    return this.giveUp(instance, 'update', undefined);
  }

  /** A delete is carried on: keys first, then the deprovision, followed to its end. */
  private async resumeDelete(job: Job): Promise<JobResult> {
    const instance = await this.stranded(job.resourceGuid, 'delete');
    if (!instance) return succeeded;
    const setting = await this.context.settingOf(instance);
    const provisioner = await this.provisioners.forService(setting.service);
    if (!provisioner)
      return this.giveUp(instance, 'delete', 'the service has no provisioner any more');
    try {
      await this.keys.deleteAllOf(PLATFORM, instance);
      const outcome = await provisioner.deprovision(
        this.context.target(instance, setting, PLATFORM),
        true,
      );
      await this.instances.settle(instance.guid, 'delete', outcome, instance.guid);
      return succeeded;
    } catch (err) {
      if (job.attempts + 1 < MAX_ATTEMPTS) throw err;
      return this.giveUp(instance, 'delete', messageOf(err));
    }
  }

  private async keyTarget(
    job: Job,
  ): Promise<{ provisioner: Provisioner; target: InstanceTarget } | undefined> {
    const instanceGuid = job.payload.instanceGuid;
    if (typeof instanceGuid !== 'string') return undefined;
    const instance = await this.store.find(instanceGuid);
    if (!instance) return undefined;
    const setting = await this.context.settingOf(instance);
    const provisioner = await this.provisioners.forService(setting.service);
    if (!provisioner) return undefined;
    return { provisioner, target: this.context.target(instance, setting, PLATFORM) };
  }

  /** A key whose bind was cut off was never handed out: the binding is removed, the job fails. */
  private async undoBind(job: Job): Promise<JobResult> {
    if (await this.store.findKey(job.resourceGuid)) return succeeded;
    const found = await this.keyTarget(job);
    if (found) await found.provisioner.unbind(found.target, job.resourceGuid);
    return {
      kind: 'failed',
      failure: failureOf(
        'Wharf stopped while creating this service key; the binding was removed. Create the key again.',
      ),
    };
  }

  /** An unbind that was cut off is finished: unbind (again) and forget the key. */
  private async finishUnbind(job: Job): Promise<JobResult> {
    const key = await this.store.findKey(job.resourceGuid);
    if (!key) return succeeded;
    const found = await this.keyTarget(job);
    if (found) await found.provisioner.unbind(found.target, key.guid);
    await this.store.deleteKey(key.id);
    return succeeded;
  }
}
