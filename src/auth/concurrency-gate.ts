import { performance } from 'node:perf_hooks';

export class GateBusyError extends Error {}

export interface GateOptions {
  /**
   * After a task, its slot rests for `restRatio` times the task's duration before the next task
   * may use it: 1 keeps a busy slot at most half of the time at work (a duty cycle), so CPU-bound
   * tasks leave CPU for everything else.
   */
  restRatio?: number;
  /** Milliseconds from a monotonic source; specs pass their own. */
  now?: () => number;
  /** How a rest is waited out; specs pass an immediate or recorded one. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Runs at most `limit` tasks at once; up to `maxWaiting` more wait their turn, and any beyond
 * that are refused at once (GateBusyError) rather than queued without bound.
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  private readonly restRatio: number;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
    options: GateOptions = {},
  ) {
    this.restRatio = options.restRatio ?? 0;
    this.now = options.now ?? (() => performance.now());
    this.sleep =
      options.sleep ??
      ((ms) =>
        new Promise((resolve) => {
          setTimeout(resolve, ms);
        }));
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.maxWaiting) throw new GateBusyError('too many tasks waiting');
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running += 1;
    }
    const started = this.now();
    try {
      return await task();
    } finally {
      const rest = (this.now() - started) * this.restRatio;
      if (rest > 0)
        void this.sleep(rest).then(() => {
          this.release();
        });
      else this.release();
    }
  }

  /** Hands the slot straight to the next waiter (running stays the same), or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running -= 1;
  }
}
