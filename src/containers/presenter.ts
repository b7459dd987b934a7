import type { ServiceView } from './service';

export interface WireBackend {
  ContainerId: string;
  State: string;
  Health: string;
}

/** The Hyper Service object (reference §2) plus Wharf's Endpoint and Backends extensions. */
export interface WireService {
  Name: string;
  Image: string;
  Entrypoint: string[];
  Cmd: string[];
  Env: string[];
  WorkingDir: string;
  Volumes: Record<string, Record<string, never>>;
  Labels: Record<string, string>;
  Tty: boolean;
  Stdin: boolean;
  NetMode: string;
  StopSignal: string;
  SecurityGroups: Record<string, Record<string, never>>;
  ServicePort: number;
  ContainerPort: number;
  ContainerSize: string;
  ServiceSize: string;
  Replicas: number;
  Protocol: string;
  SSLCert: string;
  HealthCheckInterval: number;
  HealthCheckFall: number;
  HealthCheckRise: number;
  Algorithm: string;
  SessionAffinity: boolean;
  IP: string;
  FIP: string;
  Tenant: string;
  Message: string;
  Created: string;
  Status: string;
  Containers: string[];
  Endpoint: string;
  Backends: WireBackend[];
}

/**
 * The only place that decides what a client sees: SSLCert (a private key) is never echoed, and
 * secret Env values are redacted.
 */
export function presentService(view: ServiceView): WireService {
  const { record: r, observation: o } = view;
  const s = r.spec;
  return {
    Name: s.name,
    Image: s.image,
    Entrypoint: s.entrypoint,
    Cmd: s.cmd,
    Env: s.env.map((entry) => redactSecret(entry, s.secretEnv)),
    WorkingDir: s.workingDir,
    Volumes: toSet(
      s.volumes.map((v) => `${v.volume}:${v.containerPath}${v.readOnly ? ':ro' : ''}`),
    ),
    Labels: s.labels,
    Tty: s.tty,
    Stdin: s.stdin,
    NetMode: s.netMode,
    StopSignal: s.stopSignal,
    SecurityGroups: toSet(s.securityGroups),
    ServicePort: s.servicePort,
    ContainerPort: s.containerPort,
    ContainerSize: s.containerSize,
    ServiceSize: s.serviceSize,
    Replicas: s.replicas,
    Protocol: s.protocol,
    SSLCert: '',
    HealthCheckInterval: s.healthCheckInterval,
    HealthCheckFall: s.healthCheckFall,
    HealthCheckRise: s.healthCheckRise,
    Algorithm: s.algorithm,
    SessionAffinity: s.sessionAffinity,
    IP: o.ip,
    FIP: r.fip,
    Tenant: r.tenant,
    Message: r.message,
    Created: r.created,
    Status: r.status,
    Containers: o.containers,
    Endpoint: o.endpoint,
    Backends: o.backends.map((b) => ({
      ContainerId: b.containerId,
      State: b.state,
      Health: b.health,
    })),
  };
}

/** `KEY=value` → `KEY=[redacted]` when KEY holds a secret (issue 9 item 4). */
function redactSecret(entry: string, secretKeys: readonly string[]): string {
  const key = entry.slice(0, entry.indexOf('='));
  return secretKeys.includes(key) ? `${key}=[redacted]` : entry;
}

/** Hyper encodes sets as objects whose keys are the members. */
function toSet(members: readonly string[]): Record<string, Record<string, never>> {
  return Object.fromEntries(members.map((m) => [m, {}]));
}
