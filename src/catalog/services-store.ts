import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db, Knex } from '../db/knex';
import { applyFilters } from '../db/apply-filters';
import type { FilterColumns } from '../db/apply-filters';
import { countOf, pageOf } from '../db/paging';
import type { Paged } from '../db/paging';
import { currentTimestamp } from '../db/timestamps';
import type { PageRequest } from '../db/page-request';
import { toService } from './rows';
import type { ServiceRow } from './rows';
import { brokerGuidFilter, brokerIdWithGuid, selectBrokerIdentity } from '../broker-registry';
import { restrictServicesTo } from './visibility-sql';
import type { PlanUsage } from './plan-usage';
import type { ServiceConflicts, ServicesStore } from './store-port';
import type { CatalogViewer, Service, ServiceFields } from './types';

export type { ServiceFields } from './types';

export const SERVICE_FILTERS: FilterColumns = {
  active: { kind: 'boolean', column: 'services.active' },
  label: { kind: 'string', column: 'services.label' },
  provider: { kind: 'string', column: 'services.provider' },
  service_broker_guid: brokerGuidFilter('services.service_broker_id'),
  unique_id: { kind: 'string', column: 'services.unique_id' },
};

export function toServiceColumns(f: Partial<ServiceFields>): Record<string, unknown> {
  const columns: Record<string, unknown> = {
    label: f.label,
    description: f.description,
    long_description: f.longDescription,
    info_url: f.infoUrl,
    documentation_url: f.documentationUrl,
    provider: f.provider,
    url: f.url,
    version: f.version,
    timeout: f.timeout,
    active: f.active,
    bindable: f.bindable,
    extra: f.extra,
    unique_id: f.uniqueId,
    tags: f.tags === undefined ? undefined : JSON.stringify(f.tags),
    requires: f.requires === undefined ? undefined : JSON.stringify(f.requires),
    plan_updateable: f.planUpdateable,
    bindings_retrievable: f.bindingsRetrievable,
    instances_retrievable: f.instancesRetrievable,
    allow_context_updates: f.allowContextUpdates,
  };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
}

export class SqlServicesStore implements ServicesStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly usage: PlanUsage,
  ) {}

  private now(): string {
    return currentTimestamp(this.clock.now());
  }

  private select(): Knex.QueryBuilder {
    return selectBrokerIdentity(
      this.db('services').select('services.*'),
      'services.service_broker_id',
    );
  }

  async list(query: PageRequest, viewer: CatalogViewer): Promise<Paged<Service>> {
    const qb = this.select();
    applyFilters(qb, query, SERVICE_FILTERS);
    restrictServicesTo(qb, this.db, viewer);
    const { total, rows } = await pageOf<ServiceRow>(qb, query, 'services.id');
    return { total, items: rows.map(toService) };
  }

  async find(
    guid: string,
    viewer: CatalogViewer = { kind: 'everything' },
  ): Promise<Service | undefined> {
    const qb = this.select().where('services.guid', guid);
    restrictServicesTo(qb, this.db, viewer);
    const row: ServiceRow | undefined = await qb.first();
    return row ? toService(row) : undefined;
  }

  async visibleIds(
    request: Pick<PageRequest, 'filters' | 'order'>,
    viewer: CatalogViewer,
  ): Promise<number[]> {
    const qb = this.db('services').select('services.id');
    applyFilters(qb, request, SERVICE_FILTERS);
    restrictServicesTo(qb, this.db, viewer);
    const rows: { id: number | string }[] = await qb.orderBy(
      'services.id',
      request.order.direction,
    );
    return rows.map((r) => Number(r.id));
  }

  async findByIds(ids: readonly number[]): Promise<Service[]> {
    if (ids.length === 0) return [];
    const rows: ServiceRow[] = await this.select().whereIn('services.id', ids);
    return rows.map(toService);
  }

  async insert(fields: ServiceFields, serviceBrokerId: number | null): Promise<string> {
    const now = this.now();
    const guid = randomUUID();
    await this.db('services').insert({
      ...toServiceColumns(fields),
      guid,
      service_broker_id: serviceBrokerId,
      created_at: now,
      updated_at: now,
    });
    return guid;
  }

  async update(id: number, fields: Partial<ServiceFields>): Promise<void> {
    await this.db('services')
      .where({ id })
      .update({ ...toServiceColumns(fields), updated_at: this.now() });
  }

  async brokerIdByGuid(guid: string): Promise<number | undefined> {
    const row: { id: number } | undefined = await brokerIdWithGuid(this.db, guid).first();
    return row?.id;
  }

  /**
   * Which uniqueness rule a write would break: labels are unique among broker-less entries,
   * unique_ids within one broker (or among broker-less entries). Mirrors the unique indexes.
   */
  async uniquenessConflicts(
    label: string,
    uniqueId: string,
    serviceBrokerId: number | null,
    exceptId?: number,
  ): Promise<ServiceConflicts> {
    const qb = this.db('services').select('label', 'unique_id');
    void (serviceBrokerId === null
      ? qb.whereNull('service_broker_id')
      : qb.where('service_broker_id', serviceBrokerId));
    if (exceptId !== undefined) void qb.whereNot('id', exceptId);
    void qb.where((inner) => {
      void inner.where('unique_id', uniqueId);
      if (serviceBrokerId === null) void inner.orWhere('label', label);
    });
    const rows: { label: string; unique_id: string }[] = await qb;
    return {
      label: serviceBrokerId === null && rows.some((r) => r.label === label),
      uniqueId: rows.some((r) => r.unique_id === uniqueId),
    };
  }

  async countPlans(serviceId: number): Promise<number> {
    return countOf(
      await this.db('service_plans').where('service_id', serviceId).count({ n: '*' }).first(),
    );
  }

  /** Removes a service and everything hanging off it, without any broker call (purge). */
  async purge(serviceId: number): Promise<void> {
    const plans = this.db('service_plans').select('id').where('service_id', serviceId);
    await this.usage.purgeUsesOf(this.db, plans);
    await this.db('service_plan_visibilities').whereIn('service_plan_id', plans).delete();
    await this.db('service_plans').where('service_id', serviceId).delete();
    await this.db('services').where('id', serviceId).delete();
  }
}
