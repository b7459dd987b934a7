import type { ObservedLb } from './drivers/driver';
import { BACKEND_NAME } from './haproxy/render-config';
import { adminCommand, readServerStats } from './haproxy/stats';
import type { ServerStat } from './haproxy/stats';
import type { BackendHealth } from './types';

/** Reads what the LB thinks of each replica address. Swappable so unit specs need no HAProxy. */
export interface HealthProbe {
  /** Replica IP → health; an empty map when the LB cannot be asked (yet). */
  backends(lb: ObservedLb): Promise<Map<string, BackendHealth>>;
  /**
   * Takes the replica at `ip` out of rotation, lets in-flight requests finish, runs `stop`, then
   * frees its server slot for future replicas. Without it HAProxy keeps sending to an address
   * that no longer exists until DNS and checks notice, and those requests hang in connect.
   */
  retire(lb: ObservedLb, ip: string, stop: () => Promise<void>): Promise<void>;
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

  async retire(lb: ObservedLb, ip: string, stop: () => Promise<void>): Promise<void> {
    const admin = lb.admin;
    const slot = admin === undefined ? undefined : await findSlot(admin.host, admin.port, ip);
    if (admin === undefined || slot === undefined) {
      await stop();
      return;
    }
    const command = (c: string): Promise<string> => adminCommand(admin.host, admin.port, c);
    await command(`set server ${BACKEND_NAME}/${slot} state maint`);
    await until(async () => (await findStat(admin.host, admin.port, ip))?.sessions === 0, DRAIN_MS);
    await stop();
    // Back to ready only once DNS has dropped the old address, else traffic would return to it.
    await until(
      async () => (await findStat(admin.host, admin.port, ip)) === undefined,
      DNS_FORGET_MS,
    );
    await command(`set server ${BACKEND_NAME}/${slot} state ready`);
  }
}

const DRAIN_MS = 3000;
const DNS_FORGET_MS = 5000;

async function findStat(host: string, port: number, ip: string): Promise<ServerStat | undefined> {
  return (await readServerStats(host, port)).find((s) => s.address === ip);
}

async function findSlot(host: string, port: number, ip: string): Promise<string | undefined> {
  return (await findStat(host, port, ip).catch(() => undefined))?.server;
}

/** Polls `done` every 100 ms until it holds or `ms` pass; errors count as "not yet". */
async function until(done: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await done().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
