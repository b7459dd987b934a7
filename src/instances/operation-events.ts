import type { InstanceTarget } from './provisioner';
import type { OperationType } from './types';

export interface OperationEvents {
  /** Polls the provisioner's last operation in the background until it ends. */
  pollLater(instanceGuid: string, type: OperationType): Promise<void>;
  /** Starts orphan mitigation when the failure leaves the broker's state unknown (osb-api.md §9). */
  provisionFailed(target: InstanceTarget, err: unknown): Promise<void>;
  /** The same for a key's bind: the broker may hold a binding Wharf never recorded. */
  bindFailed(target: InstanceTarget, bindingGuid: string, err: unknown): Promise<void>;
}
