import type { AuthContext } from '../../auth';
import type { PlansService, ServicesService, VisibilitiesService } from '../../catalog';
import { planBody, serviceBody, toCreatePlanCommand, toCreateServiceCommand } from '../../catalog';
import { toCatalogViewer } from '../../catalog';
import { pageRequest } from '../../db/page-request';
import type { OrgsService } from '../../orgs';
import type { CatalogServiceRow, NewCatalogEntry, PlanVisibility } from '../ports';
import { DashboardProblem } from '../ports';
import { expected, invalidForm } from './expected';

/** The dashboard reads at most this many rows per list: a page for people, not an export. */
export const UI_LIST_LIMIT = 2000;

export interface CatalogDataDeps {
  services: ServicesService;
  plans: PlansService;
  visibilities: VisibilitiesService;
  orgs: OrgsService;
  brokerNames: () => Promise<Map<string, string>>;
}

const matches = (search: string, ...texts: string[]): boolean => {
  const needle = search.toLowerCase();
  return texts.some((t) => t.toLowerCase().includes(needle));
};

function describeIssues(issues: readonly { path: (string | number)[]; message: string }[]): string {
  return issues.map((i) => `${i.path.join('.') || 'body'} ${i.message}`).join(', ');
}

export function createCatalogData(deps: CatalogDataDeps): {
  catalog(viewer: AuthContext, search: string): Promise<CatalogServiceRow[]>;
  createCatalogEntry(viewer: AuthContext, entry: NewCatalogEntry): Promise<void>;
  planVisibility(viewer: AuthContext, planGuid: string, orgSearch: string): Promise<PlanVisibility>;
  setPlanVisibility(
    viewer: AuthContext,
    planGuid: string,
    change: { grant: string[]; revoke: string[] },
  ): Promise<void>;
} {
  return {
    async catalog(viewer, search) {
      const page = await deps.services.list(
        toCatalogViewer(viewer),
        pageRequest({ perPage: UI_LIST_LIMIT }),
        true,
      );
      const brokers = await deps.brokerNames();
      return page.items
        .filter(({ service }) => search === '' || matches(search, service.label, service.description))
        .map(({ service, plans }) => ({
          guid: service.guid,
          label: service.label,
          description: service.description,
          bindable: service.bindable,
          active: service.active,
          brokerName:
            service.serviceBrokerGuid === null ? null : (brokers.get(service.serviceBrokerGuid) ?? null),
          plans: (plans ?? []).map((p) => ({
            guid: p.guid,
            name: p.name,
            description: p.description,
            free: p.free,
            public: p.public,
            active: p.active,
          })),
        }));
    },

    async createCatalogEntry(_viewer, entry) {
      let extra: string | undefined;
      if (entry.containerTemplate !== '') {
        let template: unknown;
        try {
          template = JSON.parse(entry.containerTemplate);
        } catch {
          throw invalidForm('container must be a JSON object');
        }
        extra = JSON.stringify({ container: template });
      }
      const service = serviceBody.safeParse({
        label: entry.label,
        description: entry.description,
        bindable: entry.bindable,
        active: true,
        ...(extra === undefined ? {} : { extra }),
      });
      if (!service.success) throw invalidForm(describeIssues(service.error.issues));
      const plan = planBody.omit({ service_guid: true }).safeParse({
        name: entry.planName,
        description: entry.planDescription,
        free: entry.planFree,
        public: true,
      });
      if (!plan.success) throw invalidForm(describeIssues(plan.error.issues));
      // Both parsed before anything is written: a bad plan never leaves a plan-less service.
      const created = await expected(() =>
        deps.services.create(toCreateServiceCommand(service.data)),
      );
      try {
        await expected(() =>
          deps.plans.create(toCreatePlanCommand({ ...plan.data, service_guid: created.guid })),
        );
      } catch (err) {
        await deps.services.delete(created.guid, true);
        throw err;
      }
    },

    async planVisibility(viewer, planGuid, orgSearch) {
      const plan = await expected(() => deps.plans.get(toCatalogViewer(viewer), planGuid, true));
      const granted = await deps.visibilities.list(
        pageRequest({
          perPage: UI_LIST_LIMIT,
          filters: [{ field: 'service_plan_guid', operator: 'eq', values: [planGuid] }],
        }),
      );
      const grantedOrgs = new Set(granted.items.map((v) => v.organizationGuid));
      const orgs = await deps.orgs.listOrganizations(viewer, pageRequest({ perPage: UI_LIST_LIMIT }));
      if (plan.service === undefined) throw new DashboardProblem(404, 'The plan has no service.');
      return {
        plan: {
          guid: plan.plan.guid,
          name: plan.plan.name,
          description: plan.plan.description,
          free: plan.plan.free,
          public: plan.plan.public,
          active: plan.plan.active,
        },
        serviceLabel: plan.service.label,
        orgs: orgs.items
          .filter((o) => orgSearch === '' || matches(orgSearch, o.name))
          .map((o) => ({ guid: o.guid, name: o.name, granted: grantedOrgs.has(o.guid) })),
      };
    },

    async setPlanVisibility(_viewer, planGuid, change) {
      for (const orgGuid of change.grant)
        await expected(() =>
          deps.visibilities.create({ servicePlanGuid: planGuid, organizationGuid: orgGuid }),
        );
      if (change.revoke.length === 0) return;
      const existing = await deps.visibilities.list(
        pageRequest({
          perPage: UI_LIST_LIMIT,
          filters: [{ field: 'service_plan_guid', operator: 'eq', values: [planGuid] }],
        }),
      );
      for (const v of existing.items)
        if (change.revoke.includes(v.organizationGuid))
          await expected(() => deps.visibilities.delete(v.guid));
    },
  };
}
