import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db, Knex } from '../db/knex';
import { applyFilters } from '../db/apply-filters';
import type { FilterColumns } from '../db/apply-filters';
import { pageOf } from '../db/paging';
import { spacesWithRole } from '../orgs';
import type { PlanUsage } from './plan-usage';
import type { Paged } from '../db/paging';
import { currentTimestamp } from '../db/timestamps';
import type { PageRequest } from '../db/page-request';
import { toPlan } from './rows';
import type { PlanRow } from './rows';
import { brokerIdsMatching, spaceScopedBrokers } from '../broker-registry';
import { restrictPlansTo } from './visibility-sql';
import type { PlanConflicts, PlansStore } from './store-port';
import type { CatalogViewer, PlanFields, ServicePlan } from './types';

export type { PlanFields } from './types';

function planFilters(db: Db, usage: PlanUsage): FilterColumns {
  return {
    active: { kind: 'boolean', column: 'service_plans.active' },
    service_guid: { kind: 'relation', column: 'service_plans.service_id', table: 'services' },
    service_instance_guid: usage.instanceFilter('service_plans.id'),
    service_broker_guid: {
      kind: 'custom',
      apply: (qb, operator, values) =>
        void qb.whereIn(
          'service_plans.service_id',
          db('services')
            .select('services.id')
            .whereIn(
              'services.service_broker_id',
              brokerIdsMatching(db, { field: 'service_broker_guid', operator, values }),
            ),
        ),
    },
    unique_id: { kind: 'string', column: 'service_plans.unique_id' },
  };
}

export function toPlanColumns(f: Partial<PlanFields>): Record<string, unknown> {
  const columns: Record<string, unknown> = {
    name: f.name,
    description: f.description,
    free: f.free,
    public: f.public,
    active: f.active,
    bindable: f.bindable,
    plan_updateable: f.planUpdateable,
    maximum_polling_duration: f.maximumPollingDuration,
    maintenance_info:
      f.maintenanceInfo === undefined
        ? undefined
        : f.maintenanceInfo === null
          ? null
          : JSON.stringify(f.maintenanceInfo),
    schemas: f.schemas === undefined ? undefined : JSON.stringify(f.schemas),
    extra: f.extra,
    unique_id: f.uniqueId,
  };
  return Object.fromEntries(Object.entries(columns).filter(([, v]) => v !== undefined));
}

export class SqlPlansStore implements PlansStore {
  private readonly filters: FilterColumns;

  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly usage: PlanUsage,
  ) {
    this.filters = planFilters(db, usage);
  }

  private now(): string {
    return currentTimestamp(this.clock.now());
  }

  private select(): Knex.QueryBuilder {
    return this.db('service_plans')
      .join('services', 'services.id', 'service_plans.service_id')
      .select(
        'service_plans.*',
        'services.guid as service_guid',
        'services.bindable as service_bindable',
        'services.service_broker_id as service_broker_id',
      );
  }

  async list(
    query: PageRequest,
    viewer: CatalogViewer,
    serviceId?: number,
  ): Promise<Paged<ServicePlan>> {
    const qb = this.select();
    applyFilters(qb, query, this.filters);
    restrictPlansTo(qb, this.db, viewer);
    if (serviceId !== undefined) void qb.where('service_plans.service_id', serviceId);
    const { total, rows } = await pageOf<PlanRow>(qb, query, 'service_plans.id');
    return { total, items: rows.map(toPlan) };
  }

  /** Visible plans of several services at once (for inline-relations-depth): one query. */
  async listForServices(
    serviceIds: readonly number[],
    viewer: CatalogViewer,
  ): Promise<ServicePlan[]> {
    if (serviceIds.length === 0) return [];
    const qb = this.select()
      .whereIn('service_plans.service_id', serviceIds)
      .orderBy('service_plans.id');
    restrictPlansTo(qb, this.db, viewer);
    const rows: PlanRow[] = await qb;
    return rows.map(toPlan);
  }

  async find(guid: string): Promise<ServicePlan | undefined> {
    const row: PlanRow | undefined = await this.select().where('service_plans.guid', guid).first();
    return row ? toPlan(row) : undefined;
  }

  async isVisible(planId: number, viewer: CatalogViewer): Promise<boolean> {
    const qb = this.db('service_plans')
      .select('service_plans.id')
      .where('service_plans.id', planId);
    restrictPlansTo(qb, this.db, viewer);
    return (await qb.first()) !== undefined;
  }

  /** Whether the plan backs an instance in a space where the user holds a role. */
  async backsInstanceInSpacesOf(planId: number, userGuid: string): Promise<boolean> {
    const row: unknown = await this.db('service_plans')
      .where('service_plans.id', planId)
      .whereIn(
        'service_plans.id',
        this.usage.plansUsedInSpaces(this.db, spacesWithRole(this.db, { userGuid })),
      )
      .first('service_plans.id');
    return row !== undefined;
  }

  async isFromSpaceScopedBroker(planId: number): Promise<boolean> {
    const row: unknown = await this.db('service_plans')
      .join('services', 'services.id', 'service_plans.service_id')
      .where('service_plans.id', planId)
      .whereIn('services.service_broker_id', spaceScopedBrokers(this.db))
      .first('service_plans.id');
    return row !== undefined;
  }

  async insert(serviceId: number, fields: PlanFields): Promise<string> {
    const now = this.now();
    const guid = randomUUID();
    await this.db('service_plans').insert({
      ...toPlanColumns(fields),
      guid,
      service_id: serviceId,
      created_at: now,
      updated_at: now,
    });
    return guid;
  }

  async update(id: number, fields: Partial<PlanFields>): Promise<void> {
    await this.db('service_plans')
      .where({ id })
      .update({ ...toPlanColumns(fields), updated_at: this.now() });
  }

  /** Which per-service uniqueness rule a write would break (mirrors the unique indexes). */
  async uniquenessConflicts(
    serviceId: number,
    name: string,
    uniqueId: string,
    exceptId?: number,
  ): Promise<PlanConflicts> {
    const qb = this.db('service_plans')
      .select('name', 'unique_id')
      .where('service_id', serviceId)
      .where((inner) => void inner.where('name', name).orWhere('unique_id', uniqueId));
    if (exceptId !== undefined) void qb.whereNot('id', exceptId);
    const rows: { name: string; unique_id: string }[] = await qb;
    return {
      name: rows.some((r) => r.name === name),
      uniqueId: rows.some((r) => r.unique_id === uniqueId),
    };
  }

  async countInstances(planId: number): Promise<number> {
    return this.usage.countUsesOf(this.db, planId);
  }

  async delete(planId: number): Promise<void> {
    // Visibilities go with the plan (reference §3.2).
    await this.db('service_plan_visibilities').where('service_plan_id', planId).delete();
    await this.db('service_plans').where('id', planId).delete();
  }
}
