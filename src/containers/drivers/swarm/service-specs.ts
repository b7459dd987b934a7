import { createHash } from 'node:crypto';
import type Docker from 'dockerode';
import type { DeploymentPlan } from '../../deployment-plan';
import { LB_CONFIG_DIR } from '../../deployment-plan';
import type { BalancerPlan } from '../../deployment-plan';
import { LABELS } from '../../labels';

/**
 * Deployment plan → Swarm objects: the only pipeline step that knows Swarm's shapes. Pure, so the
 * translation of every field is pinned by table-driven specs (spec/swarm/service-specs.spec.ts).
 */

/** Label on the LB service: the host port ServicePort is published on (its Endpoint). */
export const PUBLISH_PORT_LABEL = 'wharf.publish.port';

/** Node label an operator puts on the node that holds a FIP (`wharf.fip=<address>`). */
export const FIP_NODE_LABEL = 'wharf.fip';

export interface SwarmNames {
  /** The replicas' Swarm service; HAProxy resolves `tasks.<replicas>`. */
  replicas: string;
  lb: string;
  network: string;
}

/**
 * Swarm names are DNS labels of at most 63 characters; the service name is cut so that the LB's
 * name and its config names (`…-cfg-<hash>`) still fit, and the id keeps them unique.
 */
export function swarmNamesOf(plan: DeploymentPlan): SwarmNames {
  const id = plan.serviceId.replace(/-/g, '').slice(0, 8);
  const name = plan.alias.slice(0, 31).replace(/-+$/, '');
  const base = `wharf-${name}-${id}`;
  return { replicas: base, lb: `${base}-lb`, network: base };
}

/** What HAProxy needs on Swarm: the replicas are the tasks of one dnsrr service. */
export function swarmBalancer(plan: DeploymentPlan): BalancerPlan {
  return { ...plan.balancer, replicaHost: `tasks.${swarmNamesOf(plan).replicas}` };
}

export function toOverlayNetworkOptions(plan: DeploymentPlan): Docker.NetworkCreateOptions {
  return {
    Name: swarmNamesOf(plan).network,
    Driver: 'overlay',
    // Attachable so that a container outside Swarm (a debugging shell, a bridge) may join it.
    Attachable: true,
    CheckDuplicate: true,
    Labels: plan.network.labels,
  };
}

/** A Swarm config or secret the LB mounts: immutable, so its name carries its content's hash. */
export interface LbFileObject {
  kind: 'config' | 'secret';
  name: string;
  path: string;
  content: string;
  labels: Record<string, string>;
}

export function toLbFileObjects(plan: DeploymentPlan, haproxyConfig: string): LbFileObject[] {
  const names = swarmNamesOf(plan);
  const labels = { ...plan.network.labels, [LABELS.role]: 'lb' };
  const files: LbFileObject[] = [
    {
      kind: 'config',
      name: `${names.lb}-cfg-${hashOf(haproxyConfig)}`,
      path: `${LB_CONFIG_DIR}/haproxy.cfg`,
      content: haproxyConfig,
      labels,
    },
  ];
  const certFile = plan.balancer.tlsCertFile;
  if (certFile !== undefined) {
    // A secret, not a config: the key never shows in `docker config inspect`.
    files.push({
      kind: 'secret',
      name: `${names.lb}-crt-${hashOf(plan.lb.tlsCert)}`,
      path: certFile,
      content: plan.lb.tlsCert,
      labels,
    });
  }
  return files;
}

const SECOND_NS = 1e9;

/**
 * One step of a rolling update at a time: the new task starts before an old one stops (HAProxy's
 * retries cover the moment in between), and an update whose tasks fail is rolled back by Swarm.
 */
const REPLICA_UPDATE: Docker.UpdateConfig = {
  Parallelism: 1,
  Order: 'start-first',
  FailureAction: 'rollback',
  Monitor: 5 * SECOND_NS,
  MaxFailureRatio: 0,
};
const REPLICA_ROLLBACK: Docker.UpdateConfig = {
  Parallelism: 1,
  Order: 'start-first',
  FailureAction: 'pause',
  Monitor: 5 * SECOND_NS,
  MaxFailureRatio: 0,
};

export function toReplicaServiceSpec(
  plan: DeploymentPlan,
  networkId: string,
): Docker.CreateServiceOptions {
  const r = plan.replica;
  return {
    Name: swarmNamesOf(plan).replicas,
    Labels: r.labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: r.image,
        ...(r.entrypoint.length > 0 ? { Command: r.entrypoint } : {}),
        ...(r.cmd.length > 0 ? { Args: r.cmd } : {}),
        Env: r.env,
        ...(r.workingDir !== '' ? { Dir: r.workingDir } : {}),
        TTY: r.tty,
        OpenStdin: r.stdin,
        ...(r.stopSignal !== '' ? { StopSignal: r.stopSignal } : {}),
        StopGracePeriod: 2 * SECOND_NS,
        Labels: r.labels,
        Mounts: r.volumes.map((v) => ({
          Type: 'volume' as const,
          // No source: an anonymous volume per task, labelled so that deletes find it.
          Source: '',
          Target: v.containerPath,
          ReadOnly: v.readOnly,
          VolumeOptions: {
            NoCopy: false,
            Labels: { ...plan.network.labels, 'wharf.role': 'volume', 'wharf.volume': v.volume },
            DriverConfig: { Name: 'local', Options: {} },
          },
        })),
      },
      Resources: {
        Limits: { NanoCPUs: r.nanoCpus, MemoryBytes: r.memoryBytes },
        // Memory is reserved, so the scheduler places a replica only where it fits; CPU is a
        // limit only (shared, as on the docker engine).
        Reservations: { MemoryBytes: r.memoryBytes },
      },
      RestartPolicy: { Condition: 'any', Delay: SECOND_NS, MaxAttempts: 0 },
      Networks: [{ Target: networkId, Aliases: [plan.alias] }],
    },
    Mode: { Replicated: { Replicas: plan.replicas } },
    UpdateConfig: REPLICA_UPDATE,
    RollbackConfig: REPLICA_ROLLBACK,
    // DNS round robin: no virtual IP (Swarm's IPVS), HAProxy balances over the task addresses.
    EndpointSpec: { Mode: 'dnsrr' },
  };
}

export interface LbPlacement {
  /** The node Wharf's engine address reaches: the LB runs there unless a FIP pins it. */
  localNodeId: string;
}

/** Where the LB may run: the FIP's node, else the node whose address `WHARF_PUBLISH_HOST` is. */
export function lbConstraints(plan: DeploymentPlan, placement: LbPlacement): string[] {
  const fip = fipOf(plan);
  return fip === ''
    ? [`node.id==${placement.localNodeId}`]
    : [`node.labels.${FIP_NODE_LABEL}==${fip}`];
}

export function toLbServiceSpec(
  plan: DeploymentPlan,
  s: {
    networkId: string;
    files: ReadonlyArray<LbFileObject & { id: string }>;
    constraints: string[];
  },
): Docker.CreateServiceOptions {
  const lb = plan.lb;
  const publishPort = lb.publish[0]?.hostPort ?? 0;
  const labels = { ...lb.labels, [PUBLISH_PORT_LABEL]: String(publishPort) };
  const file = (f: LbFileObject): { Name: string; UID: string; GID: string; Mode: number } => ({
    Name: f.path,
    UID: '0',
    GID: '0',
    // Readable by the official image's unprivileged haproxy user; the task holds nothing else.
    Mode: 0o444,
  });
  return {
    Name: swarmNamesOf(plan).lb,
    Labels: labels,
    TaskTemplate: {
      ContainerSpec: {
        Image: lb.image,
        Labels: labels,
        Configs: s.files
          .filter((f) => f.kind === 'config')
          .map((f) => ({ File: file(f), ConfigID: f.id, ConfigName: f.name })),
        Secrets: s.files
          .filter((f) => f.kind === 'secret')
          .map((f) => ({ File: file(f), SecretID: f.id, SecretName: f.name })),
      },
      Resources: { Limits: { NanoCPUs: lb.nanoCpus, MemoryBytes: lb.memoryBytes } },
      RestartPolicy: { Condition: 'any', Delay: SECOND_NS, MaxAttempts: 0 },
      Placement: { Constraints: s.constraints },
      Networks: [{ Target: s.networkId }],
    },
    Mode: { Replicated: { Replicas: 1 } },
    // The host port can be bound by one task at a time: the old LB stops before the new starts.
    UpdateConfig: { Parallelism: 1, Order: 'stop-first', FailureAction: 'pause' },
    EndpointSpec: {
      Mode: 'dnsrr',
      // Host mode: bound on the node the LB runs on, no ingress routing mesh (IPVS) involved.
      // Swarm binds every address of that node; it has no per-address binding.
      Ports: dedupePorts(
        lb.publish.map((p) => ({
          Protocol: 'tcp' as const,
          TargetPort: p.containerPort,
          PublishedPort: p.hostPort,
          PublishMode: 'host' as const,
        })),
      ),
    },
  };
}

/** The FIP is the plan's second publish address (deployment-plan.ts adds it only for a FIP). */
export function fipOf(plan: DeploymentPlan): string {
  return plan.lb.publish[1]?.hostIp ?? '';
}

function dedupePorts(ports: Docker.PortConfig[]): Docker.PortConfig[] {
  const seen = new Set<number>();
  return ports.filter((p) => {
    const key = p.PublishedPort ?? 0;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function hashOf(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 10);
}
