import type { DeploymentPlan } from '../deployment-plan';
import type { Role } from '../labels';

/**
 * What a container engine must do for the reconciler, in Wharf's types only: Docker implements it
 * in docker/, a Swarm driver could too, and fake/ records calls for unit specs. Every method acts
 * only on objects carrying this installation's owner label.
 */
export interface ContainerDriver {
  /** Resolves when the engine answers; rejects with a DriverError('unreachable') otherwise. */
  ping(): Promise<void>;
  hostCpus(): Promise<number>;
  /**
   * Every object this installation owns, grouped by service id (including orphans), plus those of
   * older Wharfs (marked `legacy`), which the caller adopts or leaves alone.
   */
  listOwned(): Promise<ObservedService[]>;
  /** Whether the engine already holds this image (a local lookup: never contacts a registry). */
  hasImage(image: string): Promise<boolean>;
  /** Pulls the image when it is not present. */
  ensureImage(image: string): Promise<void>;
  ensureNetwork(plan: DeploymentPlan): Promise<void>;
  /** Creates and starts one replica; removes what it made if a step fails. Returns its id. */
  createReplica(plan: DeploymentPlan, name: string): Promise<string>;
  /** Creates and starts the LB with its config files; cleans up on failure. Returns its id. */
  createLb(plan: DeploymentPlan, files: readonly LbFile[]): Promise<string>;
  /** Stops (with a grace period) and removes one owned container and its anonymous volumes. */
  removeContainer(id: string, graceSeconds: number): Promise<void>;
  /** Removes the LB, the replicas (unless kept) and the network (unless replicas are kept on it). */
  removeService(serviceId: string, options: { keepReplicas: boolean }): Promise<void>;
  /** Calls back on any lifecycle event of an owned object; returns an unsubscribe function. */
  watch(listener: (event: DriverEvent) => void): () => void;
}

export type ContainerState =
  'created' | 'running' | 'restarting' | 'paused' | 'exited' | 'dead' | 'removing' | 'unknown';

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
  state: ContainerState;
  /** Address on the service network, when attached and running. */
  ip: string | undefined;
  created: number;
}

export interface ObservedLb extends ObservedContainer {
  lbHash: string;
  /** Where ServicePort is reachable on the publish host. */
  endpoint: HostPort | undefined;
  /** HAProxy's admin socket, published on 127.0.0.1. */
  admin: HostPort | undefined;
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

export interface LbFile {
  path: string;
  content: string;
  mode: number;
}

export interface DriverEvent {
  serviceId: string | undefined;
  action: string;
}

export type DriverErrorKind = 'unreachable' | 'image' | 'port' | 'conflict' | 'other';

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
