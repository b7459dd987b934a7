import type {
  AsyncFlag,
  BindingRef,
  InstanceRef,
  OfferingRef,
  OsbBindBody,
  OsbProvisionBody,
  OsbUpdateBody,
} from './requests';
import type {
  BindResult,
  DeprovisionResult,
  FetchBindingResult,
  FetchInstanceResult,
  LastOperationResult,
  ProvisionResult,
  UnbindResult,
  UpdateResult,
} from './results';
import type { BrokerConnection, OsbCallContext } from './types';

/**
 * Wharf as an OSB Platform: every call Wharf makes to an external broker, one method per OSB
 * endpoint (osb-api.md §4–8). Failures come out as `CfError`s of the one table: `BrokerError` (10001,
 * cf-v2-api.md §5.3) or, for the registration-time catalog fetch, 270020/270021 (§4.2); no
 * password or Authorization value ever appears in one.
 */
export interface OsbClient {
  /** `GET /v2/catalog`: the raw catalog object, still to be validated (`validateCatalog`). */
  fetchCatalog(conn: BrokerConnection, ctx: OsbCallContext): Promise<unknown>;

  /** `PUT /v2/service_instances/:instance_id[?accepts_incomplete=true]` (osb-api.md §7.1). */
  provision(
    conn: BrokerConnection,
    args: InstanceRef & AsyncFlag & { body: OsbProvisionBody },
    ctx: OsbCallContext,
  ): Promise<ProvisionResult>;

  /** `PATCH /v2/service_instances/:instance_id[?accepts_incomplete=true]` (osb-api.md §7.3). */
  update(
    conn: BrokerConnection,
    args: InstanceRef & AsyncFlag & { body: OsbUpdateBody },
    ctx: OsbCallContext,
  ): Promise<UpdateResult>;

  /** `DELETE /v2/service_instances/:instance_id?service_id=&plan_id=[&accepts_incomplete=true]` (§7.4). */
  deprovision(
    conn: BrokerConnection,
    args: InstanceRef & AsyncFlag & Required<OfferingRef>,
    ctx: OsbCallContext,
  ): Promise<DeprovisionResult>;

  /** `GET /v2/service_instances/:instance_id[?service_id=&plan_id=]` (osb-api.md §7.2). */
  fetchInstance(
    conn: BrokerConnection,
    args: InstanceRef & OfferingRef,
    ctx: OsbCallContext,
  ): Promise<FetchInstanceResult>;

  /** `GET /v2/service_instances/:instance_id/last_operation[?service_id=&plan_id=&operation=]` (§6.1). */
  lastOperation(
    conn: BrokerConnection,
    args: InstanceRef & OfferingRef & { operation?: string },
    ctx: OsbCallContext,
  ): Promise<LastOperationResult>;

  /** `PUT /v2/service_instances/:instance_id/service_bindings/:binding_id[?accepts_incomplete=true]` (§8.1). */
  bind(
    conn: BrokerConnection,
    args: BindingRef & AsyncFlag & { body: OsbBindBody },
    ctx: OsbCallContext,
  ): Promise<BindResult>;

  /** `DELETE /v2/service_instances/:instance_id/service_bindings/:binding_id?service_id=&plan_id=` (§8.4). */
  unbind(
    conn: BrokerConnection,
    args: BindingRef & AsyncFlag & Required<OfferingRef>,
    ctx: OsbCallContext,
  ): Promise<UnbindResult>;

  /** `GET /v2/service_instances/:instance_id/service_bindings/:binding_id` (osb-api.md §8.3). */
  fetchBinding(
    conn: BrokerConnection,
    args: BindingRef & OfferingRef,
    ctx: OsbCallContext,
  ): Promise<FetchBindingResult>;

  /** `GET /v2/service_instances/:instance_id/service_bindings/:binding_id/last_operation` (§6.2). */
  bindingLastOperation(
    conn: BrokerConnection,
    args: BindingRef & OfferingRef & { operation?: string },
    ctx: OsbCallContext,
  ): Promise<LastOperationResult>;
}
