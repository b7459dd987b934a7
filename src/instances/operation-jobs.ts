import type { Clock } from '../clock';
import { CfError } from '../http/cf-errors';
import { BrokerError } from '../osb-client';
import { failureOf } from '../jobs';
import type { Job, JobQueue, JobResult } from '../jobs';
import type { InstanceContext } from './instance-context';
import type { InstanceTarget, PollOutcome, Provisioner, ProvisionerResolver } from './provisioner';
import type { OperationEvents } from './operation-events';
import type { InstancesStore } from './store';
import type { InstanceChanges } from './store';
import type { OperationType } from './types';

export interface PollingSettings {
  intervalMs: number;
  /** Platform cap on polling; a plan's `maximum_polling_duration` may lower it. */
  maxDurationMs: number;
  /** Orphan mitigation: up to 11 attempts with back-off base·2^attempt (CC: minutes). */
  mitigationBaseMs: number;
}

export const POLL = 'instance.poll';
const MITIGATE = 'instance.orphan-mitigation';
const MITIGATE_BINDING = 'binding.orphan-mitigation';

/**
 * Our own timeouts, 5xx and unexpected statuses, malformed non-200 answers and async answers nobody
 * could wait for (cf-v2-api.md §4.4). Not a broker's 408: the request never reached it (osb-api.md §9).
 */
export function needsOrphanMitigation(err: unknown): boolean {
  if (err instanceof CfError && err.errorName === 'ServiceBrokerRespondedAsyncWhenNotAllowed')
    return true;
  if (!(err instanceof BrokerError)) return false;
  if (err.errorName === 'ServiceBrokerBadResponse' || err.errorName === 'HttpClientTimeout')
    return true;
  // A malformed body counts only after a status other than 200 (osb-api.md §9: 201/202 malformed → yes).
  if (err.errorName === 'ServiceBrokerResponseMalformed')
    return !('status' in err.http) || err.http.status !== 200;
  return false;
}

function text(payload: Record<string, unknown>, key: string): string {
  const value = payload[key];
  return typeof value === 'string' ? value : '';
}

/** The persisted jobs behind async instance operations: polling and orphan mitigation. */
export class InstanceOperationJobs implements OperationEvents {
  constructor(
    private readonly instances: InstancesStore,
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly context: InstanceContext,
    private readonly provisioners: ProvisionerResolver,
    private readonly settings: PollingSettings,
  ) {
    jobs.register(POLL, (job) => this.poll(job), {
      maxAttempts: 1000,
      delayMs: () => settings.intervalMs,
    });
    const backOff = { maxAttempts: 11, delayMs: (n: number) => settings.mitigationBaseMs * 2 ** n };
    jobs.register(MITIGATE, (job) => this.mitigate(job), backOff);
    jobs.register(MITIGATE_BINDING, (job) => this.mitigateBinding(job), backOff);
  }

  async pollLater(instanceGuid: string, type: OperationType): Promise<void> {
    const now = this.clock.now().getTime();
    await this.jobs.enqueue({
      kind: POLL,
      resourceGuid: instanceGuid,
      payload: { type, startedAt: now },
      runAt: new Date(now + this.settings.intervalMs),
    });
  }

  async provisionFailed(target: InstanceTarget, err: unknown): Promise<void> {
    if (!needsOrphanMitigation(err)) return;
    await this.jobs.enqueue({
      kind: MITIGATE,
      resourceGuid: target.instanceGuid,
      payload: { target },
    });
  }

  async bindFailed(target: InstanceTarget, bindingGuid: string, err: unknown): Promise<void> {
    if (!needsOrphanMitigation(err)) return;
    await this.jobs.enqueue({
      kind: MITIGATE_BINDING,
      resourceGuid: bindingGuid,
      payload: { target, bindingGuid },
    });
  }

  private async poll(job: Job): Promise<JobResult> {
    const instance = await this.instances.find(job.resourceGuid);
    if (!instance || instance.lastOperation?.state !== 'in progress') return { kind: 'succeeded' };
    const type = instance.lastOperation.type;
    const setting = await this.context.settingOf(instance);
    const provisioner = await this.provisioners.forService(setting.service);
    if (!provisioner)
      return { kind: 'failed', failure: failureOf('no provisioner for the service') };
    const startedAt = Number(job.payload.startedAt ?? this.clock.now().getTime());
    const planCap =
      setting.plan.maximumPollingDuration === null
        ? Infinity
        : setting.plan.maximumPollingDuration * 1000;
    const overdue = (): boolean =>
      this.clock.now().getTime() - startedAt >= Math.min(planCap, this.settings.maxDurationMs);
    const target = this.context.target(instance, setting, { ctx: null, requestId: undefined });
    let outcome: PollOutcome;
    try {
      outcome = await provisioner.lastOperation(
        target,
        instance.brokerOperation ?? undefined,
        type,
      );
    } catch (err) {
      // A poll that fails is retried (cf-v2-api.md §4.3), within the same cap as one that answers.
      if (overdue()) return this.timedOut(instance.id, type);
      throw err;
    }
    switch (outcome.state) {
      case 'in progress': {
        if (overdue()) return this.timedOut(instance.id, type);
        await this.instances.update(instance.id, {
          operation: { type, state: 'in progress', description: outcome.description },
        });
        const wait = Math.max(this.settings.intervalMs, (outcome.retryAfterSeconds ?? 0) * 1000);
        return { kind: 'again', at: new Date(this.clock.now().getTime() + wait) };
      }
      case 'gone':
      case 'succeeded':
        if (type === 'delete') {
          await this.instances.delete(instance.id);
          return { kind: 'succeeded' };
        }
        await this.instances.update(instance.id, {
          operation: { type, state: 'succeeded', description: outcome.description },
          ...(await this.proposedPlanChange(
            instance.proposedServicePlanId,
            instance.proposedServicePlanGuid,
          )),
        });
        return { kind: 'succeeded' };
      case 'failed':
        await this.instances.update(instance.id, {
          operation: { type, state: 'failed', description: outcome.description },
          proposedServicePlanId: null,
        });
        if (type === 'create')
          await this.jobs.enqueue({
            kind: MITIGATE,
            resourceGuid: instance.guid,
            payload: { target },
          });
        return { kind: 'succeeded' };
    }
  }

  private async timedOut(instanceId: number, type: OperationType): Promise<JobResult> {
    const verb = type === 'create' ? 'provision' : type === 'update' ? 'update' : 'deprovision';
    await this.instances.update(instanceId, {
      operation: {
        type,
        state: 'failed',
        description: `Service Broker failed to ${verb} within the required time.`,
      },
      proposedServicePlanId: null,
    });
    return { kind: 'succeeded' };
  }

  /** A succeeded async plan change moves the instance to the plan and its maintenance_info, as a sync one does. */
  private async proposedPlanChange(
    planId: number | null,
    planGuid: string | null,
  ): Promise<InstanceChanges> {
    if (planId === null || planGuid === null) return {};
    const plan = await this.context.plans.require(planGuid);
    return {
      servicePlanId: planId,
      proposedServicePlanId: null,
      maintenanceInfo: plan.maintenanceInfo === null ? null : { ...plan.maintenanceInfo },
    };
  }

  /** Unbinds what a failed key bind may have left at the broker. */
  private async mitigateBinding(job: Job): Promise<JobResult> {
    const target = this.targetOf(job);
    const bindingGuid = job.payload.bindingGuid;
    if (target === undefined || typeof bindingGuid !== 'string') {
      return { kind: 'failed', failure: failureOf('job has no target') };
    }
    const provisioner = await this.provisionerOf(target);
    if (!provisioner) return { kind: 'failed', failure: failureOf('service is gone') };
    await provisioner.unbind(target, bindingGuid);
    return { kind: 'succeeded' };
  }

  private async provisionerOf(target: InstanceTarget): Promise<Provisioner | undefined> {
    const service = await this.context.services.require(target.serviceGuid).catch(() => undefined);
    return service ? this.provisioners.forService(service) : undefined;
  }

  /** Deletes what a failed provision may have left at the provisioner; a 202 counts as done. */
  private async mitigate(job: Job): Promise<JobResult> {
    const target = this.targetOf(job);
    if (target === undefined) return { kind: 'failed', failure: failureOf('job has no target') };
    const provisioner = await this.provisionerOf(target);
    if (!provisioner) return { kind: 'failed', failure: failureOf('service is gone') };
    // Any failure, a broker still busy with the failed operation included, is retried with back-off:
    // the orphan is still there (osb-api.md §9 forbids *starting* mitigation after a ConcurrencyError).
    await provisioner.deprovision(target, true);
    return { kind: 'succeeded' };
  }

  private targetOf(job: Job): InstanceTarget | undefined {
    const raw = job.payload.target;
    if (typeof raw !== 'object' || raw === null) return undefined;
    const payload = Object.fromEntries(Object.entries(raw));
    const target: InstanceTarget = {
      instanceGuid: text(payload, 'instanceGuid'),
      instanceName: text(payload, 'instanceName'),
      serviceGuid: text(payload, 'serviceGuid'),
      serviceUniqueId: text(payload, 'serviceUniqueId'),
      planGuid: text(payload, 'planGuid'),
      planUniqueId: text(payload, 'planUniqueId'),
      organizationGuid: text(payload, 'organizationGuid'),
      organizationName: text(payload, 'organizationName'),
      spaceGuid: text(payload, 'spaceGuid'),
      spaceName: text(payload, 'spaceName'),
      userGuid: undefined,
      requestId: undefined,
    };
    return target;
  }
}
