import type { ObservedLb } from './drivers/driver';
import { readServerStats } from './haproxy/stats';
import type { BackendHealth } from './types';

/** Reads what the LB thinks of each replica address. Swappable so unit specs need no HAProxy. */
export interface HealthProbe {
  /** Replica IP → health; an empty map when the LB cannot be asked (yet). */
  backends(lb: ObservedLb): Promise<Map<string, BackendHealth>>;
  /** Stops routing new requests to `ip` before its replica is stopped (best effort). */
  drain(lb: ObservedLb, ip: string): Promise<void>;
}

export class HaproxyHealthProbe implements HealthProbe {
  async backends(lb: ObservedLb): Promise<Map<string, BackendHealth>> {
    if (lb.admin === undefined || lb.state !== 'running') return new Map();
    try {
      const stats = await readServerStats(lb.admin.host, lb.admin.port);
      return new Map(stats.map((s) => [s.address, s.health]));
    } catch {
      // The LB starts in well under a second; until it answers, nothing counts as UP.
      return new Map();
    }
  }

  drain(): Promise<void> {
    return Promise.resolve();
  }
}
