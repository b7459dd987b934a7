/** Domain types of Wharf's OSB broker, in OSB's words (wire names live in schemas and presenters). */

export type JsonObject = Record<string, unknown>;

/** Where an instance's container service lives: tenant = the platform's space, name from the id. */
export interface ContainerRef {
  tenant: string;
  name: string;
}

export type InstanceState = 'provisioning' | 'ready' | 'updating' | 'deprovisioning' | 'failed';

export interface PendingUpdate {
  planId: string;
  planGuid: string;
  parameters: JsonObject;
  maintenanceInfoVersion: string | null;
}

export interface OsbInstance {
  instanceId: string;
  serviceId: string;
  planId: string;
  /** Wharf's catalog rows behind the OSB ids (the template lives there). */
  serviceGuid: string;
  planGuid: string;
  organizationGuid: string;
  spaceGuid: string;
  context: JsonObject;
  parameters: JsonObject;
  secrets: Record<string, string>;
  maintenanceInfoVersion: string | null;
  container: ContainerRef;
  state: InstanceState;
  /** The operation in progress, if any (its guid is the OSB `operation` token). */
  operationGuid: string | null;
  pending: PendingUpdate | null;
}

export interface OsbBinding {
  bindingId: string;
  instanceId: string;
  serviceId: string;
  planId: string;
  appGuid: string | null;
  bindResource: JsonObject;
  parameters: JsonObject;
  credentials: Record<string, string>;
}

export type OperationType = 'provision' | 'update' | 'deprovision' | 'bind' | 'unbind';
export type OperationState = 'in progress' | 'succeeded' | 'failed';

export interface OsbOperation {
  guid: string;
  instanceId: string;
  bindingId: string | null;
  type: OperationType;
  state: OperationState;
  description: string;
}

export interface Endpoint {
  host: string;
  port: string;
}

export interface ProvisionDetails {
  instanceId: string;
  serviceId: string;
  planId: string;
  organizationGuid: string;
  spaceGuid: string;
  context: JsonObject;
  parameters: JsonObject;
  maintenanceInfoVersion: string | undefined;
  acceptsIncomplete: boolean;
}

export interface UpdateDetails {
  instanceId: string;
  serviceId: string;
  /** Absent: the plan must not change (osb-api.md §7.3). */
  planId: string | undefined;
  /** Absent: the parameters must not change; given ones are merged over the current ones. */
  parameters: JsonObject | undefined;
  context: JsonObject | undefined;
  maintenanceInfoVersion: string | undefined;
  acceptsIncomplete: boolean;
}

export interface DeprovisionDetails {
  instanceId: string;
  serviceId: string;
  planId: string;
  acceptsIncomplete: boolean;
}

export interface LastOperationDetails {
  instanceId: string;
  /** Set for a binding's last operation. */
  bindingId: string | undefined;
  /** The token returned earlier; unknown values fall back to the latest operation. */
  operation: string | undefined;
}

export interface BindDetails {
  instanceId: string;
  bindingId: string;
  serviceId: string;
  planId: string;
  appGuid: string | undefined;
  bindResource: JsonObject;
  parameters: JsonObject;
  context: JsonObject;
  acceptsIncomplete: boolean;
}

export interface UnbindDetails {
  instanceId: string;
  bindingId: string;
  serviceId: string;
  planId: string;
}

export type ProvisionResult =
  { kind: 'created' } | { kind: 'exists' } | { kind: 'accepted'; operation: string };
export type UpdateResult = { kind: 'done' } | { kind: 'accepted'; operation: string };
export type DeprovisionResult = { kind: 'done' } | { kind: 'accepted'; operation: string };

export interface InstanceView {
  serviceId: string;
  planId: string;
  parameters: JsonObject;
  maintenanceInfoVersion: string | null;
}

export interface LastOperation {
  state: OperationState;
  description: string;
}

export interface BindingView {
  credentials: Record<string, string>;
  endpoint: Endpoint | undefined;
  parameters: JsonObject;
}

export type BindResult = { kind: 'created' | 'exists'; binding: BindingView };
