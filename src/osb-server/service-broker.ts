import type { ServiceOffering } from './catalog';
import type { Result } from './failures';
import type {
  BindDetails,
  BindingView,
  BindResult,
  DeprovisionDetails,
  DeprovisionResult,
  InstanceView,
  LastOperation,
  LastOperationDetails,
  ProvisionDetails,
  ProvisionResult,
  UnbindDetails,
  UpdateDetails,
  UpdateResult,
} from './types';

/**
 * The Open Service Broker API v2.17, one method per endpoint (brokerapi's `ServiceBroker`).
 * Expected failures are values (`Result`), never exceptions; the routes only parse and present.
 */
export interface ServiceBroker {
  /** `GET /v2/catalog` */
  catalog(): Promise<ServiceOffering[]>;

  /** `PUT /v2/service_instances/:instance_id` */
  provision(details: ProvisionDetails): Promise<Result<ProvisionResult>>;

  /** `GET /v2/service_instances/:instance_id` */
  fetchInstance(instanceId: string): Promise<Result<InstanceView>>;

  /** `PATCH /v2/service_instances/:instance_id` */
  update(details: UpdateDetails): Promise<Result<UpdateResult>>;

  /** `DELETE /v2/service_instances/:instance_id` */
  deprovision(details: DeprovisionDetails): Promise<Result<DeprovisionResult>>;

  /** `GET /v2/service_instances/:instance_id/last_operation` */
  lastOperation(details: LastOperationDetails): Promise<Result<LastOperation>>;

  /** `PUT /v2/service_instances/:instance_id/service_bindings/:binding_id` */
  bind(details: BindDetails): Promise<Result<BindResult>>;

  /** `GET /v2/service_instances/:instance_id/service_bindings/:binding_id` */
  fetchBinding(instanceId: string, bindingId: string): Promise<Result<BindingView>>;

  /** `DELETE /v2/service_instances/:instance_id/service_bindings/:binding_id` */
  unbind(details: UnbindDetails): Promise<Result<void>>;

  /** `GET /v2/service_instances/:instance_id/service_bindings/:binding_id/last_operation` */
  lastBindingOperation(details: LastOperationDetails): Promise<Result<LastOperation>>;
}
