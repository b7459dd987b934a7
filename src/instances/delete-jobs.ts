import { toJobFailure } from '../jobs';
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
}
