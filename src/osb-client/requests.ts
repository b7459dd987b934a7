import type { OsbQuery, OsbRequest } from './exchange';
import type { OsbMaintenanceInfo } from '../osb-catalog';

/**
 * Request bodies and paths of the OSB instance and binding endpoints (osb-api.md §6–8), in OSB's
 * wire names. Builders are pure; the client sends what they return.
 */
export interface OsbProvisionBody {
  service_id: string;
  plan_id: string;
  organization_guid: string;
  space_guid: string;
  context?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  maintenance_info?: OsbMaintenanceInfo;
}

export interface OsbPreviousValues {
  plan_id?: string;
  service_id?: string;
  organization_id?: string;
  space_id?: string;
  maintenance_info?: OsbMaintenanceInfo;
}

export interface OsbUpdateBody {
  service_id: string;
  plan_id?: string;
  context?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  maintenance_info?: OsbMaintenanceInfo;
  previous_values?: OsbPreviousValues;
}

export interface OsbBindBody {
  service_id: string;
  plan_id: string;
  app_guid?: string;
  bind_resource?: Record<string, unknown>;
  context?: Record<string, unknown>;
  parameters?: Record<string, unknown>;
  predecessor_binding_id?: string;
}

export interface InstanceRef {
  instanceId: string;
}

export interface BindingRef extends InstanceRef {
  bindingId: string;
}

/** `service_id`/`plan_id` are required on DELETE and hints elsewhere (osb-api.md §7.4, §8.4). */
export interface OfferingRef {
  serviceId?: string;
  planId?: string;
}

export interface AsyncFlag {
  acceptsIncomplete?: boolean;
}

function instancePath(ref: InstanceRef): string {
  return `/v2/service_instances/${encodeURIComponent(ref.instanceId)}`;
}

function bindingPath(ref: BindingRef): string {
  return `${instancePath(ref)}/service_bindings/${encodeURIComponent(ref.bindingId)}`;
}

/** CC sends `accepts_incomplete=true` or nothing. */
function asyncQuery(flag: AsyncFlag): OsbQuery {
  return { accepts_incomplete: flag.acceptsIncomplete === true ? true : undefined };
}

function offeringQuery(ref: OfferingRef): OsbQuery {
  return { service_id: ref.serviceId, plan_id: ref.planId };
}

export function provisionRequest(
  args: InstanceRef & AsyncFlag & { body: OsbProvisionBody },
): OsbRequest {
  return { method: 'PUT', path: instancePath(args), query: asyncQuery(args), body: args.body };
}

export function updateRequest(args: InstanceRef & AsyncFlag & { body: OsbUpdateBody }): OsbRequest {
  return { method: 'PATCH', path: instancePath(args), query: asyncQuery(args), body: args.body };
}

export function deprovisionRequest(
  args: InstanceRef & AsyncFlag & Required<OfferingRef>,
): OsbRequest {
  return {
    method: 'DELETE',
    path: instancePath(args),
    query: { ...offeringQuery(args), ...asyncQuery(args) },
  };
}

export function fetchInstanceRequest(args: InstanceRef & OfferingRef): OsbRequest {
  return { method: 'GET', path: instancePath(args), query: offeringQuery(args) };
}

export function lastOperationRequest(
  args: InstanceRef & OfferingRef & { operation?: string },
): OsbRequest {
  return {
    method: 'GET',
    path: `${instancePath(args)}/last_operation`,
    query: { ...offeringQuery(args), operation: args.operation },
  };
}

export function bindRequest(args: BindingRef & AsyncFlag & { body: OsbBindBody }): OsbRequest {
  return { method: 'PUT', path: bindingPath(args), query: asyncQuery(args), body: args.body };
}

export function unbindRequest(args: BindingRef & AsyncFlag & Required<OfferingRef>): OsbRequest {
  return {
    method: 'DELETE',
    path: bindingPath(args),
    query: { ...offeringQuery(args), ...asyncQuery(args) },
  };
}

export function fetchBindingRequest(args: BindingRef & OfferingRef): OsbRequest {
  return { method: 'GET', path: bindingPath(args), query: offeringQuery(args) };
}

export function bindingLastOperationRequest(
  args: BindingRef & OfferingRef & { operation?: string },
): OsbRequest {
  return {
    method: 'GET',
    path: `${bindingPath(args)}/last_operation`,
    query: { ...offeringQuery(args), operation: args.operation },
  };
}
