import type { Clock } from '../clock';
import { failureOf, toJobFailure } from '../jobs';
import { OPERATION_KINDS } from './operation-kinds';
import type { Job, JobQueue, JobResult } from '../jobs';
import type { KeysService } from './keys-service';
import type { InstancesService } from './service';

const DELETE = 'instance.delete';

/**
 * `DELETE /v2/service_instances/:guid?async=true` without accepts_incomplete: CC answers 202 with a
 * job and deletes in the background (cf-v2-api.md §1.9). The caller's rights are checked before
 * the job is queued; the job runs as the platform.
 */
export class InstanceDeleteJobs {
  constructor(
    private readonly jobs: JobQueue,
    private readonly instances: InstancesService,
    private readonly keys: KeysService,
    private readonly clock: Clock,
    private readonly recheckMs: number,
  ) {
    // A delete job runs once: its outcome, success or CF error, is what the job reports.
    jobs.register(DELETE, (job) => this.run(job), { maxAttempts: 1, delayMs: () => 0 });
  }

  async enqueue(
    instanceGuid: string,
    options: { recursive: boolean; purge: boolean },
  ): Promise<Job> {
    return this.jobs.enqueue({ kind: DELETE, resourceGuid: instanceGuid, payload: { ...options } });
  }

  private async run(job: Job): Promise<JobResult> {
    const caller = { ctx: null, requestId: undefined };
    // Run again after Wharf died mid-delete: the recorded delete operation is being recovered;
    // this job waits for it and reports how it ended instead of starting a second delete.
    const recovering = await this.jobs.unfinishedFor(job.resourceGuid, [
      OPERATION_KINDS.deleteInstance,
    ]);
    if (recovering.length > 0)
      return {
        kind: 'again',
        at: new Date(this.clock.now().getTime() + this.recheckMs),
        payload: { ...job.payload, awaitedRecovery: true },
      };
    if (job.payload.awaitedRecovery === true) return this.recoveredOutcome(job.resourceGuid);
    try {
      await this.instances.delete(caller, job.resourceGuid, {
        acceptsIncomplete: false,
        recursive: job.payload.recursive === true,
        purge: job.payload.purge === true,
        deleteKeys: (instance) => this.keys.deleteAllOf(caller, instance),
      });
      return { kind: 'succeeded' };
    } catch (err) {
      return { kind: 'failed', failure: toJobFailure(err) };
    }
  }

  /** The recovered delete succeeded when the instance is gone; otherwise its last operation says why. */
  private async recoveredOutcome(guid: string): Promise<JobResult> {
    const instance = await this.instances.require(guid).catch(() => undefined);
    if (!instance) return { kind: 'succeeded' };
    return {
      kind: 'failed',
      failure: failureOf(instance.lastOperation?.description ?? 'the delete did not finish'),
    };
  }
}
