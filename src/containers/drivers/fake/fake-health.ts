import type { ObservedLb } from '../driver';
import type { HealthProbe } from '../../health';
import type { BackendHealth } from '../../types';
import type { FakeDriver } from './fake-driver';

/** Reports every running replica of the fake engine UP, unless a spec marks its address down. */
export class FakeHealthProbe implements HealthProbe {
  constructor(private readonly driver: FakeDriver) {}

  /** Addresses to report DOWN; the driver's, so every probe of one fake engine agrees. */
  get down(): Set<string> {
    return this.driver.down;
  }

  get retired(): string[] {
    return this.driver.retired;
  }

  backends(lb: ObservedLb): Promise<Map<string, BackendHealth>> {
    const health = new Map<string, BackendHealth>();
    for (const c of this.driver.all()) {
      if (c.serviceId !== lb.serviceId || c.role !== 'replica' || c.ip === undefined) continue;
      health.set(c.ip, c.state === 'running' && !this.down.has(c.ip) ? 'UP' : 'DOWN');
    }
    return Promise.resolve(health);
  }

  /** The fake LB has no runtime API state of its own to restore. */
  backendsRestoringStray(lb: ObservedLb): Promise<Map<string, BackendHealth>> {
    return this.backends(lb);
  }

  async retire(_lb: ObservedLb, ip: string, stop: () => Promise<void>): Promise<void> {
    this.retired.push(ip);
    await stop();
  }
}
