import { randomUUID } from 'node:crypto';
import type { Knex } from '../db/knex';
import { isUniqueViolation } from '../db/knex';
import type { Paged } from '../db/paging';
import { inTransaction } from '../db/transaction';
import { CfError } from '../http/cf-errors';
import type { PageRequest } from '../db/page-request';
import { PlansStore } from './plans-store';
import type { ServiceBody, ServiceUpdateBody } from './schemas';
import { ServicesStore } from './services-store';
import type { ServiceFields } from './services-store';
import type { CatalogViewer, Service, ServicePlan } from './types';

export interface ServiceWithPlans {
  service: Service;
  plans: ServicePlan[] | undefined;
}

function toServiceFields(body: ServiceUpdateBody): Partial<ServiceFields> {
  return {
    label: body.label,
    description: body.description,
    longDescription: body.long_description,
    infoUrl: body.info_url,
    documentationUrl: body.documentation_url,
    provider: body.provider,
    url: body.url,
    version: body.version,
    timeout: body.timeout,
    active: body.active,
    bindable: body.bindable,
    extra: body.extra,
    uniqueId: body.unique_id,
    tags: body.tags,
    requires: body.requires,
    planUpdateable: body.plan_updateable,
    bindingsRetrievable: body.bindings_retrievable,
    instancesRetrievable: body.instances_retrievable,
    allowContextUpdates: body.allow_context_updates,
  };
}

/** Catalog entries (`/v2/services`): reads for everyone allowed to see them, writes for admins. */
export class ServicesService {
  private readonly services: ServicesStore;
  private readonly plans: PlansStore;

  constructor(
    private readonly knex: Knex,
    private readonly checkExtra: ExtraCheck = () => undefined,
  ) {
    this.services = new ServicesStore(knex);
    this.plans = new PlansStore(knex);
  }

  /** A page of services, with their visible plans when inlined (one extra query, not one per row). */
  async list(
    viewer: CatalogViewer,
    query: PageRequest,
    inlinePlans: boolean,
  ): Promise<Paged<ServiceWithPlans>> {
    const page = await this.services.list(query, viewer);
    return { total: page.total, items: await this.withPlans(page.items, viewer, inlinePlans) };
  }

  private async withPlans(
    services: Service[],
    viewer: CatalogViewer,
    inline: boolean,
  ): Promise<ServiceWithPlans[]> {
    if (!inline) return services.map((service) => ({ service, plans: undefined }));
    const plans = await this.plans.listForServices(
      services.map((s) => s.id),
      viewer,
    );
    return services.map((service) => ({
      service,
      plans: plans.filter((p) => p.serviceId === service.id),
    }));
  }

  async require(guid: string): Promise<Service> {
    const service = await this.services.find(guid);
    if (!service) throw new CfError('ServiceNotFound', guid);
    return service;
  }

  async get(viewer: CatalogViewer, guid: string, inlinePlans: boolean): Promise<ServiceWithPlans> {
    const service = await this.require(guid);
    if (viewer.kind !== 'everything' && !(await this.services.find(guid, viewer)))
      throw new CfError('NotAuthorized');
    const [withPlans] = await this.withPlans([service], viewer, inlinePlans);
    return withPlans ?? { service, plans: undefined };
  }

  async listPlans(
    viewer: CatalogViewer,
    guid: string,
    query: PageRequest,
  ): Promise<Paged<ServicePlan>> {
    const service = await this.get(viewer, guid, false);
    return this.plans.list(
      query,
      viewer,
      (qb) => void qb.where('service_plans.service_id', service.service.id),
    );
  }

  async create(body: ServiceBody): Promise<Service> {
    assertExtra(this.checkExtra, 'ServiceInvalid', body.extra, undefined);
    const brokerId =
      body.service_broker_guid === undefined ? null : await this.brokerId(body.service_broker_guid);
    const fields: ServiceFields = {
      label: body.label,
      description: body.description,
      longDescription: body.long_description ?? null,
      infoUrl: body.info_url ?? null,
      documentationUrl: body.documentation_url ?? null,
      provider: body.provider ?? null,
      url: body.url ?? null,
      version: body.version ?? null,
      timeout: body.timeout ?? null,
      active: body.active ?? false,
      bindable: body.bindable ?? true,
      extra: body.extra ?? null,
      uniqueId: body.unique_id ?? randomUUID(),
      tags: body.tags ?? [],
      requires: body.requires ?? [],
      planUpdateable: body.plan_updateable ?? false,
      bindingsRetrievable: body.bindings_retrievable ?? false,
      instancesRetrievable: body.instances_retrievable ?? false,
      allowContextUpdates: body.allow_context_updates ?? false,
    };
    const guid = await this.writeUnique(fields.label, fields.uniqueId, brokerId, undefined, () =>
      this.services.insert(fields, brokerId),
    );
    return this.require(guid);
  }

  /**
   * Names the uniqueness rule a write breaks by querying, not by reading the driver's message
   * (SQLite's quotes the whole INSERT, whose column list always contains `unique_id`).
   */
  private async assertUnique(
    label: string,
    uniqueId: string,
    brokerId: number | null,
    exceptId: number | undefined,
  ): Promise<void> {
    const taken = await this.services.uniquenessConflicts(label, uniqueId, brokerId, exceptId);
    if (taken.label) throw new CfError('ServiceLabelTaken', label);
    if (taken.uniqueId) throw new CfError('ServiceInvalid', `unique_id ${uniqueId} is taken`);
  }

  /** Checks first; the unique indexes stay the guard when a concurrent write wins the race. */
  private async writeUnique<T>(
    label: string,
    uniqueId: string,
    brokerId: number | null,
    exceptId: number | undefined,
    write: () => Promise<T>,
  ): Promise<T> {
    await this.assertUnique(label, uniqueId, brokerId, exceptId);
    try {
      return await write();
    } catch (err) {
      if (isUniqueViolation(err)) await this.assertUnique(label, uniqueId, brokerId, exceptId);
      throw err;
    }
  }

  private async brokerId(guid: string): Promise<number> {
    const id = await this.services.brokerIdByGuid(guid);
    if (id === undefined)
      throw new CfError('InvalidRelation', `Could not find ServiceBroker with guid: ${guid}`);
    return id;
  }

  /** Entries synced from a broker belong to it: its catalog is their only source (DESIGN.md). */
  private assertBrokerless(service: Service): void {
    if (service.serviceBrokerGuid !== null) {
      throw new CfError(
        'ServiceInvalid',
        `service ${service.label} is owned by service broker ${service.serviceBrokerName ?? service.serviceBrokerGuid}; change it in the broker's catalog`,
      );
    }
  }

  async update(guid: string, body: ServiceUpdateBody): Promise<Service> {
    const service = await this.require(guid);
    this.assertBrokerless(service);
    if (body.extra !== undefined)
      assertExtra(this.checkExtra, 'ServiceInvalid', body.extra, undefined);
    const label = body.label ?? service.label;
    const uniqueId = body.unique_id ?? service.uniqueId;
    await this.writeUnique(label, uniqueId, null, service.id, () =>
      this.services.update(service.id, toServiceFields(body)),
    );
    return this.require(guid);
  }

  async delete(guid: string, purge: boolean): Promise<void> {
    const service = await this.require(guid);
    await inTransaction(this.knex, async (trx) => {
      const store = new ServicesStore(trx);
      if (!purge && (await store.countPlans(service.id)) > 0) {
        throw new CfError('AssociationNotEmpty', 'service_plans', 'services');
      }
      await store.purge(service.id);
    });
  }
}

/**
 * Checks a catalog entry's `extra` (e.g. a container template, see src/instances). Returns the
 * problem, naming the field, or undefined. `serviceExtra` is the service's own when checking a plan.
 */
export type ExtraCheck = (
  extra: string | null,
  serviceExtra: string | null | undefined,
) => string | undefined;

export function assertExtra(
  check: ExtraCheck,
  error: 'ServiceInvalid' | 'ServicePlanInvalid',
  extra: string | undefined | null,
  serviceExtra: string | null | undefined,
): void {
  const problem = check(extra ?? null, serviceExtra);
  if (problem !== undefined) throw new CfError(error, problem);
}
