import type { Timestamped } from '../http/envelope';

export type OperationType = 'create' | 'update' | 'delete';
export type OperationState = 'in progress' | 'succeeded' | 'failed';

export interface LastOperation {
  type: OperationType;
  state: OperationState;
  description: string;
  createdAt: string;
  updatedAt: string;
}

export interface ServiceInstance extends Timestamped {
  id: number;
  name: string;
  spaceId: number;
  spaceGuid: string;
  organizationGuid: string;
  servicePlanId: number;
  servicePlanGuid: string;
  serviceGuid: string;
  dashboardUrl: string | null;
  tags: string[];
  maintenanceInfo: Record<string, unknown> | null;
  lastOperation: LastOperation | null;
  brokerOperation: string | null;
  proposedServicePlanId: number | null;
  /** The plan an async update moves to once it succeeds. */
  proposedServicePlanGuid: string | null;
  parametersEncrypted: string | null;
}

export interface ServiceKey extends Timestamped {
  id: number;
  name: string;
  serviceInstanceId: number;
  serviceInstanceGuid: string;
  credentialsEncrypted: string;
  parametersEncrypted: string | null;
}

/** `POST /v2/service_instances` in Wharf's words. */
export interface CreateInstanceCommand {
  name: string;
  spaceGuid: string;
  servicePlanGuid: string;
  parameters?: Record<string, unknown>;
  tags?: string[];
}

/** `PUT /v2/service_instances/:guid`: only what is given changes. */
export interface UpdateInstanceCommand {
  name?: string;
  spaceGuid?: string;
  servicePlanGuid?: string;
  parameters?: Record<string, unknown>;
  tags?: string[];
  maintenanceInfo?: { version: string; description?: string };
}

/** `POST /v2/service_keys`. */
export interface CreateKeyCommand {
  serviceInstanceGuid: string;
  name: string;
  parameters?: Record<string, unknown>;
}

/** A space a managed instance is shared into (`shared_to`, the space summary). */
export interface SharedSpace {
  spaceGuid: string;
  spaceName: string;
  organizationName: string;
}

/** What the instance rules need to know of shares (the sharing feature keeps them). */
export interface InstanceShares {
  count(instanceId: number): Promise<number>;
  /** Whether the user sees the instance through a space it is shared into. */
  visibleThroughShare(instanceId: number, userGuid: string): Promise<boolean>;
  allTargets(instanceId: number): Promise<SharedSpace[]>;
}
