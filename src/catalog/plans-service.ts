import { randomUUID } from 'node:crypto';
import { isUniqueViolation } from '../db/knex';
import type { Paged } from '../db/paging';
import type { PageRequest } from '../db/page-request';
import { CfError } from '../http/cf-errors';
import { assertExtra } from './extra-check';
import type { ExtraCheck } from './extra-check';
import type { CatalogServiceDeps } from './services-service';
import type { CatalogStore } from './store-port';
import type {
  CatalogViewer,
  CreatePlanCommand,
  PlanFields,
  Service,
  ServicePlan,
  UpdatePlanCommand,
} from './types';

export interface PlanWithService {
  plan: ServicePlan;
  service: Service | undefined;
}

/** CC's defaults for what a new plan leaves out. */
function toPlanFields(command: CreatePlanCommand, uniqueId: () => string): PlanFields {
  return {
    name: command.name,
    description: command.description,
    free: command.free ?? true,
    public: command.public ?? true,
    active: command.active ?? true,
    bindable: command.bindable ?? null,
    planUpdateable: command.planUpdateable ?? null,
    maximumPollingDuration: command.maximumPollingDuration ?? null,
    maintenanceInfo: command.maintenanceInfo ?? null,
    schemas: command.schemas ?? {},
    extra: command.extra ?? null,
    uniqueId: command.uniqueId ?? uniqueId(),
  };
}

/** Service plans (`/v2/service_plans`). A broker's plans come only from its catalog. */
export class PlansService {
  private readonly store: CatalogStore;
  private readonly checkExtra: ExtraCheck;

  constructor(private readonly deps: CatalogServiceDeps) {
    this.store = deps.store;
    this.checkExtra = deps.checkExtra ?? (() => undefined);
  }

  async list(
    viewer: CatalogViewer,
    query: PageRequest,
    inlineService: boolean,
  ): Promise<Paged<PlanWithService>> {
    const page = await this.store.plans.list(query, viewer);
    return { total: page.total, items: await this.withServices(page.items, inlineService) };
  }

  private async withServices(plans: ServicePlan[], inline: boolean): Promise<PlanWithService[]> {
    if (!inline) return plans.map((plan) => ({ plan, service: undefined }));
    const services = await this.store.services.findByIds([
      ...new Set(plans.map((p) => p.serviceId)),
    ]);
    return plans.map((plan) => ({ plan, service: services.find((s) => s.id === plan.serviceId) }));
  }

  async require(guid: string): Promise<ServicePlan> {
    const plan = await this.store.plans.find(guid);
    if (!plan) throw new CfError('ServicePlanNotFound', guid);
    return plan;
  }

  async get(viewer: CatalogViewer, guid: string, inlineService: boolean): Promise<PlanWithService> {
    const plan = await this.require(guid);
    if (!(await this.isReadable(plan, viewer))) throw new CfError('NotAuthorized');
    const [withService] = await this.withServices([plan], inlineService);
    return withService ?? { plan, service: undefined };
  }

  /**
   * Read-by-guid: the list's visibility, plus plans backing instances in the user's spaces
   * (reference §3.2), so a plan made private later stays readable to those who use it.
   */
  private async isReadable(plan: ServicePlan, viewer: CatalogViewer): Promise<boolean> {
    if (await this.store.plans.isVisible(plan.id, viewer)) return true;
    return (
      viewer.kind === 'user' && this.store.plans.backsInstanceInSpacesOf(plan.id, viewer.userGuid)
    );
  }

  isVisible(plan: ServicePlan, viewer: CatalogViewer): Promise<boolean> {
    return this.store.plans.isVisible(plan.id, viewer);
  }

  async create(command: CreatePlanCommand): Promise<ServicePlan> {
    const service = await this.store.services.find(command.serviceGuid);
    if (!service)
      throw new CfError(
        'InvalidRelation',
        `Could not find Service with guid: ${command.serviceGuid}`,
      );
    if (service.serviceBrokerGuid !== null) {
      throw new CfError(
        'ServicePlanInvalid',
        `plans of service ${service.label} come from the catalog of its service broker`,
      );
    }
    assertExtra(this.checkExtra, 'ServicePlanInvalid', command.extra, service.extra);
    const fields = toPlanFields(command, randomUUID);
    const guid = await this.writeUnique(service.id, fields.name, fields.uniqueId, undefined, () =>
      this.store.plans.insert(service.id, fields),
    );
    const plan = await this.require(guid);
    this.publish('created', plan);
    return plan;
  }

  /**
   * Names the uniqueness rule a write breaks by querying, not by reading the driver's message
   * (SQLite's quotes the whole INSERT, whose column list always contains `unique_id`).
   */
  private async assertUnique(
    serviceId: number,
    name: string,
    uniqueId: string,
    exceptId: number | undefined,
  ): Promise<void> {
    const taken = await this.store.plans.uniquenessConflicts(serviceId, name, uniqueId, exceptId);
    if (taken.name) throw new CfError('ServicePlanNameTaken', name);
    if (taken.uniqueId) throw new CfError('ServicePlanInvalid', `unique_id ${uniqueId} is taken`);
  }

  /** Checks first; the unique indexes stay the guard when a concurrent write wins the race. */
  private async writeUnique<T>(
    serviceId: number,
    name: string,
    uniqueId: string,
    exceptId: number | undefined,
    write: () => Promise<T>,
  ): Promise<T> {
    await this.assertUnique(serviceId, name, uniqueId, exceptId);
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err)) await this.assertUnique(serviceId, name, uniqueId, exceptId);
      throw err;
    }
  }

  /** CC applies only `public` to a broker's plan (other fields are type-checked, then ignored). */
  async update(guid: string, command: UpdatePlanCommand): Promise<ServicePlan> {
    const plan = await this.require(guid);
    if (plan.serviceBrokerId !== null) {
      await this.store.plans.update(plan.id, { public: command.public });
      return this.updated(guid);
    }
    if (command.extra !== undefined)
      assertExtra(
        this.checkExtra,
        'ServicePlanInvalid',
        command.extra,
        (await this.store.services.find(plan.serviceGuid))?.extra,
      );
    const name = command.name ?? plan.name;
    const uniqueId = command.uniqueId ?? plan.uniqueId;
    await this.writeUnique(plan.serviceId, name, uniqueId, plan.id, () =>
      this.store.plans.update(plan.id, command),
    );
    return this.updated(guid);
  }

  private async updated(guid: string): Promise<ServicePlan> {
    const plan = await this.require(guid);
    this.publish('updated', plan);
    return plan;
  }

  async delete(guid: string): Promise<void> {
    const plan = await this.require(guid);
    await this.store.transaction(async (store) => {
      if ((await store.plans.countInstances(plan.id)) > 0) {
        throw new CfError('AssociationNotEmpty', 'service_instances', 'service_plans');
      }
      await store.plans.delete(plan.id);
    });
    this.publish('deleted', plan);
  }

  private publish(action: 'created' | 'updated' | 'deleted', plan: ServicePlan): void {
    this.deps.changes.publish({
      topic: 'plan',
      action,
      id: plan.guid,
      detail: { name: plan.name, service_guid: plan.serviceGuid },
    });
  }
}
