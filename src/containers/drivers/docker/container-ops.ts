import type { DeploymentPlan } from '../../deployment-plan';
import type { LbFile } from '../driver';

/**
 * The per-container operations Docker's strategy (converge.ts) is written against: the Docker
 * driver implements them on the engine, the fake driver in memory.
 */
export interface ContainerOps {
  /** Pulls the image when it is not present. */
  ensureImage(image: string): Promise<void>;
  ensureNetwork(plan: DeploymentPlan): Promise<void>;
  /** Creates and starts one replica; removes what it made if a step fails. Returns its id. */
  createReplica(plan: DeploymentPlan, name: string): Promise<string>;
  /** Creates and starts the LB with its config files; cleans up on failure. Returns its id. */
  createLb(plan: DeploymentPlan, files: readonly LbFile[]): Promise<string>;
  /** Stops (with a grace period) and removes one owned container and its anonymous volumes. */
  removeContainer(id: string, graceSeconds: number): Promise<void>;
}
