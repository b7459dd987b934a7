export class GateBusyError extends Error {}

/** Starts a timer that calls `onTimeout` after `ms`; returns what cancels it. */
export type StartTimer = (ms: number, onTimeout: () => void) => () => void;

export interface GateOptions {
  /**
   * How long a task may wait for its turn before it is refused (GateBusyError): a waiting caller
   * is answered within this time, and a flood's callers wait rather than retry in a tight loop.
   * Unbounded when omitted.
   */
  maxWaitMs?: number;
  /** How the wait limit is timed; specs pass one they fire by hand. */
  startTimer?: StartTimer;
}

interface Waiter {
  admit(): void;
  cancelTimeout(): void;
}

const realTimer: StartTimer = (ms, onTimeout) => {
  const timer = setTimeout(onTimeout, ms);
  timer.unref();
  return () => {
    clearTimeout(timer);
  };
};

/**
 * Runs at most `limit` tasks at once; up to `maxWaiting` more wait their turn (each at most
 * `maxWaitMs`), and any beyond that are refused at once (GateBusyError) rather than queued
 * without bound.
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: Waiter[] = [];
  private readonly maxWaitMs: number | undefined;
  private readonly startTimer: StartTimer;

  constructor(
    private readonly limit: number,
    private readonly maxWaiting: number,
    options: GateOptions = {},
  ) {
    this.maxWaitMs = options.maxWaitMs;
    this.startTimer = options.startTimer ?? realTimer;
  }

  /** Whether `run` would start or queue a task now rather than refuse it. */
  hasRoom(): boolean {
    return this.running < this.limit || this.waiting.length < this.maxWaiting;
  }

  /** How many tasks wait their turn now. */
  waitingCount(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.running >= this.limit) await this.waitForTurn();
    else this.running += 1;
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private waitForTurn(): Promise<void> {
    if (this.waiting.length >= this.maxWaiting)
      return Promise.reject(new GateBusyError('too many tasks waiting'));
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        admit: resolve,
        cancelTimeout: () => undefined,
      };
      if (this.maxWaitMs !== undefined)
        waiter.cancelTimeout = this.startTimer(this.maxWaitMs, () => {
          const at = this.waiting.indexOf(waiter);
          if (at < 0) return;
          this.waiting.splice(at, 1);
          reject(new GateBusyError('waited too long'));
        });
      this.waiting.push(waiter);
    });
  }

  /** Hands the slot straight to the next waiter (running stays the same), or frees it. */
  private release(): void {
    const next = this.waiting.shift();
    if (next) {
      next.cancelTimeout();
      next.admit();
    } else this.running -= 1;
  }
}
