import { oldEnough } from './backend-reading';
import type { ObservedService } from './drivers/driver';
import type { BackendReading, HealthProbe, HealthProof } from './health';
import type { BackendView, ServiceObservation, ServiceSpec } from './types';

const NOTHING: ServiceObservation = { ip: '', endpoint: '', containers: [], backends: [] };

/** What Docker and HAProxy currently show for one service: IP, Endpoint, Containers, Backends. */
export async function observeService(
  observed: ObservedService | undefined,
  health: HealthProbe,
  spec: ServiceSpec,
  now: Date,
): Promise<ServiceObservation> {
  if (observed === undefined) return NOTHING;
  const lb = observed.lb;
  const proof = healthProofOf(spec);
  const byIp =
    lb === undefined ? new Map<string, BackendReading>() : await health.backends(lb, proof);
  const backends: BackendView[] = observed.replicas.map((r) => ({
    containerId: r.id,
    state: r.state,
    // A replica HAProxy has not resolved yet is not serving: report it DOWN, not unknown.
    health:
      r.ip !== undefined && oldEnough(r.created, now, proof)
        ? (byIp.get(r.ip)?.health ?? 'DOWN')
        : 'DOWN',
  }));
  return {
    ip: lb?.state === 'running' ? (lb.ip ?? '') : '',
    endpoint: lb?.endpoint === undefined ? '' : `${lb.endpoint.host}:${lb.endpoint.port}`,
    containers: observed.replicas.filter((r) => r.state === 'running').map((r) => r.id),
    backends,
  };
}

/** What a replica of this service must pass before it counts as healthy. */
export function healthProofOf(spec: ServiceSpec): HealthProof {
  return {
    rise: spec.healthCheckRise,
    intervalSeconds: spec.healthCheckInterval,
    port: spec.containerPort,
  };
}
