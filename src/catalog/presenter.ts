import { presentResource } from '../http/envelope';
import type { Resource } from '../http/envelope';
import type { PlanVisibility, Service, ServicePlan } from './types';

export type Entity = Record<string, unknown>;

export function presentService(
  service: Service,
  inlinePlans?: Resource<Entity>[],
): Resource<Entity> {
  return presentResource('services', service, {
    label: service.label,
    provider: service.provider,
    url: service.url,
    description: service.description,
    long_description: service.longDescription,
    version: service.version,
    info_url: service.infoUrl,
    active: service.active,
    bindable: service.bindable,
    unique_id: service.uniqueId,
    extra: service.extra,
    tags: service.tags,
    requires: service.requires,
    documentation_url: service.documentationUrl,
    service_broker_guid: service.serviceBrokerGuid,
    service_broker_name: service.serviceBrokerName,
    plan_updateable: service.planUpdateable,
    bindings_retrievable: service.bindingsRetrievable,
    instances_retrievable: service.instancesRetrievable,
    allow_context_updates: service.allowContextUpdates,
    service_plans_url: `/v2/services/${service.guid}/service_plans`,
    ...(inlinePlans !== undefined ? { service_plans: inlinePlans } : {}),
  });
}

export function presentPlan(plan: ServicePlan, inlineService?: Resource<Entity>): Resource<Entity> {
  return presentResource('service_plans', plan, {
    name: plan.name,
    free: plan.free,
    description: plan.description,
    service_guid: plan.serviceGuid,
    extra: plan.extra,
    unique_id: plan.uniqueId,
    public: plan.public,
    bindable: plan.bindable ?? plan.serviceBindable,
    plan_updateable: plan.planUpdateable,
    active: plan.active,
    maximum_polling_duration: plan.maximumPollingDuration,
    maintenance_info: plan.maintenanceInfo ?? {},
    schemas: plan.schemas,
    service_url: `/v2/services/${plan.serviceGuid}`,
    service_instances_url: `/v2/service_plans/${plan.guid}/service_instances`,
    ...(inlineService !== undefined ? { service: inlineService } : {}),
  });
}

export function presentVisibility(v: PlanVisibility): Resource<Entity> {
  return presentResource('service_plan_visibilities', v, {
    service_plan_guid: v.servicePlanGuid,
    organization_guid: v.organizationGuid,
    service_plan_url: `/v2/service_plans/${v.servicePlanGuid}`,
    organization_url: `/v2/organizations/${v.organizationGuid}`,
  });
}
