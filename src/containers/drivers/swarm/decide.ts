import type Docker from 'dockerode';
import type { BackendHealth } from '../../types';
import type { ApplyProgress, ObservedContainer } from '../driver';

/** The parts of the engine's service listing Wharf reads. */
export type SwarmServiceInfo = Pick<
  Docker.Service,
  'ID' | 'Version' | 'Spec' | 'PreviousSpec' | 'UpdateStatus'
>;

/** What to do with one Swarm service so that it matches the desired spec. */
export type ServiceStep =
  | { kind: 'create' }
  | { kind: 'update'; version: number }
  | { kind: 'none' }
  /** Swarm rolled the desired spec back (its tasks failed): report it, do not retry the same spec. */
  | { kind: 'rolled-back'; message: string };

/**
 * Compares what Wharf wants with what Swarm has. Only the service's spec counts: tasks that Swarm
 * restarts or reschedules are its own business, so Wharf never fights them. `attempted` is the
 * projection of the last spec this process sent to the service: Swarm keeps no trace of a spec it
 * rolled back (PreviousSpec is cleared), so only the sender knows that the rollback undid it.
 */
export function decideServiceStep(
  desired: Docker.ServiceSpec,
  actual: SwarmServiceInfo | undefined,
  attempted?: string,
): ServiceStep {
  if (actual === undefined) return { kind: 'create' };
  const wanted = specProjection(desired);
  if (actual.Spec !== undefined && specProjection(actual.Spec) === wanted) return { kind: 'none' };
  const state = actual.UpdateStatus?.State ?? '';
  if (state.startsWith('rollback') && attempted === wanted) {
    return { kind: 'rolled-back', message: actual.UpdateStatus?.Message ?? 'rolled back' };
  }
  return { kind: 'update', version: actual.Version?.Index ?? 0 };
}

/**
 * The fields Wharf sets, in a canonical form: the engine stores specs with defaults filled in and
 * names resolved, so whole specs never compare equal. A digest the CLI pinned is ignored.
 */
export function specProjection(spec: Docker.ServiceSpec): string {
  const task: Docker.ContainerTaskSpec = spec.TaskTemplate ?? {};
  const c = 'ContainerSpec' in task ? (task.ContainerSpec ?? {}) : {};
  const limits = task.Resources?.Limits ?? {};
  return JSON.stringify({
    name: spec.Name ?? '',
    labels: sorted(spec.Labels),
    image: (c.Image ?? '').replace(/@sha256:[0-9a-f]+$/, ''),
    command: c.Command ?? [],
    args: c.Args ?? [],
    env: c.Env ?? [],
    dir: c.Dir ?? '',
    tty: c.TTY ?? false,
    stdin: c.OpenStdin ?? false,
    stopSignal: c.StopSignal ?? '',
    containerLabels: sorted(c.Labels),
    mounts: (c.Mounts ?? []).map((m) => [m.Target, m.ReadOnly ?? false]),
    configs: (c.Configs ?? []).map((x) => [x.ConfigName ?? '', x.File?.Name ?? '']),
    secrets: (c.Secrets ?? []).map((x) => [x.SecretName ?? '', x.File?.Name ?? '']),
    cpus: limits.NanoCPUs ?? 0,
    memory: limits.MemoryBytes ?? 0,
    reservedMemory: task.Resources?.Reservations?.MemoryBytes ?? 0,
    constraints: [...(task.Placement?.Constraints ?? [])].sort(),
    networks: (task.Networks ?? []).map((n) => [n.Target ?? '', n.Aliases ?? []]),
    replicas: spec.Mode?.Replicated?.Replicas ?? 1,
    endpointMode: spec.EndpointSpec?.Mode ?? 'vip',
    ports: (spec.EndpointSpec?.Ports ?? []).map((p) => [
      p.TargetPort ?? 0,
      p.PublishedPort ?? 0,
      p.PublishMode ?? 'ingress',
    ]),
    update: [spec.UpdateConfig?.Order ?? '', spec.UpdateConfig?.FailureAction ?? ''],
  });
}

function sorted(labels: Record<string, string> | undefined): Array<[string, string]> {
  return Object.entries(labels ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

export interface ProgressInput {
  desired: number;
  image: string;
  replicas: readonly ObservedContainer[];
  /** Task address → HAProxy's view of it. */
  health: ReadonlyMap<string, BackendHealth>;
  lbServing: boolean;
  /** Tasks Swarm wants shut down that still run (a scale down or an update in progress). */
  stopping: number;
  /** Swarm is rolling the replicas' service (a spec change other than Replicas). */
  updating: boolean;
}

/** How far the service is: rolling while Swarm replaces tasks, converged once all serve. */
export function toSwarmProgress(input: ProgressInput): ApplyProgress {
  const running = input.replicas.filter((r) => r.state === 'running');
  const isUp = (r: ObservedContainer): boolean =>
    r.ip !== undefined && input.health.get(r.ip) === 'UP';
  const current = running.filter((r) => r.image === input.image);
  const ready = Math.min(current.filter(isUp).length, input.desired);
  const old = running.filter((r) => r.image !== input.image);
  if (old.length > 0 || input.updating)
    return {
      phase: 'rolling',
      ready,
      desired: input.desired,
      previousImage: old[0]?.image ?? input.image,
    };
  if (
    input.lbServing &&
    input.stopping === 0 &&
    current.length === input.desired &&
    ready === input.desired
  )
    return { phase: 'converged' };
  return { phase: 'scaling', ready, desired: input.desired };
}
