import type { Knex } from '../db/knex';
import { CfError } from '../http/cf-errors';
import type { JobResult, JobRunner } from '../jobs/runner';
import type { Job } from '../jobs/store';
import { JobsStore } from '../jobs/store';
import type { KeysService } from './keys-service';
import type { InstancesService } from './service';

const DELETE = 'instance.delete';

function errorBody(err: unknown): string {
  if (err instanceof CfError) return JSON.stringify(err.toBody());
  return err instanceof Error ? err.message : String(err);
}

/**
 * `DELETE /v2/service_instances/:guid?async=true` without accepts_incomplete: CC answers 202 with a
 * job and deletes in the background (cf-v2-api.md §1.9). The caller's rights are checked before
 * the job is queued; the job runs as the platform.
 */
export class InstanceDeleteJobs {
  private readonly jobs: JobsStore;

  constructor(
    knex: Knex,
    private readonly runner: JobRunner,
    private readonly instances: InstancesService,
    private readonly keys: KeysService,
  ) {
    this.jobs = new JobsStore(knex);
    // A delete job runs once: its outcome, success or CF error, is what the job reports.
    runner.register(DELETE, (job) => this.run(job), { maxAttempts: 1, delayMs: () => 0 });
  }

  async enqueue(
    instanceGuid: string,
    options: { recursive: boolean; purge: boolean },
  ): Promise<string> {
    const guid = await this.jobs.enqueue(DELETE, instanceGuid, { ...options }, new Date());
    this.runner.kick();
    return guid;
  }

  async find(
    guid: string,
  ): Promise<{ guid: string; createdAt: string; state: string; lastError: string | null }> {
    const job = await this.jobs.find(guid);
    if (!job) throw new Error(`job ${guid} vanished after enqueue`);
    return job;
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
      return { kind: 'done' };
    } catch (err) {
      return { kind: 'failed', reason: errorBody(err) };
    }
  }
}
