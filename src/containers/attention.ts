import type { ServiceView } from './service';

/** Why a container service needs an operator's look. */
export interface ContainerAttention {
  /** `failed` as the reconciler recorded it; `degraded` when active with replicas not UP. */
  problem: 'failed' | 'degraded';
  /** Replicas the load balancer reports UP, and how many the spec wants. */
  up: number;
  want: number;
}

/**
 * The containers module's "needs attention" rule, shared by the dashboard and metrics: a failed
 * service, or an active one with fewer replicas UP than its spec wants. A service still being
 * created or updated is the reconciler's business, not yet a problem. Undefined when fine.
 */
export function containerAttention(view: ServiceView): ContainerAttention | undefined {
  const up = view.observation.backends.filter((b) => b.health === 'UP').length;
  const want = view.record.spec.replicas;
  switch (view.record.status) {
    case 'failed':
      return { problem: 'failed', up, want };
    case 'active':
      return up < want ? { problem: 'degraded', up, want } : undefined;
    case 'created':
    case 'updating':
      return undefined;
  }
}
