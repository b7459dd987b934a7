import type { AuthContext } from '../../auth/auth-context';
import type { ServicesService } from '../../catalog';
import { toCatalogViewer } from '../../catalog/viewer';
import type { Filter } from '../../db/page-request';
import { pageRequest } from '../../db/page-request';
import type { InstancesService, KeysService } from '../../instances';
import { createInstanceBody, toCreateInstanceCommand } from '../../instances/schemas';
import type { OrgsService } from '../../orgs';
import type {
  Choice,
  InstanceFilter,
  InstanceRow,
  MarketplacePlan,
  NewInstance,
} from '../ports';
import { UI_LIST_LIMIT } from './catalog-data';
import { expected, invalidForm } from './expected';

export interface InstanceDataDeps {
  instances: InstancesService;
  keys: KeysService;
  services: ServicesService;
  orgs: OrgsService;
  brokerNames: () => Promise<Map<string, string>>;
}

interface PlanInfo {
  name: string;
  serviceGuid: string;
  serviceLabel: string;
  brokerName: string | null;
  schema: unknown;
  description: string;
}

const all = pageRequest({ perPage: UI_LIST_LIMIT });
const byName = (a: Choice, b: Choice): number => a.name.localeCompare(b.name);

export function createInstanceData(deps: InstanceDataDeps): {
  instanceFilters(viewer: AuthContext): Promise<{ orgs: Choice[]; spaces: Choice[]; services: Choice[] }>;
  instances(viewer: AuthContext, filter: InstanceFilter): Promise<InstanceRow[]>;
  marketplace(viewer: AuthContext): Promise<{ spaces: Choice[]; plans: MarketplacePlan[] }>;
  createInstance(viewer: AuthContext, input: NewInstance): Promise<void>;
  deleteInstance(viewer: AuthContext, guid: string): Promise<void>;
} {
  /** Everything the viewer may see, keyed for the table's names (one query per list). */
  async function names(viewer: AuthContext): Promise<{
    orgs: Map<string, string>;
    spaces: Map<string, { name: string; orgGuid: string }>;
    plans: Map<string, PlanInfo>;
    services: Choice[];
  }> {
    const [orgs, spaces, catalog, brokers] = await Promise.all([
      deps.orgs.listOrganizations(viewer, all),
      deps.orgs.listSpaces(viewer, all),
      deps.services.list(toCatalogViewer(viewer), all, true),
      deps.brokerNames(),
    ]);
    const plans = new Map<string, PlanInfo>();
    for (const { service, plans: servicePlans } of catalog.items)
      for (const p of servicePlans ?? [])
        plans.set(p.guid, {
          name: p.name,
          serviceGuid: service.guid,
          serviceLabel: service.label,
          brokerName:
            service.serviceBrokerGuid === null ? null : (brokers.get(service.serviceBrokerGuid) ?? null),
          schema: p.schemas.service_instance.create.parameters,
          description: p.description,
        });
    return {
      orgs: new Map(orgs.items.map((o) => [o.guid, o.name])),
      spaces: new Map(spaces.items.map((s) => [s.guid, { name: s.name, orgGuid: s.organizationGuid }])),
      plans,
      services: catalog.items.map(({ service }) => ({ guid: service.guid, name: service.label })),
    };
  }

  return {
    async instanceFilters(viewer) {
      const n = await names(viewer);
      return {
        orgs: [...n.orgs].map(([guid, name]) => ({ guid, name })).sort(byName),
        spaces: [...n.spaces].map(([guid, s]) => ({ guid, name: `${n.orgs.get(s.orgGuid) ?? '?'} / ${s.name}` })).sort(byName),
        services: n.services.sort(byName),
      };
    },

    async instances(viewer, filter) {
      const n = await names(viewer);
      const filters: Filter[] = [];
      if (filter.orgGuid !== undefined)
        filters.push({ field: 'organization_guid', operator: 'eq', values: [filter.orgGuid] });
      if (filter.spaceGuid !== undefined)
        filters.push({ field: 'space_guid', operator: 'eq', values: [filter.spaceGuid] });
      const page = await deps.instances.list(viewer, pageRequest({ perPage: UI_LIST_LIMIT, filters }));
      const keys = await deps.keys.list(viewer, all);
      return page.items
        .filter((i) => filter.serviceGuid === undefined || i.serviceGuid === filter.serviceGuid)
        .map((i) => {
          const plan = n.plans.get(i.servicePlanGuid);
          const space = n.spaces.get(i.spaceGuid);
          return {
            guid: i.guid,
            name: i.name,
            serviceLabel: plan?.serviceLabel ?? '—',
            planName: plan?.name ?? '—',
            orgName: n.orgs.get(i.organizationGuid) ?? '—',
            spaceName: space?.name ?? '—',
            spaceGuid: i.spaceGuid,
            operationType: i.lastOperation?.type ?? 'create',
            operationState: i.lastOperation?.state ?? 'succeeded',
            operationDescription: i.lastOperation?.description ?? '',
            updatedAt: i.updatedAt,
            keys: keys.items
              .filter((k) => k.serviceInstanceGuid === i.guid)
              .map((k) => ({ guid: k.guid, name: k.name })),
          };
        });
    },

    async marketplace(viewer) {
      const n = await names(viewer);
      const spaces = [...n.spaces].map(([guid, s]) => ({ guid, name: `${n.orgs.get(s.orgGuid) ?? '?'} / ${s.name}` }));
      const plans = [...n.plans].map(([guid, p]) => ({
        guid,
        name: p.name,
        serviceLabel: p.serviceLabel,
        brokerName: p.brokerName,
        description: p.description,
        createSchema: p.schema,
      }));
      return { spaces: spaces.sort(byName), plans: plans.sort((a, b) => a.serviceLabel.localeCompare(b.serviceLabel) || a.name.localeCompare(b.name)) };
    },

    async createInstance(viewer, input) {
      const body = createInstanceBody.safeParse({
        name: input.name,
        space_guid: input.spaceGuid,
        service_plan_guid: input.planGuid,
        parameters: input.parameters,
      });
      if (!body.success) throw invalidForm(body.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join(', '));
      // Asynchronous, as the cf CLI asks: the page returns at once and the list goes live.
      await expected(() => deps.instances.create({ ctx: viewer, requestId: undefined }, toCreateInstanceCommand(body.data), true));
    },

    async deleteInstance(viewer, guid) {
      const caller = { ctx: viewer, requestId: undefined };
      await expected(() =>
        deps.instances.delete(caller, guid, {
          acceptsIncomplete: true,
          recursive: true,
          purge: false,
          deleteKeys: (instance) => deps.keys.deleteAllOf(caller, instance),
        }),
      );
    },
  };
}
