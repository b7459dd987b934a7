/** Domain types of the container-service provisioner, in Wharf's words (wire names live in spec/). */

export const SIZES = ['s1', 's2', 's3', 's4', 'm1', 'm2', 'm3', 'l1', 'l2', 'l3'] as const;
export type Size = (typeof SIZES)[number];

export const PROTOCOLS = ['http', 'https', 'tcp', 'httpsTerm'] as const;
export type Protocol = (typeof PROTOCOLS)[number];

export const ALGORITHMS = ['roundrobin', 'leastconn', 'source'] as const;
export type Algorithm = (typeof ALGORITHMS)[number];

export type ServiceStatus = 'created' | 'updating' | 'active' | 'failed';

export interface VolumeMount {
  volume: string;
  containerPath: string;
  readOnly: boolean;
}

/** The desired state of one service, defaults applied. Everything but replicas/image/fip is fixed. */
export interface ServiceSpec {
  name: string;
  image: string;
  entrypoint: string[];
  cmd: string[];
  env: string[];
  /** Keys of Env whose values are secrets (rendered from `${secret:…}`): shown as [redacted]. */
  secretEnv: string[];
  workingDir: string;
  volumes: VolumeMount[];
  labels: Record<string, string>;
  tty: boolean;
  stdin: boolean;
  netMode: string;
  stopSignal: string;
  securityGroups: string[];
  servicePort: number;
  containerPort: number;
  containerSize: Size;
  serviceSize: Size;
  replicas: number;
  protocol: Protocol;
  /** PEM chain + key; only for httpsTerm. Never presented back to a client. */
  sslCert: string;
  healthCheckInterval: number;
  healthCheckFall: number;
  healthCheckRise: number;
  algorithm: Algorithm;
  sessionAffinity: boolean;
}

/** A service as stored: its desired spec plus what Wharf last reported about it. */
export interface ServiceRecord {
  id: string;
  tenant: string;
  spec: ServiceSpec;
  fip: string;
  status: ServiceStatus;
  message: string;
  /** RFC 3339 with fraction, UTC. */
  created: string;
  updated: string;
}

export type BackendHealth = 'UP' | 'DOWN' | 'MAINT' | 'UNKNOWN';

/**
 * A replica's (or LB's) lifecycle in Wharf's words; each driver maps its engine's states onto it
 * (Docker's container states map one to one; Swarm task states would map new…starting → created,
 * complete/shutdown → exited, failed/rejected/orphaned → dead). Shown as a backend's State.
 */
export const REPLICA_STATES = [
  'created',
  'running',
  'restarting',
  'paused',
  'exited',
  'dead',
  'removing',
  'unknown',
] as const;
export type ReplicaState = (typeof REPLICA_STATES)[number];

export interface BackendView {
  containerId: string;
  state: ReplicaState;
  health: BackendHealth;
}

/** What the API shows beyond the record: read from Docker and HAProxy. */
export interface ServiceObservation {
  ip: string;
  endpoint: string;
  containers: string[];
  backends: BackendView[];
}
