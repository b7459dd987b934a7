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
