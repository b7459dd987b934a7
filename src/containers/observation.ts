import type { ObservedService } from './drivers/driver';
import type { HealthProbe } from './health';
import type { BackendHealth, BackendView, ServiceObservation } from './types';

const NOTHING: ServiceObservation = { ip: '', endpoint: '', containers: [], backends: [] };

/** What Docker and HAProxy currently show for one service: IP, Endpoint, Containers, Backends. */
export async function observeService(
  observed: ObservedService | undefined,
  health: HealthProbe,
): Promise<ServiceObservation> {
  if (observed === undefined) return NOTHING;
  const lb = observed.lb;
  const byIp = lb === undefined ? new Map<string, BackendHealth>() : await health.backends(lb);
  const backends: BackendView[] = observed.replicas.map((r) => ({
    containerId: r.id,
    state: r.state,
    // A replica HAProxy has not resolved yet is not serving: report it DOWN, not unknown.
    health: r.ip === undefined ? 'DOWN' : (byIp.get(r.ip) ?? 'DOWN'),
  }));
  return {
    ip: lb?.state === 'running' ? (lb.ip ?? '') : '',
    endpoint: lb?.endpoint === undefined ? '' : `${lb.endpoint.host}:${lb.endpoint.port}`,
    containers: observed.replicas.filter((r) => r.state === 'running').map((r) => r.id),
    backends,
  };
}
