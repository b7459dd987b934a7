import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db, Knex } from '../db/knex';
import { applyFilters } from '../db/apply-filters';
import type { FilterColumns } from '../db/apply-filters';
import { pageOf } from '../db/paging';
import type { Paged } from '../db/paging';
import { currentTimestamp, fromDbTimestamp } from '../db/timestamps';
import type { PageRequest } from '../db/page-request';
import { organizationGuidFilter, organizationGuidOf } from '../orgs';
import type { VisibilitiesStore } from './store-port';
import type { PlanVisibility } from './types';

export const VISIBILITY_FILTERS: FilterColumns = {
  organization_guid: organizationGuidFilter('service_plan_visibilities.organization_id'),
  service_plan_guid: {
    kind: 'relation',
    column: 'service_plan_visibilities.service_plan_id',
    table: 'service_plans',
  },
};

interface VisibilityRow {
  id: number;
  guid: string;
  service_plan_guid: string;
  organization_guid: string;
  created_at: unknown;
  updated_at: unknown;
}

function toVisibility(row: VisibilityRow): PlanVisibility {
  return {
    id: row.id,
    guid: row.guid,
    servicePlanGuid: row.service_plan_guid,
    organizationGuid: row.organization_guid,
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}

export class SqlVisibilitiesStore implements VisibilitiesStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private select(): Knex.QueryBuilder {
    return this.db('service_plan_visibilities')
      .join('service_plans', 'service_plans.id', 'service_plan_visibilities.service_plan_id')
      .select(
        'service_plan_visibilities.*',
        'service_plans.guid as service_plan_guid',
        organizationGuidOf(this.db, 'service_plan_visibilities.organization_id').as(
          'organization_guid',
        ),
      );
  }

  async list(query: PageRequest): Promise<Paged<PlanVisibility>> {
    const qb = this.select();
    applyFilters(qb, query, VISIBILITY_FILTERS);
    const { total, rows } = await pageOf<VisibilityRow>(qb, query, 'service_plan_visibilities.id');
    return { total, items: rows.map(toVisibility) };
  }

  async find(guid: string): Promise<PlanVisibility | undefined> {
    const row: VisibilityRow | undefined = await this.select()
      .where('service_plan_visibilities.guid', guid)
      .first();
    return row ? toVisibility(row) : undefined;
  }

  async exists(planId: number, organizationId: number, exceptId?: number): Promise<boolean> {
    const qb = this.db('service_plan_visibilities').where({
      service_plan_id: planId,
      organization_id: organizationId,
    });
    if (exceptId !== undefined) void qb.whereNot('id', exceptId);
    return (await qb.first('id')) !== undefined;
  }

  async insert(planId: number, organizationId: number): Promise<string> {
    const now = currentTimestamp(this.clock.now());
    const guid = randomUUID();
    await this.db('service_plan_visibilities').insert({
      guid,
      service_plan_id: planId,
      organization_id: organizationId,
      created_at: now,
      updated_at: now,
    });
    return guid;
  }

  async update(id: number, planId: number, organizationId: number): Promise<void> {
    await this.db('service_plan_visibilities')
      .where({ id })
      .update({
        service_plan_id: planId,
        organization_id: organizationId,
        updated_at: currentTimestamp(this.clock.now()),
      });
  }

  async delete(id: number): Promise<void> {
    await this.db('service_plan_visibilities').where({ id }).delete();
  }
}
