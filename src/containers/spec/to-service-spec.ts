import type { ServiceSpec, VolumeMount } from '../types';
import { checkPemBundle } from './pem';
import type { CreateServiceBody } from './service-schema';
import { createServiceBodySchema, describeIssues } from './service-schema';

export type SpecResult = { ok: true; spec: ServiceSpec } | { ok: false; message: string };

export interface SpecLimits {
  maxReplicas: number;
}

/** Defaults where Hyper left the API default open (reference §9): chosen once, documented in README. */
export const SPEC_DEFAULTS = {
  size: 's4',
  replicas: 1,
  protocol: 'tcp',
  healthCheckInterval: 5,
  healthCheckFall: 3,
  healthCheckRise: 2,
  algorithm: 'roundrobin',
  stopSignal: 'SIGTERM',
  netMode: 'bridge',
} as const;

const ENV_ENTRY = /^[A-Za-z_][A-Za-z0-9_.-]*=/;
const VOLUME_ENTRY = /^([A-Za-z0-9][A-Za-z0-9_.-]*):(\/[^:]*)(:ro|:rw)?$/;

/** Create body → desired spec with defaults applied, or a message naming every bad field. */
export function toServiceSpec(body: unknown, limits: SpecLimits): SpecResult {
  const parsed = createServiceBodySchema.safeParse(body);
  if (!parsed.success) return { ok: false, message: describeIssues(parsed.error) };
  const b = parsed.data;
  const problems = crossCheck(b, limits);
  const volumes = toVolumes(b.Volumes, problems);
  if (problems.length > 0) return { ok: false, message: problems.join('; ') };
  return {
    ok: true,
    spec: {
      name: b.Name,
      image: b.Image,
      entrypoint: b.Entrypoint ?? [],
      cmd: b.Cmd ?? [],
      env: b.Env ?? [],
      secretEnv: b.SecretEnv ?? [],
      workingDir: b.WorkingDir ?? '',
      volumes,
      labels: b.Labels ?? {},
      tty: b.Tty ?? false,
      stdin: b.Stdin ?? false,
      netMode: SPEC_DEFAULTS.netMode,
      stopSignal: b.StopSignal || SPEC_DEFAULTS.stopSignal,
      securityGroups: setMembers(b.SecurityGroups),
      servicePort: b.ServicePort,
      containerPort: b.ContainerPort ?? b.ServicePort,
      containerSize: b.ContainerSize ?? SPEC_DEFAULTS.size,
      serviceSize: b.ServiceSize ?? SPEC_DEFAULTS.size,
      replicas: b.Replicas ?? SPEC_DEFAULTS.replicas,
      protocol: b.Protocol ?? SPEC_DEFAULTS.protocol,
      sslCert: b.SSLCert ?? '',
      healthCheckInterval: b.HealthCheckInterval ?? SPEC_DEFAULTS.healthCheckInterval,
      healthCheckFall: b.HealthCheckFall ?? SPEC_DEFAULTS.healthCheckFall,
      healthCheckRise: b.HealthCheckRise ?? SPEC_DEFAULTS.healthCheckRise,
      algorithm: b.Algorithm ?? SPEC_DEFAULTS.algorithm,
      sessionAffinity: b.SessionAffinity ?? false,
    },
  };
}

/** Rules that span fields or depend on configuration, collected so the client sees them all. */
function crossCheck(b: CreateServiceBody, limits: SpecLimits): string[] {
  const problems: string[] = [];
  const replicas = b.Replicas ?? SPEC_DEFAULTS.replicas;
  if (replicas > limits.maxReplicas) {
    problems.push(`Replicas must be between 1 and ${limits.maxReplicas}`);
  }
  for (const entry of b.Env ?? []) {
    if (!ENV_ENTRY.test(entry)) problems.push(`Env: "${entry}" is not KEY=value`);
  }
  const envKeys = new Set((b.Env ?? []).map((e) => e.slice(0, e.indexOf('='))));
  for (const key of b.SecretEnv ?? []) {
    if (!envKeys.has(key)) problems.push(`SecretEnv: "${key}" is not a key of Env`);
  }
  if (b.Protocol === 'httpsTerm') {
    const pemProblem = b.SSLCert ? checkPemBundle(b.SSLCert) : 'is required for httpsTerm';
    if (pemProblem !== undefined) problems.push(`SSLCert ${pemProblem}`);
  } else if (b.SSLCert) {
    problems.push('SSLCert is only allowed with Protocol httpsTerm');
  }
  for (const key of Object.keys(b.Labels ?? {})) {
    // Wharf's own labels identify what it owns; a user label must not impersonate them.
    if (key.startsWith('wharf.')) problems.push(`Labels: "${key}" uses the reserved prefix wharf.`);
  }
  return problems;
}

function setMembers(set: CreateServiceBody['SecurityGroups']): string[] {
  if (set === null || set === undefined) return [];
  return Array.isArray(set) ? [...set] : Object.keys(set);
}

function toVolumes(set: CreateServiceBody['Volumes'], problems: string[]): VolumeMount[] {
  const mounts: VolumeMount[] = [];
  for (const entry of setMembers(set)) {
    const m = VOLUME_ENTRY.exec(entry);
    if (m === null || m[1] === undefined || m[2] === undefined) {
      problems.push(`Volumes: "${entry}" is not <volume>:<container_path>[:ro]`);
      continue;
    }
    mounts.push({ volume: m[1], containerPath: m[2], readOnly: m[3] === ':ro' });
  }
  return mounts;
}
