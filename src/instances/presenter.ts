import { presentResource, toCfTimestamp } from '../http/envelope';
import type { Resource } from '../http/envelope';
import type { ServiceInstance, ServiceKey } from './types';

export const REDACTED_CREDENTIALS = { redacted_message: '[PRIVATE DATA HIDDEN]' } as const;

export function presentInstance(instance: ServiceInstance): Resource<Record<string, unknown>> {
  const url = `/v2/service_instances/${instance.guid}`;
  const op = instance.lastOperation;
  return presentResource('service_instances', instance, {
    name: instance.name,
    credentials: {},
    service_guid: instance.serviceGuid,
    service_plan_guid: instance.servicePlanGuid,
    space_guid: instance.spaceGuid,
    gateway_data: null,
    dashboard_url: instance.dashboardUrl,
    type: 'managed_service_instance',
    last_operation:
      op === null
        ? null
        : {
            type: op.type,
            state: op.state,
            description: op.description,
            updated_at: toCfTimestamp(op.updatedAt),
            created_at: toCfTimestamp(op.createdAt),
          },
    tags: instance.tags,
    maintenance_info: instance.maintenanceInfo ?? {},
    space_url: `/v2/spaces/${instance.spaceGuid}`,
    service_url: `/v2/services/${instance.serviceGuid}`,
    service_plan_url: `/v2/service_plans/${instance.servicePlanGuid}`,
    service_bindings_url: `${url}/service_bindings`,
    service_keys_url: `${url}/service_keys`,
    routes_url: `${url}/routes`,
    shared_from_url: `${url}/shared_from`,
    shared_to_url: `${url}/shared_to`,
    service_instance_parameters_url: `${url}/parameters`,
  });
}

/** Credentials are shown to whoever may read the key, except global auditors (cf-v2-api.md §2.2). */
export function presentKey(
  key: ServiceKey,
  credentials: Record<string, unknown> | typeof REDACTED_CREDENTIALS,
): Resource<Record<string, unknown>> {
  return presentResource('service_keys', key, {
    name: key.name,
    service_instance_guid: key.serviceInstanceGuid,
    credentials,
    service_instance_url: `/v2/service_instances/${key.serviceInstanceGuid}`,
    service_key_parameters_url: `/v2/service_keys/${key.guid}/parameters`,
  });
}
