import type { Logger } from 'pino';
import type { Clock } from '../clock';
import type { BrokersService } from './service';
import type { BrokersStore } from './store';

export interface ResyncScheduleSettings {
  /** Seconds between two re-syncs of every broker; 0 turns the schedule off. */
  intervalSeconds: number;
  /** This process, as recorded on the slots it claims. */
  workerId: string;
  /** How often to look whether a new period began (never more than the interval). */
  checkEveryMs?: number;
}

const SLOT_NAME = 'broker-resync';

/**
 * Every `intervalSeconds`, one process of the installation re-fetches and syncs every broker's
 * catalog: each period is a numbered slot, and only the process whose claim of the slot lands first
 * runs it, so any number of processes on one database sync each broker once per period. A broker
 * that fails is recorded as failed (and shown); the others still sync.
 */
export class BrokerResyncSchedule {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly brokers: BrokersService,
    private readonly store: BrokersStore,
    private readonly clock: Clock,
    private readonly logger: Logger,
    private readonly settings: ResyncScheduleSettings,
  ) {}

  start(): void {
    if (this.settings.intervalSeconds <= 0 || this.timer !== undefined) return;
    const every = Math.min(
      this.settings.checkEveryMs ?? 30_000,
      this.settings.intervalSeconds * 1000,
    );
    this.timer = setInterval(() => {
      this.running = this.running.then(async () => {
        await this.tick();
      });
    }, every);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** One look: runs this period's re-sync when this process is the one that claims it. */
  async tick(): Promise<{ ran: boolean; synced: number; failed: number }> {
    const now = this.clock.now();
    const slot = Math.floor(now.getTime() / (this.settings.intervalSeconds * 1000));
    try {
      if (!(await this.store.claimSlot(SLOT_NAME, slot, this.settings.workerId, now)))
        return { ran: false, synced: 0, failed: 0 };
      let synced = 0;
      let failed = 0;
      for (const broker of await this.brokers.all()) {
        try {
          await this.brokers.sync(broker.guid, {});
          synced += 1;
        } catch (err) {
          failed += 1;
          this.logger.warn(
            { broker: broker.name, reason: err instanceof Error ? err.message : 'unknown' },
            'scheduled broker re-sync failed',
          );
        }
      }
      return { ran: true, synced, failed };
    } catch (err) {
      this.logger.error({ err }, 'broker re-sync schedule failed');
      return { ran: false, synced: 0, failed: 0 };
    }
  }
}
