import type { ObservedLb } from '../driver';
import type { BackendReading, HealthProbe } from '../../health';
import type { FakeDriver } from './fake-driver';

/**
 * Reports every running replica of the fake engine UP (proven), unless a spec marks its address
 * down, optionally with the cause the fake checks found (`problems`).
 */
export class FakeHealthProbe implements HealthProbe {
  constructor(private readonly driver: FakeDriver) {}

  /** Addresses to report DOWN; the driver's, so every probe of one fake engine agrees. */
  get down(): Set<string> {
    return this.driver.down;
  }

  get retired(): string[] {
    return this.driver.retired;
  }

  backends(lb: ObservedLb): Promise<Map<string, BackendReading>> {
    const health = new Map<string, BackendReading>();
    for (const c of this.driver.all()) {
      if (c.serviceId !== lb.serviceId || c.role !== 'replica' || c.ip === undefined) continue;
      const up =
        c.state === 'running' && !this.down.has(c.ip) && !this.driver.unhealthyImages.has(c.image);
      health.set(
        c.ip,
        up
          ? { health: 'UP', problem: undefined }
          : { health: 'DOWN', problem: this.driver.checkProblem },
      );
    }
    return Promise.resolve(health);
  }

  /** The fake LB has no runtime API state of its own to restore. */
  backendsRestoringStray(lb: ObservedLb): Promise<Map<string, BackendReading>> {
    return this.backends(lb);
  }

  async retire(_lb: ObservedLb, ip: string, stop: () => Promise<void>): Promise<void> {
    this.retired.push(ip);
    await stop();
  }
}
