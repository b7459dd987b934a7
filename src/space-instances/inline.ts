import { presentPlan, presentService } from '../catalog';
import type { Service, ServicePlan } from '../catalog';
import type { Resource } from '../http/envelope';
import { presentSpace } from '../orgs';
import type { Space } from '../orgs';

export interface InstanceRelations {
  plan: ServicePlan;
  service: Service;
  space: Space;
}

type Entity = Record<string, unknown>;

/**
 * CC's `inline-relations-depth` for a managed instance (cf-v2-api.md §1.5): at depth 1 its plan,
 * service and space are embedded beside their `_url`s (what `cf update-service -p` reads:
 * `service_plan.entity.service_guid`); at depth 2 the plan's service is embedded in the plan too.
 * Bindings are an empty list: Wharf has no apps.
 */
export function inlineInstance(
  resource: Resource<Entity>,
  related: InstanceRelations,
  depth: number,
  fromSpace = false,
): Resource<Entity> {
  if (depth < 1) return resource;
  const service = presentService(related.service);
  return {
    metadata: resource.metadata,
    entity: {
      ...resource.entity,
      service_plan: presentPlan(related.plan, depth >= 2 ? service : undefined),
      service,
      // Embedded in its space's own `service_instances`, the way back is not embedded (CC).
      ...(fromSpace ? {} : { space: presentSpace(related.space) }),
      service_bindings: [],
    },
  };
}
