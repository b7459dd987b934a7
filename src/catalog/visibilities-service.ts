import type { Knex } from '../db/knex';
import { isUniqueViolation } from '../db/knex';
import type { Paged } from '../db/paging';
import { CfError } from '../http/cf-errors';
import type { PageRequest } from '../db/page-request';
import type { Organization } from '../orgs';
import { PlansStore } from './plans-store';
import type { PlanVisibility, ServicePlan } from './types';
import { VisibilitiesStore } from './visibilities-store';

/** What visibilities need to know about organizations (the orgs feature's service). */
export interface OrganizationLookup {
  findOrganization(guid: string): Promise<Organization | undefined>;
}

/** Service plan visibilities: which organizations may use a non-public plan. Admin only. */
export class VisibilitiesService {
  private readonly store: VisibilitiesStore;
  private readonly plans: PlansStore;

  constructor(
    knex: Knex,
    private readonly orgs: OrganizationLookup,
  ) {
    this.store = new VisibilitiesStore(knex);
    this.plans = new PlansStore(knex);
  }

  list(query: PageRequest): Promise<Paged<PlanVisibility>> {
    return this.store.list(query);
  }

  async require(guid: string): Promise<PlanVisibility> {
    const visibility = await this.store.find(guid);
    if (!visibility) throw new CfError('ServicePlanVisibilityNotFound', guid);
    return visibility;
  }

  private async resolve(
    planGuid: string,
    organizationGuid: string,
  ): Promise<{ plan: ServicePlan; org: Organization }> {
    const plan = await this.plans.find(planGuid);
    if (!plan)
      throw new CfError('InvalidRelation', `Could not find ServicePlan with guid: ${planGuid}`);
    const org = await this.orgs.findOrganization(organizationGuid);
    if (!org)
      throw new CfError(
        'InvalidRelation',
        `Could not find Organization with guid: ${organizationGuid}`,
      );
    if (plan.public)
      throw new CfError('ServicePlanVisibilityInvalid', 'service_plan is publicly available');
    if (await this.plans.isFromSpaceScopedBroker(plan.id)) {
      throw new CfError('ServicePlanVisibilityInvalid', 'service_plan is from a private broker');
    }
    return { plan, org };
  }

  /**
   * Checked by query first, as CC's model validation does, so the answer does not depend on how
   * the driver's error looks; the unique index stays the guard against a concurrent write.
   */
  private async guardDuplicate<T>(
    pair: { plan: ServicePlan; org: Organization },
    exceptId: number | undefined,
    write: () => Promise<T>,
  ): Promise<T> {
    const duplicate = new CfError(
      'ServicePlanVisibilityAlreadyExists',
      `service_plan_guid ${pair.plan.guid} and organization_guid ${pair.org.guid}`,
    );
    if (await this.store.exists(pair.plan.id, pair.org.id, exceptId)) throw duplicate;
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate;
      throw err;
    }
  }

  async create(planGuid: string, organizationGuid: string): Promise<PlanVisibility> {
    const pair = await this.resolve(planGuid, organizationGuid);
    const guid = await this.guardDuplicate(pair, undefined, () =>
      this.store.insert(pair.plan.id, pair.org.id),
    );
    return this.require(guid);
  }

  async update(
    guid: string,
    changes: { service_plan_guid?: string; organization_guid?: string },
  ): Promise<PlanVisibility> {
    const current = await this.require(guid);
    const planGuid = changes.service_plan_guid ?? current.servicePlanGuid;
    const organizationGuid = changes.organization_guid ?? current.organizationGuid;
    const pair = await this.resolve(planGuid, organizationGuid);
    await this.guardDuplicate(pair, current.id, () =>
      this.store.update(current.id, pair.plan.id, pair.org.id),
    );
    return this.require(guid);
  }

  async delete(guid: string): Promise<void> {
    const visibility = await this.require(guid);
    await this.store.delete(visibility.id);
  }
}
