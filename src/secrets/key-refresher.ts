import type { KeyMaterialName, KeyMaterialStore } from './key-material-store';

/** Applies a freshly read value (e.g. swaps a key ring in); throws if the value is unusable. */
export type KeyApplier = (text: string) => void;

export interface KeyRefresherLog {
  warn(obj: object, msg: string): void;
}

export const ON_DEMAND_GAP_MS = 1000;

/**
 * Keeps a process's keys in step with its key material store, so `wharf rotate-key` run in any
 * process takes effect in this one without a restart: every `intervalMs`, and at once when a
 * token or a sealed value names a key this process has not loaded (`refresh()`).
 */
export class KeyRefresher {
  private readonly appliers = new Map<KeyMaterialName, KeyApplier>();
  private readonly lastSeen = new Map<KeyMaterialName, string>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight: Promise<void> | undefined;
  private lastOnDemand = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly store: KeyMaterialStore,
    private readonly intervalMs: number,
    private readonly log: KeyRefresherLog,
    /** A monotonic clock in milliseconds (specs may step it). */
    private readonly nowMs: () => number = () => performance.now(),
  ) {}

  /** `initial` is the value already applied at start (so an unchanged read applies nothing). */
  watch(name: KeyMaterialName, initial: string, apply: KeyApplier): void {
    this.appliers.set(name, apply);
    this.lastSeen.set(name, initial);
  }

  start(): void {
    this.timer ??= setInterval(() => {
      void this.refresh();
    }, this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /**
   * A re-read asked for by an unknown key id, at most once per ON_DEMAND_GAP_MS: tokens or values
   * naming made-up key ids must not turn into a database read each.
   */
  refreshOnDemand(): Promise<void> {
    const now = this.nowMs();
    if (this.inFlight === undefined && now - this.lastOnDemand < ON_DEMAND_GAP_MS)
      return Promise.resolve();
    this.lastOnDemand = now;
    return this.refresh();
  }

  /** Re-reads every watched value once (concurrent calls share the read); never throws. */
  refresh(): Promise<void> {
    this.inFlight ??= this.readAll().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  private async readAll(): Promise<void> {
    for (const [name, apply] of this.appliers) {
      try {
        const text = await this.store.read(name);
        if (text === undefined || text === this.lastSeen.get(name)) continue;
        apply(text);
        this.lastSeen.set(name, text);
      } catch (err) {
        // The database is briefly away, or a value is unusable: keep the keys we have and try
        // again next time. Only the error's kind is logged, never a value.
        this.log.warn(
          { key: name, error: err instanceof Error ? err.name : 'unknown' },
          'could not reload key material; keeping the keys loaded',
        );
      }
    }
  }
}
