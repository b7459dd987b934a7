import type { DeploymentPlan } from '../deployment-plan';
import type { Role } from '../labels';
import type { HealthProbe } from '../health';
import type { ReplicaState } from '../types';

/**
 * What a container engine must do for the reconciler, in Wharf's types only. The reconciler decides
 * *what* (a deployment plan per service, which services are orphans); the driver decides *how*:
 * Docker converges container by container (docker/converge.ts), a Swarm driver would update
 * services, and fake/ runs the Docker strategy in memory for unit specs. Every method acts only on
 * objects carrying this installation's owner label (or, for services the caller knows, the legacy
 * one).
 */
export interface ContainerDriver {
  /** Resolves when the engine answers; rejects with a DriverError('unreachable') otherwise. */
  ping(): Promise<void>;
  /** What the engine can give one replica; sizes are clamped to it. */
  capacity(): Promise<EngineCapacity>;
  /**
   * Every object this installation owns, grouped by service id (including orphans), plus those of
   * older Wharfs (marked `legacy`), which the caller adopts or leaves alone.
   */
  listOwned(): Promise<ObservedService[]>;
  /** Whether the engine already holds this image (a local lookup: never contacts a registry). */
  hasImage(image: string): Promise<boolean>;
  /**
   * One step towards `plan` from what `observed` shows (the caller's listOwned of this pass).
   * Never waits for slow things (a replica becoming UP): does what can be done now and says how
   * far the service is; the caller applies again until it is converged.
   */
  apply(plan: DeploymentPlan, observed: ObservedService | undefined): Promise<ApplyProgress>;
  /** Removes the LB, the replicas (unless kept) and the network (unless replicas are kept on it). */
  remove(serviceId: string, options: { keepReplicas: boolean }): Promise<void>;
  /** Calls back on any lifecycle event of an owned object; returns an unsubscribe function. */
  watch(listener: (event: DriverEvent) => void): () => void;
  /** The load balancer's view of the replicas, read the way this engine lets Wharf reach it. */
  readonly health: HealthProbe;
  /**
   * Whether the engine can publish on this FIP address. Engines on many hosts (Swarm) answer
   * from their nodes; without the method every address of WHARF_FIP_POOL is taken as held.
   */
  holdsFip?(address: string): Promise<boolean>;
}

export interface EngineCapacity {
  /** CPUs of the host a replica runs on (the smallest node's, on a cluster). */
  cpus: number;
}

/** How far one apply got; the reconciler turns it into Status and Message. */
export type ApplyProgress =
  | { phase: 'converged' }
  /** Creating, replacing or removing replicas: `ready` of `desired` serve. */
  | ({ phase: 'scaling'; ready: number; desired: number } & Trouble)
  /** Replacing replicas of another image one at a time: `ready` of `desired` run the new one. */
  | ({
      phase: 'rolling';
      ready: number;
      desired: number;
      /** The image the replicas being replaced run: where a failed update rolls back to. */
      previousImage: string;
    } & Trouble);

/** Why replicas of the desired image are not serving, as far as this step could see. */
export interface Trouble {
  /** The cause in a user's words ("replica exited with code 1", "no answer on port 81"). */
  problem?: string;
  /** Replicas of the desired image this step found exited or dead (and replaced). */
  exitedReplicaIds?: string[];
}

export interface HostPort {
  host: string;
  port: number;
}

export interface ObservedContainer {
  id: string;
  name: string;
  role: Role;
  serviceId: string;
  /** The image Wharf asked for (label), not the engine's resolved id. */
  image: string;
  state: ReplicaState;
  /** Address on the service network, when attached and running. */
  ip: string | undefined;
  created: number;
  /** The process's exit code, once it has exited (when the engine says). */
  exitCode?: number;
}

export interface ObservedLb extends ObservedContainer {
  lbHash: string;
  /** Where ServicePort is reachable on the publish host. */
  endpoint: HostPort | undefined;
}

export interface ObservedService {
  serviceId: string;
  networkIds: string[];
  lb: ObservedLb | undefined;
  /** Extra LB containers (a crash between create and cleanup) to be removed. */
  strayLbs: ObservedLb[];
  replicas: ObservedContainer[];
  volumeNames: string[];
  /**
   * Some object carries the owner label of an older Wharf (`wharf.owner=wharf`): adopted when this
   * installation's database knows the service, never swept when it does not.
   */
  legacy: boolean;
}

/** A service seen for the first time while grouping an engine's objects: nothing found yet. */
export function emptyObservedService(serviceId: string): ObservedService {
  return {
    serviceId,
    networkIds: [],
    lb: undefined,
    strayLbs: [],
    replicas: [],
    volumeNames: [],
    legacy: false,
  };
}

export interface LbFile {
  path: string;
  content: string;
  mode: number;
}

export interface DriverEvent {
  serviceId: string | undefined;
  action: string;
}

export type DriverErrorKind =
  | 'unreachable'
  | 'image'
  | 'port'
  | 'conflict'
  /** Replicas never became healthy (raised by the reconciler, not by an engine). */
  | 'unhealthy'
  | 'other';

/** Engine failures translated where they are caught, with a message fit for a service's Message. */
export class DriverError extends Error {
  constructor(
    readonly kind: DriverErrorKind,
    message: string,
  ) {
    super(message);
    this.name = 'DriverError';
  }
}
