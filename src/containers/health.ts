import { toBackendReadings } from './backend-reading';
import type { BackendReading, HealthProof } from './backend-reading';
import type { ObservedLb } from './drivers/driver';
import { BACKEND_NAME } from './haproxy/render-config';
import { parseShowStat } from './haproxy/stats';
import type { ServerStat } from './haproxy/stats';

export type { BackendReading, HealthProof } from './backend-reading';

/** Reads what the LB thinks of each replica address. Swappable so unit specs need no HAProxy. */
export interface HealthProbe {
  /**
   * Replica IP → health as Wharf counts it (UP only once proven by `proof`, issue 9); an empty
   * map when the LB cannot be asked (yet).
   */
  backends(lb: ObservedLb, proof: HealthProof): Promise<Map<string, BackendReading>>;
  /**
   * Like `backends`, and first puts back into rotation every replica slot found in MAINT or DRAIN
   * that no retire of this process holds: set by hand, or by a Wharf killed mid-drain (issues 9
   * and 16). A slot it restored counts DOWN until its checks say otherwise.
   */
  backendsRestoringStray(lb: ObservedLb, proof: HealthProof): Promise<Map<string, BackendReading>>;
  /**
   * Takes the replica at `ip` out of rotation, lets in-flight requests finish, runs `stop`, then
   * frees its server slot for future replicas. Without it HAProxy keeps sending to an address
   * that no longer exists until DNS and checks notice, and those requests hang in connect.
   */
  retire(lb: ObservedLb, ip: string, stop: () => Promise<void>): Promise<void>;
}

/**
 * HAProxy's runtime API, as the engine lets Wharf reach it. It is never published: the driver
 * reaches it from inside the LB container (docker exec), so only Wharf can use it.
 */
export interface LbRuntime {
  /** Runs one runtime API command in the LB and answers its output. */
  runtimeCommand(lb: ObservedLb, command: string): Promise<string>;
}

export class HaproxyHealthProbe implements HealthProbe {
  /**
   * Slots this process put in MAINT to retire a replica, with their purpose: `lb id/slot` → the
   * address being retired. Only these may stay in MAINT; a restart forgets them, so whatever a
   * killed Wharf left behind is restored.
   */
  private readonly retiring = new Map<string, string>();

  constructor(private readonly runtime: LbRuntime) {}

  async backends(lb: ObservedLb, proof: HealthProof): Promise<Map<string, BackendReading>> {
    if (lb.state !== 'running') return new Map();
    try {
      return toBackendReadings(await this.stats(lb), proof);
    } catch {
      // The LB starts in well under a second; until it answers, nothing counts as UP.
      return new Map();
    }
  }

  async backendsRestoringStray(
    lb: ObservedLb,
    proof: HealthProof,
  ): Promise<Map<string, BackendReading>> {
    if (lb.state !== 'running') return new Map();
    const stats = await this.stats(lb).catch(() => []);
    const health = toBackendReadings(stats, proof);
    for (const s of stats) {
      if (s.adminState === undefined || this.retiring.has(`${lb.id}/${s.server}`)) continue;
      // Failing here is not worth failing the service for: the next pass tries again.
      await this.setState(lb, s.server, 'ready').catch(() => undefined);
      health.set(s.address, { health: 'DOWN', problem: undefined });
    }
    return health;
  }

  async retire(lb: ObservedLb, ip: string, stop: () => Promise<void>): Promise<void> {
    const slot = (await this.findStat(lb, ip).catch(() => undefined))?.server;
    if (slot === undefined) {
      await stop();
      return;
    }
    const key = `${lb.id}/${slot}`;
    this.retiring.set(key, ip);
    try {
      await this.setState(lb, slot, 'maint');
      await until(async () => (await this.findStat(lb, ip))?.sessions === 0, DRAIN_MS);
      await stop();
      // Back to ready only once DNS has dropped the old address, else traffic would return to it.
      await until(async () => (await this.findStat(lb, ip)) === undefined, DNS_FORGET_MS);
      await this.setState(lb, slot, 'ready');
    } finally {
      this.retiring.delete(key);
    }
  }

  private async stats(lb: ObservedLb): Promise<ServerStat[]> {
    return parseShowStat(await this.runtime.runtimeCommand(lb, 'show stat'));
  }

  private async findStat(lb: ObservedLb, ip: string): Promise<ServerStat | undefined> {
    return (await this.stats(lb)).find((s) => s.address === ip);
  }

  private async setState(lb: ObservedLb, slot: string, state: 'maint' | 'ready'): Promise<void> {
    await this.runtime.runtimeCommand(lb, `set server ${BACKEND_NAME}/${slot} state ${state}`);
  }
}

const DRAIN_MS = 3000;
const DNS_FORGET_MS = 5000;

/** Polls `done` every 100 ms until it holds or about `ms` pass; errors count as "not yet". */
async function until(done: () => Promise<boolean>, ms: number): Promise<void> {
  for (let waited = 0; waited < ms; waited += POLL_MS) {
    if (await done().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

const POLL_MS = 100;
