import type { Logger } from 'pino';
import type { Job } from './store';
import type { JobsStore } from './store';

export type JobResult =
  | { kind: 'done' }
  | { kind: 'again'; at: Date; payload?: Record<string, unknown> }
  | { kind: 'failed'; reason: string };

export type JobHandler = (job: Job) => Promise<JobResult>;

export interface RetryPolicy {
  maxAttempts: number;
  /** Delay before attempt n+1 (n from 1). */
  delayMs(attempt: number): number;
}

/**
 * Runs persisted jobs on a timer. Handlers decide when a job runs again (polling); a handler that
 * throws is retried with its kind's back-off until its attempts run out.
 */
export class JobRunner {
  private readonly handlers = new Map<string, { handle: JobHandler; retry: RetryPolicy }>();
  private timer: NodeJS.Timeout | undefined;
  private running = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: JobsStore,
    private readonly logger: Logger,
    private readonly tickMs: number,
  ) {}

  register(kind: string, handle: JobHandler, retry: RetryPolicy): void {
    this.handlers.set(kind, { handle, retry });
  }

  async start(): Promise<void> {
    const released = await this.store.releaseRunning();
    if (released > 0)
      this.logger.info({ released }, 'resuming jobs left running by a previous process');
    this.timer = setInterval(() => {
      this.kick();
    }, this.tickMs);
    this.timer.unref();
  }

  /** Runs due jobs now (also used after enqueueing, so short operations need no timer wait). */
  kick(): void {
    if (this.running) return;
    this.running = true;
    this.idle = this.runDue()
      .catch((err: unknown) => {
        this.logger.error({ err }, 'job runner tick failed');
      })
      .finally(() => {
        this.running = false;
      });
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.idle;
  }

  private async runDue(): Promise<void> {
    for (const job of await this.store.due(new Date(), 20)) {
      if (!this.timer) return;
      if (!(await this.store.claim(job.id))) continue;
      await this.runOne(job);
    }
  }

  private async runOne(job: Job): Promise<void> {
    const handler = this.handlers.get(job.kind);
    if (!handler) {
      await this.store.finish(job.id, 'failed', `no handler for ${job.kind}`);
      return;
    }
    try {
      const result = await handler.handle(job);
      switch (result.kind) {
        case 'done':
          await this.store.finish(job.id, 'done', null);
          return;
        case 'again':
          await this.store.reschedule(job.id, result.at, job.attempts, null, result.payload);
          return;
        case 'failed':
          await this.store.finish(job.id, 'failed', result.reason);
          return;
      }
    } catch (err) {
      const attempts = job.attempts + 1;
      const reason = err instanceof Error ? err.message : String(err);
      if (attempts >= handler.retry.maxAttempts) {
        this.logger.warn({ job: job.guid, kind: job.kind, reason }, 'job failed for good');
        await this.store.finish(job.id, 'failed', reason);
        return;
      }
      await this.store.reschedule(
        job.id,
        new Date(Date.now() + handler.retry.delayMs(attempts)),
        attempts,
        reason,
      );
    }
  }
}
