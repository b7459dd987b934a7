import type { ApiVersion } from './api-version';
import { supports } from './api-version';
import type {
  BindingView,
  BindResult,
  DeprovisionResult,
  Endpoint,
  InstanceView,
  JsonObject,
  LastOperation,
  ProvisionResult,
  UpdateResult,
} from './types';

/** Success bodies of `/broker/v2`, with only the fields the platform's API version defines. */
export interface Presented {
  status: number;
  body: JsonObject;
}

/** 201 created, 200 identical, 202 in progress with its operation (osb-api.md §7.1). */
export function presentProvision(result: ProvisionResult): Presented {
  switch (result.kind) {
    case 'created':
      return { status: 201, body: {} };
    case 'exists':
      return { status: 200, body: {} };
    case 'accepted':
      return { status: 202, body: { operation: result.operation } };
  }
}

/** 200 `{}` when done, 202 with the operation when running (§7.3, §7.4). */
export function presentChange(result: UpdateResult | DeprovisionResult): Presented {
  return result.kind === 'done'
    ? { status: 200, body: {} }
    : { status: 202, body: { operation: result.operation } };
}

export function presentLastOperation(operation: LastOperation): Presented {
  // Fields are optional but never empty when present (§3).
  return {
    status: 200,
    body:
      operation.description === ''
        ? { state: operation.state }
        : { state: operation.state, description: operation.description },
  };
}

export function presentInstance(view: InstanceView, version: ApiVersion): Presented {
  const body: JsonObject = {
    service_id: view.serviceId,
    plan_id: view.planId,
    parameters: view.parameters,
  };
  if (view.maintenanceInfoVersion !== null && supports(version, 15))
    body.maintenance_info = { version: view.maintenanceInfoVersion };
  return { status: 200, body };
}

function endpointsOf(endpoint: Endpoint): JsonObject[] {
  return [{ host: endpoint.host, ports: [endpoint.port], protocol: 'tcp' }];
}

function bindingBody(view: BindingView, version: ApiVersion): JsonObject {
  const body: JsonObject = { credentials: view.credentials };
  // `endpoints` is 2.15; the 2.13-era osb-checker refuses it (osb-api.md §13 Wharf note).
  if (view.endpoint !== undefined && supports(version, 15))
    body.endpoints = endpointsOf(view.endpoint);
  return body;
}

/** 201 created, 200 identical (§8.1). */
export function presentBind(result: BindResult, version: ApiVersion): Presented {
  return {
    status: result.kind === 'created' ? 201 : 200,
    body: bindingBody(result.binding, version),
  };
}

export function presentBinding(view: BindingView, version: ApiVersion): Presented {
  const body = bindingBody(view, version);
  if (Object.keys(view.parameters).length > 0) body.parameters = view.parameters;
  return { status: 200, body };
}
