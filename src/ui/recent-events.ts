import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';

const PER_SERVICE = 20;
const MAX_SERVICES = 1000;

/**
 * The last status reports of each container service, as the reconciler published them, for the
 * detail page's "recent events". Kept in memory by this process (the page says so): a restart
 * starts an empty history, which is fine for a view of what is happening now.
 */
export class RecentEvents {
  private readonly byService = new Map<string, { at: string; text: string }[]>();

  constructor(
    changes: ChangeFeed,
    private readonly clock: Clock,
  ) {
    changes.subscribe((change) => {
      if (change.topic !== 'container_service') return;
      const status = change.detail?.['status'];
      const message = change.detail?.['message'];
      const text = [status, message].filter((v) => typeof v === 'string' && v !== '').join(': ');
      this.record(change.id, text === '' ? change.action : text);
    });
  }

  of(serviceId: string): { at: string; text: string }[] {
    return [...(this.byService.get(serviceId) ?? [])].reverse();
  }

  private record(serviceId: string, text: string): void {
    const list = this.byService.get(serviceId) ?? [];
    const last = list[list.length - 1];
    if (last?.text === text) return;
    list.push({
      at: this.clock
        .now()
        .toISOString()
        .replace(/\.\d{3}Z$/, 'Z'),
      text,
    });
    if (list.length > PER_SERVICE) list.shift();
    this.byService.delete(serviceId);
    this.byService.set(serviceId, list);
    // Oldest-touched services fall out first (a Map iterates in insertion order).
    if (this.byService.size > MAX_SERVICES) {
      const oldest = this.byService.keys().next().value;
      if (oldest !== undefined) this.byService.delete(oldest);
    }
  }
}
