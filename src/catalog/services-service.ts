import { randomUUID } from 'node:crypto';
import type { ChangeFeed } from '../changes';
import { isUniqueViolation } from '../db/knex';
import type { Paged } from '../db/paging';
import type { PageRequest } from '../db/page-request';
import { offsetOf } from '../db/page-request';
import { CfError } from '../http/cf-errors';
import { assertExtra } from './extra-check';
import { VisibleIdsCache } from './read-cache';
import { viewerCacheKey } from './viewer';
import type { ExtraCheck } from './extra-check';
import type { CatalogStore } from './store-port';
import type {
  CatalogViewer,
  CreateServiceCommand,
  Service,
  ServiceFields,
  ServicePlan,
  UpdateServiceCommand,
} from './types';

export type { ExtraCheck } from './extra-check';

export interface ServiceWithPlans {
  service: Service;
  plans: ServicePlan[] | undefined;
}

export interface CatalogServiceDeps {
  store: CatalogStore;
  changes: ChangeFeed;
  /** Refuses a bad `extra` (the container template); accepts everything when absent. */
  checkExtra?: ExtraCheck;
}

/** CC's defaults for what a new entry leaves out. */
function toServiceFields(command: CreateServiceCommand, uniqueId: () => string): ServiceFields {
  return {
    label: command.label,
    description: command.description,
    longDescription: command.longDescription ?? null,
    infoUrl: command.infoUrl ?? null,
    documentationUrl: command.documentationUrl ?? null,
    provider: command.provider ?? null,
    url: command.url ?? null,
    version: command.version ?? null,
    timeout: command.timeout ?? null,
    active: command.active ?? false,
    bindable: command.bindable ?? true,
    extra: command.extra ?? null,
    uniqueId: command.uniqueId ?? uniqueId(),
    tags: command.tags ?? [],
    requires: command.requires ?? [],
    planUpdateable: command.planUpdateable ?? false,
    bindingsRetrievable: command.bindingsRetrievable ?? false,
    instancesRetrievable: command.instancesRetrievable ?? false,
    allowContextUpdates: command.allowContextUpdates ?? false,
  };
}

/** Catalog entries (`/v2/services`): reads for everyone allowed to see them, writes for admins. */
export class ServicesService {
  private readonly store: CatalogStore;
  private readonly checkExtra: ExtraCheck;
  private readonly visibleIds = new VisibleIdsCache();

  constructor(private readonly deps: CatalogServiceDeps) {
    this.store = deps.store;
    this.checkExtra = deps.checkExtra ?? (() => undefined);
  }

  /**
   * A page of services, with their visible plans when inlined (one extra query, not one per row).
   * Given the catalog generation the caller read, pages come from the ids the viewer may see,
   * computed once per generation (see VisibleIdsCache): a slice and a primary-key read instead of
   * a count and an offset scan per page. An admin's filtered lookup (`q=label:…`, mostly one row,
   * rarely repeated) stays one indexed query.
   */
  async list(
    viewer: CatalogViewer,
    query: PageRequest,
    inlinePlans: boolean,
    generation?: number,
  ): Promise<Paged<ServiceWithPlans>> {
    const page =
      generation === undefined || (viewer.kind === 'everything' && query.filters.length > 0)
        ? await this.store.services.list(query, viewer)
        : await this.visiblePage(viewer, query, generation);
    return { total: page.total, items: await this.withPlans(page.items, viewer, inlinePlans) };
  }

  private async visiblePage(
    viewer: CatalogViewer,
    query: PageRequest,
    generation: number,
  ): Promise<Paged<Service>> {
    const key = JSON.stringify([viewerCacheKey(viewer), query.filters, query.order.direction]);
    const ids = await this.visibleIds.getOrCompute(key, generation, () =>
      this.store.services.visibleIds(query, viewer),
    );
    const start = offsetOf(query);
    const wanted = ids.slice(start, start + query.perPage);
    const byId = new Map((await this.store.services.findByIds(wanted)).map((s) => [s.id, s]));
    // A service removed since the generation was read is left out, as a count-then-page would.
    const items = wanted.flatMap((id) => byId.get(id) ?? []);
    return { total: ids.length, items };
  }

  private async withPlans(
    services: Service[],
    viewer: CatalogViewer,
    inline: boolean,
  ): Promise<ServiceWithPlans[]> {
    if (!inline) return services.map((service) => ({ service, plans: undefined }));
    const plans = await this.store.plans.listForServices(
      services.map((s) => s.id),
      viewer,
    );
    return services.map((service) => ({
      service,
      plans: plans.filter((p) => p.serviceId === service.id),
    }));
  }

  async require(guid: string): Promise<Service> {
    const service = await this.store.services.find(guid);
    if (!service) throw new CfError('ServiceNotFound', guid);
    return service;
  }

  async get(viewer: CatalogViewer, guid: string, inlinePlans: boolean): Promise<ServiceWithPlans> {
    const service = await this.require(guid);
    if (viewer.kind !== 'everything' && !(await this.store.services.find(guid, viewer)))
      throw new CfError('NotAuthorized');
    const [withPlans] = await this.withPlans([service], viewer, inlinePlans);
    return withPlans ?? { service, plans: undefined };
  }

  async listPlans(
    viewer: CatalogViewer,
    guid: string,
    query: PageRequest,
  ): Promise<Paged<ServicePlan>> {
    const { service } = await this.get(viewer, guid, false);
    return this.store.plans.list(query, viewer, service.id);
  }

  async create(command: CreateServiceCommand): Promise<Service> {
    assertExtra(this.checkExtra, 'ServiceInvalid', command.extra, undefined);
    const brokerId =
      command.serviceBrokerGuid === undefined
        ? null
        : await this.brokerId(command.serviceBrokerGuid);
    const fields = toServiceFields(command, randomUUID);
    const guid = await this.writeUnique(fields.label, fields.uniqueId, brokerId, undefined, () =>
      this.store.services.insert(fields, brokerId),
    );
    const service = await this.require(guid);
    this.publish('created', service);
    return service;
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
    const taken = await this.store.services.uniquenessConflicts(
      label,
      uniqueId,
      brokerId,
      exceptId,
    );
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
    const id = await this.store.services.brokerIdByGuid(guid);
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

  async update(guid: string, command: UpdateServiceCommand): Promise<Service> {
    const service = await this.require(guid);
    this.assertBrokerless(service);
    if (command.extra !== undefined)
      assertExtra(this.checkExtra, 'ServiceInvalid', command.extra, undefined);
    const label = command.label ?? service.label;
    const uniqueId = command.uniqueId ?? service.uniqueId;
    await this.writeUnique(label, uniqueId, null, service.id, () =>
      this.store.services.update(service.id, command),
    );
    const updated = await this.require(guid);
    this.publish('updated', updated);
    return updated;
  }

  /** `purge` also removes its plans and their instances, without calling any broker. */
  async delete(guid: string, purge: boolean): Promise<void> {
    const service = await this.require(guid);
    await this.store.transaction(async (store) => {
      if (!purge && (await store.services.countPlans(service.id)) > 0) {
        throw new CfError('AssociationNotEmpty', 'service_plans', 'services');
      }
      await store.services.purge(service.id);
    });
    this.publish('deleted', service);
  }

  private publish(action: 'created' | 'updated' | 'deleted', service: Service): void {
    this.deps.changes.publish({
      topic: 'service',
      action,
      id: service.guid,
      detail: { label: service.label },
    });
  }
}
