import { createHash } from 'node:crypto';
import { LABELS } from './labels';
import { toResourceLimits } from './spec/sizes';
import type { Algorithm, Protocol, ServiceSpec, VolumeMount } from './types';

/**
 * Port of HAProxy's runtime API on the LB container's own loopback: never published, so only a
 * process inside the container (Wharf, through the engine's exec) can reach it (issue 9).
 */
export const LB_ADMIN_PORT = 9999;
export const LB_CONFIG_DIR = '/usr/local/etc/haproxy';

export interface PlanContext {
  serviceId: string;
  tenant: string;
  owner: string;
  fip: string;
  hostCpus: number;
  maxReplicas: number;
  lbImage: string;
  publishHost: string;
  /** Host port ServicePort is published on: allocated once per service and kept (issue 9 §6). */
  publishPort: number;
}

export interface ReplicaTemplate {
  image: string;
  entrypoint: string[];
  cmd: string[];
  env: string[];
  workingDir: string;
  tty: boolean;
  stdin: boolean;
  stopSignal: string;
  labels: Record<string, string>;
  memoryBytes: number;
  nanoCpus: number;
  volumes: VolumeMount[];
  containerPort: number;
}

export interface PortPublish {
  hostIp: string;
  /** 0 asks Docker for an ephemeral port. */
  hostPort: number;
  containerPort: number;
}

export interface LbPlan {
  name: string;
  image: string;
  labels: Record<string, string>;
  memoryBytes: number;
  nanoCpus: number;
  publish: PortPublish[];
  servicePort: number;
  /** PEM chain + key for httpsTerm, else "". */
  tlsCert: string;
}

/** What the HAProxy renderer needs; nothing Docker-specific. */
export interface BalancerPlan {
  mode: 'http' | 'tcp';
  protocol: Protocol;
  servicePort: number;
  containerPort: number;
  algorithm: Algorithm;
  sessionAffinity: boolean;
  /** DNS name the replicas answer to on the service network (their alias). */
  replicaHost: string;
  slots: number;
  checkIntervalSeconds: number;
  fall: number;
  rise: number;
  tlsCertFile: string | undefined;
  adminPort: number;
  cookieKey: string;
}

export interface DeploymentPlan {
  serviceId: string;
  namePrefix: string;
  network: { name: string; labels: Record<string, string> };
  alias: string;
  replicas: number;
  replica: ReplicaTemplate;
  lb: LbPlan;
  balancer: BalancerPlan;
  /** Human notes for Message, e.g. a CPU clamp. */
  notes: string[];
}

export function toDeploymentPlan(spec: ServiceSpec, ctx: PlanContext): DeploymentPlan {
  const namePrefix = `wharf-${spec.name}-${ctx.serviceId.replace(/-/g, '').slice(0, 8)}`;
  const base = {
    [LABELS.managed]: 'true',
    [LABELS.owner]: ctx.owner,
    [LABELS.service]: ctx.serviceId,
    [LABELS.serviceName]: spec.name,
    [LABELS.tenant]: ctx.tenant,
  };
  const replicaLimits = toResourceLimits(spec.containerSize, ctx.hostCpus);
  const lbLimits = toResourceLimits(spec.serviceSize, ctx.hostCpus);
  const balancer = toBalancerPlan(spec, ctx);
  // ServicePort and nothing else (plus the FIP below): the runtime API stays inside the LB.
  const publish: PortPublish[] = [
    { hostIp: ctx.publishHost, hostPort: ctx.publishPort, containerPort: spec.servicePort },
  ];
  if (ctx.fip !== '') {
    publish.push({ hostIp: ctx.fip, hostPort: spec.servicePort, containerPort: spec.servicePort });
  }
  const lbLabelsWithoutHash = { ...base, [LABELS.role]: 'lb' };
  const lbHash = hashOf({ balancer, publish, image: ctx.lbImage, lbLimits, cert: spec.sslCert });
  const notes: string[] = [];
  const clamp = replicaLimits.clampedToCpus ?? lbLimits.clampedToCpus;
  if (clamp !== undefined) notes.push(`CPU limit clamped to the host's ${clamp} CPUs`);
  return {
    serviceId: ctx.serviceId,
    namePrefix,
    network: { name: namePrefix, labels: { ...base, [LABELS.role]: 'network' } },
    alias: spec.name,
    replicas: spec.replicas,
    replica: {
      image: spec.image,
      entrypoint: spec.entrypoint,
      cmd: spec.cmd,
      env: spec.env,
      workingDir: spec.workingDir,
      tty: spec.tty,
      stdin: spec.stdin,
      stopSignal: spec.stopSignal,
      // User labels first so that Wharf's own can never be overridden.
      labels: { ...spec.labels, ...base, [LABELS.role]: 'replica', [LABELS.image]: spec.image },
      memoryBytes: replicaLimits.memoryBytes,
      nanoCpus: replicaLimits.nanoCpus,
      volumes: spec.volumes,
      containerPort: spec.containerPort,
    },
    lb: {
      name: `${namePrefix}-lb`,
      image: ctx.lbImage,
      labels: { ...lbLabelsWithoutHash, [LABELS.lbHash]: lbHash },
      memoryBytes: lbLimits.memoryBytes,
      nanoCpus: lbLimits.nanoCpus,
      publish,
      servicePort: spec.servicePort,
      tlsCert: spec.protocol === 'httpsTerm' ? spec.sslCert : '',
    },
    balancer,
    notes,
  };
}

export function replicaName(plan: DeploymentPlan, suffix: string): string {
  return `${plan.namePrefix}-${suffix}`;
}

function toBalancerPlan(spec: ServiceSpec, ctx: PlanContext): BalancerPlan {
  return {
    // https is passed through untouched, so HAProxy can only see TCP (reference §6.1).
    mode: spec.protocol === 'http' || spec.protocol === 'httpsTerm' ? 'http' : 'tcp',
    protocol: spec.protocol,
    servicePort: spec.servicePort,
    containerPort: spec.containerPort,
    algorithm: spec.algorithm,
    sessionAffinity: spec.sessionAffinity,
    replicaHost: spec.name,
    // One spare slot so a rolling update can run N+1 replicas for a moment.
    slots: ctx.maxReplicas + 1,
    checkIntervalSeconds: spec.healthCheckInterval,
    fall: spec.healthCheckFall,
    rise: spec.healthCheckRise,
    tlsCertFile: spec.protocol === 'httpsTerm' ? `${LB_CONFIG_DIR}/cert.pem` : undefined,
    adminPort: LB_ADMIN_PORT,
    cookieKey: ctx.serviceId,
  };
}

function hashOf(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);
}
