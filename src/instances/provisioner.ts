import type { Service } from '../catalog';

/**
 * The port between CC semantics (this feature) and whatever runs an instance: an external OSB
 * broker or Wharf's container engine. Everything here is in Wharf's words, not OSB's.
 */
export interface InstanceTarget {
  instanceGuid: string;
  instanceName: string;
  /** Wharf's guid of the catalog service (to find the provisioner again from a job). */
  serviceGuid: string;
  serviceUniqueId: string;
  planGuid: string;
  planUniqueId: string;
  organizationGuid: string;
  organizationName: string;
  spaceGuid: string;
  spaceName: string;
  /** The caller, forwarded as the originating identity. */
  userGuid: string | undefined;
  requestId: string | undefined;
}

export type OperationOutcome =
  | { kind: 'done'; dashboardUrl?: string | null }
  | { kind: 'in progress'; operation?: string; dashboardUrl?: string | null; description?: string };

export type PollOutcome =
  | { state: 'in progress'; description: string; retryAfterSeconds?: number }
  | { state: 'succeeded'; description: string }
  | { state: 'failed'; description: string }
  /** Only meaningful while deleting: the instance is gone (OSB 410). */
  | { state: 'gone'; description: string };

export interface Provisioner {
  provision(
    target: InstanceTarget,
    parameters: Record<string, unknown> | undefined,
    acceptsIncomplete: boolean,
  ): Promise<OperationOutcome>;
  update(
    target: InstanceTarget,
    change: {
      newPlanGuid?: string;
      newPlanUniqueId?: string;
      parameters?: Record<string, unknown>;
      maintenanceInfo?: { version: string; description?: string };
    },
    acceptsIncomplete: boolean,
  ): Promise<OperationOutcome>;
  deprovision(target: InstanceTarget, acceptsIncomplete: boolean): Promise<OperationOutcome>;
  lastOperation(
    target: InstanceTarget,
    operation: string | undefined,
    type: 'create' | 'update' | 'delete',
  ): Promise<PollOutcome>;
  /**
   * The instance's parameters as the provisioner knows them (CC asks the broker: cf-v2-api.md §4.4
   * "fetch params"). Optional: without it Wharf answers the parameters it stored.
   */
  fetchParameters?(target: InstanceTarget): Promise<Record<string, unknown>>;
  bind(
    target: InstanceTarget,
    bindingGuid: string,
    parameters: Record<string, unknown> | undefined,
  ): Promise<Record<string, unknown>>;
  unbind(target: InstanceTarget, bindingGuid: string): Promise<void>;
}

export interface ProvisionerResolver {
  /** The broker of a broker service, the container engine for a container-backed one. */
  forService(service: Service): Promise<Provisioner | undefined>;
}
