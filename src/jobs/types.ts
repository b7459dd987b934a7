/** A job's life: queued, claimed by one worker under a lease, then one definite end. */
export type JobState = 'pending' | 'running' | 'succeeded' | 'failed';

export const FINISHED_STATES: readonly JobState[] = ['succeeded', 'failed'];

/**
 * Why a job failed, as data (issue 14 item 5): CF's numeric code, error name and a description a
 * user can act on. Failures that are not CF errors are CC's UnknownError (10001).
 */
export interface JobFailure {
  code: number;
  errorCode: string;
  description: string;
}

export interface Job {
  id: number;
  guid: string;
  kind: string;
  /** The guid of what the job works on (an instance, a key). */
  resourceGuid: string;
  payload: Record<string, unknown>;
  state: JobState;
  attempts: number;
  runAt: Date;
  /** The worker holding the job's lease, while it runs. */
  lockedBy: string | null;
  lockedUntil: Date | null;
  failure: JobFailure | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewJob {
  kind: string;
  resourceGuid: string;
  payload?: Record<string, unknown>;
  /** Defaults to now: due at once. */
  runAt?: Date;
}

/** What a worker writes when it lets go of a job. */
export type JobOutcome =
  | { state: 'succeeded' }
  | { state: 'failed'; failure: JobFailure; attempts?: number }
  /** Back to the queue: to poll again later, or to retry after a failed attempt. */
  | {
      state: 'pending';
      runAt: Date;
      attempts: number;
      failure?: JobFailure | null;
      payload?: Record<string, unknown>;
    };

/** The storage port of the queue: SQLite and PostgreSQL behind one Knex implementation. */
export interface JobStore {
  insert(job: NewJob, now: Date): Promise<Job>;
  /** Inserts a job already running under `worker`'s lease (work done inline, resumable if it dies). */
  insertClaimed(job: NewJob, worker: string, leaseMs: number, now: Date): Promise<Job>;
  find(guid: string): Promise<Job | undefined>;
  /**
   * Takes up to `limit` due jobs for `worker` until now + leaseMs: pending ones whose time came, and
   * running ones whose lease expired (their worker died). Each job goes to one claimer only.
   */
  claimDue(
    worker: string,
    limit: number,
    leaseMs: number,
    now: Date,
    kind?: string,
  ): Promise<Job[]>;
  /** Deletes a job the worker holds (work whose failure the caller already got). */
  discard(id: number, worker: string): Promise<boolean>;
  /** Renews the lease; false when the worker no longer holds the job. */
  heartbeat(id: number, worker: string, leaseMs: number, now: Date): Promise<boolean>;
  /** Writes the outcome only while `worker` holds the job; false when the claim was lost. */
  complete(id: number, worker: string, outcome: JobOutcome, now: Date): Promise<boolean>;
  /** Running jobs whose lease ran out go back to the queue; live leases are left alone. */
  releaseExpired(now: Date): Promise<number>;
  /** Pending or running jobs of a resource, optionally of some kinds only. */
  unfinishedFor(resourceGuid: string, kinds?: readonly string[]): Promise<Job[]>;
  /**
   * Deletes finished jobs last changed before `before`, except the newest job of each resource
   * (what a resource's last operation may still point at).
   */
  prune(before: Date): Promise<number>;
  /** How many jobs of each kind are in each state (the wharf_jobs gauge). */
  countsByKindAndState(): Promise<{ kind: string; state: string; count: number }[]>;
}
