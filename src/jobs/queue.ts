import type { Logger } from 'pino';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import { toJobFailure } from './job-failure';
import type { Job, JobFailure, JobOutcome, JobStore, NewJob } from './types';

export type JobResult =
  | { kind: 'succeeded' }
  /** Run again at `at` (polling), optionally with a new payload; attempts are untouched. */
  | { kind: 'again'; at: Date; payload?: Record<string, unknown> }
  | { kind: 'failed'; failure: JobFailure };

export interface JobContext {
  /** Aborted when this worker lost the job's lease: another worker may be running it now. */
  signal: AbortSignal;
}

export type JobHandler = (job: Job, context: JobContext) => Promise<JobResult>;

export interface KindOptions {
  /** A handler that throws is retried until it threw this many times. */
  maxAttempts: number;
  /** Delay before attempt n+1 (n from 1). */
  delayMs(attempt: number): number;
  /** Jobs of this kind one process runs at once (default 4): a slow kind cannot starve the others. */
  concurrency?: number;
}

export interface JobQueueSettings {
  /** Names this process in `locked_by`. */
  workerId: string;
  /** How often due jobs are looked for; 0 runs no timer (specs call `tick()`). */
  tickMs: number;
  /** How long a claim holds without a heartbeat. */
  leaseMs: number;
  /** Finished jobs older than this are pruned. */
  retentionMs: number;
}

interface Registered {
  handle: JobHandler;
  options: KindOptions;
}

interface InFlight {
  job: Job;
  lockedUntil: number;
  lost: AbortController;
  done: Promise<void>;
}

const DEFAULT_CONCURRENCY = 4;
const PRUNE_EVERY_MS = 60 * 60 * 1000;

/**
 * The persisted job queue: one surface (`enqueue`, `register`, `start`, `stop`). Each kind runs in
 * its own pool of workers; every claim carries a lease renewed by a heartbeat, and a worker that
 * lost its lease cannot write the outcome (the store checks).
 */
export class JobQueue {
  private readonly handlers = new Map<string, Registered>();
  private readonly inFlight = new Map<string, Map<number, InFlight>>();
  /** Jobs done inline by `perform`: their leases are renewed too, but they hold no pool slot. */
  private readonly inline = new Map<number, InFlight>();
  private timer: NodeJS.Timeout | undefined;
  private started = false;
  private ticking: Promise<void> | undefined;
  private tickAgain = false;
  private lastPrune = 0;

  constructor(
    private readonly store: JobStore,
    private readonly clock: Clock,
    private readonly changes: ChangeFeed,
    private readonly logger: Logger,
    private readonly settings: JobQueueSettings,
  ) {}

  register(kind: string, handle: JobHandler, options: KindOptions): void {
    this.handlers.set(kind, { handle, options });
  }

  /** Persists a job and wakes the workers, so a short job needs no timer wait. */
  async enqueue(job: NewJob): Promise<Job> {
    const stored = await this.store.insert(job, this.clock.now());
    this.publish(stored, 'created');
    this.kick();
    return stored;
  }

  /**
   * Does `work` now, in the caller, as a job: recorded as running under this worker's lease before
   * `work` starts, the lease renewed while it runs, its end written after. If the process dies
   * mid-way the lease runs out and the kind's registered handler resumes the job (issue 16).
   * Work that throws reaches the caller with its error, and the job is discarded.
   */
  async perform<T>(job: NewJob, work: (job: Job) => Promise<T>): Promise<T> {
    const { workerId, leaseMs } = this.settings;
    const stored = await this.store.insertClaimed(job, workerId, leaseMs, this.clock.now());
    this.publish(stored, 'created');
    const lost = new AbortController();
    const flight: InFlight = {
      job: stored,
      lockedUntil: stored.lockedUntil?.getTime() ?? this.clock.now().getTime(),
      lost,
      done: Promise.resolve(),
    };
    this.inline.set(stored.id, flight);
    let failed = false;
    try {
      return await work(stored);
    } catch (err) {
      failed = true;
      throw err;
    } finally {
      this.inline.delete(stored.id);
      // A failure reached the caller and the work compensated: nothing is left to resume or show.
      const written = failed
        ? await this.store.discard(stored.id, workerId)
        : await this.store.complete(stored.id, workerId, { state: 'succeeded' }, this.clock.now());
      if (!written)
        this.logger.warn(
          { job: stored.guid, kind: stored.kind },
          'job lease lost: outcome not written',
        );
      else if (failed) this.changes.publish({ topic: 'job', action: 'deleted', id: stored.guid });
      else this.publish({ ...stored, state: 'succeeded' }, 'updated');
    }
  }

  find(guid: string): Promise<Job | undefined> {
    return this.store.find(guid);
  }

  unfinishedFor(resourceGuid: string, kinds?: readonly string[]): Promise<Job[]> {
    return this.store.unfinishedFor(resourceGuid, kinds);
  }

  async start(): Promise<void> {
    // Only expired leases: a running job of another live process keeps its lease.
    const released = await this.store.releaseExpired(this.clock.now());
    if (released > 0)
      this.logger.info({ released }, 'resuming jobs whose worker stopped renewing its lease');
    this.started = true;
    if (this.settings.tickMs > 0) {
      this.timer = setInterval(() => {
        this.kick();
      }, this.settings.tickMs);
      this.timer.unref();
    }
    this.kick();
  }

  async stop(): Promise<void> {
    this.started = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.ticking;
    await this.idle();
  }

  /** Resolves when no job of this process is running. */
  async idle(): Promise<void> {
    for (;;) {
      const running = [...this.inFlight.values()].flatMap((pool) =>
        [...pool.values()].map((f) => f.done),
      );
      if (running.length === 0 && this.ticking === undefined) return;
      await Promise.all([...running, this.ticking]);
    }
  }

  /** Looks for due jobs soon; calls made while a pass runs lead to one more pass. */
  kick(): void {
    if (!this.started) return;
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    void this.tick();
  }

  /** One pass: renew leases, claim due jobs into free slots, prune now and then. */
  tick(): Promise<void> {
    if (this.ticking) return this.ticking;
    if (!this.started) return Promise.resolve();
    this.ticking = this.pass()
      .catch((err: unknown) => {
        this.logger.error({ err }, 'job queue pass failed');
      })
      .finally(() => {
        this.ticking = undefined;
        if (this.tickAgain) {
          this.tickAgain = false;
          this.kick();
        }
      });
    return this.ticking;
  }

  private async pass(): Promise<void> {
    await this.renewLeases();
    for (const [kind, registered] of this.handlers) {
      if (!this.started) return;
      const pool = this.poolOf(kind);
      const free = (registered.options.concurrency ?? DEFAULT_CONCURRENCY) - pool.size;
      if (free <= 0) continue;
      const claimed = await this.store.claimDue(
        this.settings.workerId,
        free,
        this.settings.leaseMs,
        this.clock.now(),
        kind,
      );
      for (const job of claimed) this.launch(job, registered);
    }
    await this.pruneNowAndThen();
  }

  private poolOf(kind: string): Map<number, InFlight> {
    let pool = this.inFlight.get(kind);
    if (!pool) {
      pool = new Map();
      this.inFlight.set(kind, pool);
    }
    return pool;
  }

  private async renewLeases(): Promise<void> {
    const now = this.clock.now();
    const { leaseMs, workerId } = this.settings;
    const flights = [
      ...[...this.inFlight.values()].flatMap((pool) => [...pool.values()]),
      ...this.inline.values(),
    ];
    for (const flight of flights) {
      if (flight.lost.signal.aborted || flight.lockedUntil - now.getTime() > leaseMs / 2) continue;
      if (await this.store.heartbeat(flight.job.id, workerId, leaseMs, now)) {
        flight.lockedUntil = now.getTime() + leaseMs;
      } else {
        this.logger.warn({ job: flight.job.guid, kind: flight.job.kind }, 'job lease lost');
        flight.lost.abort();
      }
    }
  }

  private launch(job: Job, registered: Registered): void {
    const pool = this.poolOf(job.kind);
    const lost = new AbortController();
    this.publish(job, 'updated');
    const flight: InFlight = {
      job,
      lockedUntil: job.lockedUntil?.getTime() ?? this.clock.now().getTime(),
      lost,
      done: Promise.resolve(),
    };
    flight.done = this.runOne(job, registered, lost.signal)
      .catch((err: unknown) => {
        this.logger.error({ err, job: job.guid }, 'job outcome could not be written');
      })
      .finally(() => {
        pool.delete(job.id);
        this.kick();
      });
    pool.set(job.id, flight);
  }

  private async runOne(job: Job, registered: Registered, signal: AbortSignal): Promise<void> {
    const outcome = await this.outcomeOf(job, registered, signal);
    const written = await this.store.complete(
      job.id,
      this.settings.workerId,
      outcome,
      this.clock.now(),
    );
    if (!written) {
      this.logger.warn({ job: job.guid, kind: job.kind }, 'job lease lost: outcome not written');
      return;
    }
    this.publish({ ...job, state: outcome.state }, 'updated');
  }

  private async outcomeOf(
    job: Job,
    registered: Registered,
    signal: AbortSignal,
  ): Promise<JobOutcome> {
    try {
      const result = await registered.handle(job, { signal });
      switch (result.kind) {
        case 'succeeded':
          return { state: 'succeeded' };
        case 'failed':
          return { state: 'failed', failure: result.failure };
        case 'again':
          return {
            state: 'pending',
            runAt: result.at,
            attempts: job.attempts,
            failure: null,
            ...(result.payload ? { payload: result.payload } : {}),
          };
      }
    } catch (err) {
      const attempts = job.attempts + 1;
      const failure = toJobFailure(err);
      if (attempts >= registered.options.maxAttempts) {
        this.logger.warn(
          { job: job.guid, kind: job.kind, reason: failure.description },
          'job failed for good',
        );
        return { state: 'failed', failure, attempts };
      }
      const delay = registered.options.delayMs(attempts);
      return {
        state: 'pending',
        runAt: new Date(this.clock.now().getTime() + delay),
        attempts,
        failure,
      };
    }
  }

  private async pruneNowAndThen(): Promise<void> {
    const now = this.clock.now().getTime();
    if (this.lastPrune !== 0 && now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = now;
    const pruned = await this.store.prune(new Date(now - this.settings.retentionMs));
    if (pruned > 0) this.logger.info({ pruned }, 'pruned finished jobs');
  }

  private publish(job: Job, action: 'created' | 'updated'): void {
    this.changes.publish({
      topic: 'job',
      action,
      id: job.guid,
      detail: { kind: job.kind, state: job.state, resource: job.resourceGuid },
    });
  }
}
