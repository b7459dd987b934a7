import { randomUUID } from 'node:crypto';
import type { Knex } from '../db/knex';
import { isUniqueViolation } from '../db/knex';
import type { Paged } from '../db/paging';
import { inTransaction } from '../db/transaction';
import { CfError } from '../http/cf-errors';
import type { PageRequest } from '../db/page-request';
import { PlansStore } from './plans-store';
import type { PlanFields } from './plans-store';
import type { PlanBody, PlanUpdateBody } from './schemas';
import { ServicesStore } from './services-store';
import { assertExtra } from './services-service';
import type { ExtraCheck } from './services-service';
import type { CatalogViewer, Service, ServicePlan } from './types';

export interface PlanWithService {
  plan: ServicePlan;
  service: Service | undefined;
}

function toPlanFields(body: PlanUpdateBody): Partial<PlanFields> {
  return {
    name: body.name,
    description: body.description,
    free: body.free,
    public: body.public,
    active: body.active,
    bindable: body.bindable,
    planUpdateable: body.plan_updateable,
    maximumPollingDuration: body.maximum_polling_duration,
    maintenanceInfo: body.maintenance_info,
    schemas: body.schemas,
    extra: body.extra,
    uniqueId: body.unique_id,
  };
}

/** Service plans (`/v2/service_plans`). A broker's plans come only from its catalog. */
export class PlansService {
  private readonly plans: PlansStore;
  private readonly services: ServicesStore;

  constructor(
    private readonly knex: Knex,
    private readonly checkExtra: ExtraCheck = () => undefined,
  ) {
    this.plans = new PlansStore(knex);
    this.services = new ServicesStore(knex);
  }

  async list(
    viewer: CatalogViewer,
    query: PageRequest,
    inlineService: boolean,
  ): Promise<Paged<PlanWithService>> {
    const page = await this.plans.list(query, viewer);
    return { total: page.total, items: await this.withServices(page.items, inlineService) };
  }

  private async withServices(plans: ServicePlan[], inline: boolean): Promise<PlanWithService[]> {
    if (!inline) return plans.map((plan) => ({ plan, service: undefined }));
    const services = await this.services.findByIds([...new Set(plans.map((p) => p.serviceId))]);
    return plans.map((plan) => ({ plan, service: services.find((s) => s.id === plan.serviceId) }));
  }

  async require(guid: string): Promise<ServicePlan> {
    const plan = await this.plans.find(guid);
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
    if (await this.plans.isVisible(plan.id, viewer)) return true;
    return viewer.kind === 'user' && this.plans.backsInstanceInSpacesOf(plan.id, viewer.userGuid);
  }

  isVisible(plan: ServicePlan, viewer: CatalogViewer): Promise<boolean> {
    return this.plans.isVisible(plan.id, viewer);
  }

  async create(body: PlanBody): Promise<ServicePlan> {
    const service = await this.services.find(body.service_guid);
    if (!service)
      throw new CfError(
        'InvalidRelation',
        `Could not find Service with guid: ${body.service_guid}`,
      );
    if (service.serviceBrokerGuid !== null) {
      throw new CfError(
        'ServicePlanInvalid',
        `plans of service ${service.label} come from the catalog of its service broker`,
      );
    }
    assertExtra(this.checkExtra, 'ServicePlanInvalid', body.extra, service.extra);
    const fields: PlanFields = {
      name: body.name,
      description: body.description,
      free: body.free ?? true,
      public: body.public ?? true,
      active: body.active ?? true,
      bindable: body.bindable ?? null,
      planUpdateable: body.plan_updateable ?? null,
      maximumPollingDuration: body.maximum_polling_duration ?? null,
      maintenanceInfo: body.maintenance_info ?? null,
      schemas: body.schemas ?? {},
      extra: body.extra ?? null,
      uniqueId: body.unique_id ?? randomUUID(),
    };
    const guid = await this.writeUnique(service.id, fields.name, fields.uniqueId, undefined, () =>
      this.plans.insert(service.id, fields),
    );
    return this.require(guid);
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
    const taken = await this.plans.uniquenessConflicts(serviceId, name, uniqueId, exceptId);
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
  async update(guid: string, body: PlanUpdateBody): Promise<ServicePlan> {
    const plan = await this.require(guid);
    if (plan.serviceBrokerId !== null) {
      await this.plans.update(plan.id, { public: body.public });
      return this.require(guid);
    }
    if (body.extra !== undefined)
      assertExtra(
        this.checkExtra,
        'ServicePlanInvalid',
        body.extra,
        (await this.services.find(plan.serviceGuid))?.extra,
      );
    const name = body.name ?? plan.name;
    const uniqueId = body.unique_id ?? plan.uniqueId;
    await this.writeUnique(plan.serviceId, name, uniqueId, plan.id, () =>
      this.plans.update(plan.id, toPlanFields(body)),
    );
    return this.require(guid);
  }

  async delete(guid: string): Promise<void> {
    const plan = await this.require(guid);
    await inTransaction(this.knex, async (trx) => {
      const store = new PlansStore(trx);
      if ((await store.countInstances(plan.id)) > 0) {
        throw new CfError('AssociationNotEmpty', 'service_instances', 'service_plans');
      }
      await store.delete(plan.id);
    });
  }
}
