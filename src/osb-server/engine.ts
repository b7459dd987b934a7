import type { ContainerRef, Endpoint } from './types';

/** What the container engine says about one container service, in OSB's operation states. */
export type EngineProgress =
  | { state: 'in progress'; description: string }
  | { state: 'succeeded'; description: string }
  | { state: 'failed'; description: string }
  /** No such container service (removed, or never made). */
  | { state: 'gone' };

/** An expected refusal: the body is invalid, or the name is taken. */
export type EngineOutcome =
  { ok: true } | { ok: false; reason: 'invalid' | 'conflict'; message: string };

/** The replicas and image a container service is converging to: what an update may move. */
export interface InPlaceSettings {
  replicas: number;
  image: string;
}

/**
 * The broker's port to whatever runs container services (Wharf's container engine in production,
 * anything in unit specs). It speaks in container refs and Hyper create bodies, never in OSB.
 */
export interface ContainerEngine {
  /** Stores the desired service; the engine builds it in the background. */
  create(ref: ContainerRef, body: Record<string, unknown>): Promise<EngineOutcome>;
  /** Scales or rolls to a new image in place (the only changes Hyper allows after create). */
  update(ref: ContainerRef, change: Partial<InPlaceSettings>): Promise<EngineOutcome>;
  /** Removes the service and its containers; a missing one counts as removed. */
  remove(ref: ContainerRef): Promise<void>;
  progress(ref: ContainerRef): Promise<EngineProgress>;
  settings(ref: ContainerRef): Promise<InPlaceSettings | undefined>;
  /** The published address, once the load balancer runs. */
  endpoint(ref: ContainerRef): Promise<Endpoint | undefined>;
}
