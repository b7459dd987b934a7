import type { ChangeFeed } from '../changes';
import { isUniqueViolation } from '../db/knex';
import type { Paged } from '../db/paging';
import type { PageRequest } from '../db/page-request';
import { CfError } from '../http/cf-errors';
import type { Organization } from '../orgs';
import type { CatalogStore } from './store-port';
import type { PlanVisibility, ServicePlan, VisibilityCommand } from './types';

/** What visibilities need to know about organizations (the orgs feature's service). */
export interface OrganizationLookup {
  findOrganization(guid: string): Promise<Organization | undefined>;
}

export interface VisibilitiesServiceDeps {
  store: CatalogStore;
  changes: ChangeFeed;
  orgs: OrganizationLookup;
}

/** Service plan visibilities: which organizations may use a non-public plan. Admin only. */
export class VisibilitiesService {
  private readonly store: CatalogStore;

  constructor(private readonly deps: VisibilitiesServiceDeps) {
    this.store = deps.store;
  }

  list(query: PageRequest): Promise<Paged<PlanVisibility>> {
    return this.store.visibilities.list(query);
  }

  async require(guid: string): Promise<PlanVisibility> {
    const visibility = await this.store.visibilities.find(guid);
    if (!visibility) throw new CfError('ServicePlanVisibilityNotFound', guid);
    return visibility;
  }

  private async resolve(
    command: VisibilityCommand,
  ): Promise<{ plan: ServicePlan; org: Organization }> {
    const { servicePlanGuid, organizationGuid } = command;
    const plan = await this.store.plans.find(servicePlanGuid);
    if (!plan)
      throw new CfError(
        'InvalidRelation',
        `Could not find ServicePlan with guid: ${servicePlanGuid}`,
      );
    const org = await this.deps.orgs.findOrganization(organizationGuid);
    if (!org)
      throw new CfError(
        'InvalidRelation',
        `Could not find Organization with guid: ${organizationGuid}`,
      );
    if (plan.public)
      throw new CfError('ServicePlanVisibilityInvalid', 'service_plan is publicly available');
    if (await this.store.plans.isFromSpaceScopedBroker(plan.id)) {
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
    if (await this.store.visibilities.exists(pair.plan.id, pair.org.id, exceptId)) throw duplicate;
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err)) throw duplicate;
      throw err;
    }
  }

  async create(command: VisibilityCommand): Promise<PlanVisibility> {
    const pair = await this.resolve(command);
    const guid = await this.guardDuplicate(pair, undefined, () =>
      this.store.visibilities.insert(pair.plan.id, pair.org.id),
    );
    return this.published('created', await this.require(guid));
  }

  /** Fields left out keep their current value. */
  async update(guid: string, changes: Partial<VisibilityCommand>): Promise<PlanVisibility> {
    const current = await this.require(guid);
    const pair = await this.resolve({
      servicePlanGuid: changes.servicePlanGuid ?? current.servicePlanGuid,
      organizationGuid: changes.organizationGuid ?? current.organizationGuid,
    });
    await this.guardDuplicate(pair, current.id, () =>
      this.store.visibilities.update(current.id, pair.plan.id, pair.org.id),
    );
    return this.published('updated', await this.require(guid));
  }

  async delete(guid: string): Promise<void> {
    const visibility = await this.require(guid);
    await this.store.visibilities.delete(visibility.id);
    this.published('deleted', visibility);
  }

  private published(
    action: 'created' | 'updated' | 'deleted',
    visibility: PlanVisibility,
  ): PlanVisibility {
    this.deps.changes.publish({
      topic: 'visibility',
      action,
      id: visibility.guid,
      detail: {
        service_plan_guid: visibility.servicePlanGuid,
        organization_guid: visibility.organizationGuid,
      },
    });
    return visibility;
  }
}
