import { randomUUID } from 'node:crypto';
import { pageOfUsers, selectUserIdsByGuid, userIdsWithGuid } from '../auth';
import type { User, UserIdFilter } from '../auth';
import type { Clock } from '../clock';
import type { Db, Knex } from '../db/knex';
import { applyFilters, whereMatches } from '../db/apply-filters';
import type { FilterColumns } from '../db/apply-filters';
import { countOf, pageOf } from '../db/paging';
import type { Paged } from '../db/paging';
import { currentTimestamp, fromDbTimestamp } from '../db/timestamps';
import type { PageRequest } from '../db/page-request';
import { defaultQuotaGuidQuery } from '../quotas';
import { orgsVisibleTo, spacesVisibleTo } from './membership';
import type {
  NewOrganization,
  NewSpace,
  OrganizationChanges,
  OrgsStore,
  RoleHolding,
  SpaceChanges,
  SpaceScope,
} from './store-port';
import type { Organization, OrgRole, Space, SpaceRole } from './types';

/** A set of space ids, as a sub-select or a list. */
export type SpaceIds = Knex.QueryBuilder | number[];

/**
 * Rows of another feature that keep a space from being deleted (CC's AssociationNotEmpty),
 * counted by that feature's own exported query piece; app.ts hands the list in.
 */
export interface SpaceDependent {
  /** The association CC names in the error, e.g. `service_instances`. */
  association: string;
  countIn(db: Db, spaceIds: SpaceIds): Promise<number>;
}

interface OrgRow {
  id: number;
  guid: string;
  name: string;
  status: string;
  billing_enabled: number | boolean;
  quota_definition_guid: string | null;
  created_at: unknown;
  updated_at: unknown;
}

interface SpaceRow {
  id: number;
  guid: string;
  name: string;
  organization_id: number;
  organization_guid: string;
  allow_ssh: number | boolean;
  created_at: unknown;
  updated_at: unknown;
}

function toOrganization(row: OrgRow): Organization {
  return {
    id: row.id,
    guid: row.guid,
    name: row.name,
    status: row.status === 'suspended' ? 'suspended' : 'active',
    billingEnabled: Boolean(row.billing_enabled),
    quotaDefinitionGuid: row.quota_definition_guid,
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}

function toSpace(row: SpaceRow): Space {
  return {
    id: row.id,
    guid: row.guid,
    name: row.name,
    organizationId: row.organization_id,
    organizationGuid: row.organization_guid,
    allowSsh: Boolean(row.allow_ssh),
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}

function userRoleFilter(
  table: 'organization_roles' | 'space_roles',
  key: string,
  role: string | undefined,
): FilterColumns[string] {
  return {
    kind: 'custom',
    apply: (qb, operator, values) => {
      void qb.whereIn(
        `${table === 'organization_roles' ? 'organizations' : 'spaces'}.id`,
        function (this: Knex.QueryBuilder) {
          void this.select(`${table}.${key}`)
            .from(table)
            .whereIn(`${table}.user_id`, function (this: Knex.QueryBuilder) {
              selectUserIdsByGuid(this, operator, values);
            });
          if (role !== undefined) void this.where(`${table}.role`, role);
        },
      );
    },
  };
}

export const ORGANIZATION_FILTERS: FilterColumns = {
  name: { kind: 'caseless', column: 'organizations.name' },
  status: { kind: 'string', column: 'organizations.status' },
  space_guid: {
    kind: 'custom',
    apply: (qb, operator, values) => {
      void qb.whereIn('organizations.id', function (this: Knex.QueryBuilder) {
        void this.select('organization_id').from('spaces');
        whereMatches(this, 'guid', operator, values);
      });
    },
  },
  user_guid: userRoleFilter('organization_roles', 'organization_id', 'users'),
  manager_guid: userRoleFilter('organization_roles', 'organization_id', 'managers'),
  billing_manager_guid: userRoleFilter('organization_roles', 'organization_id', 'billing_managers'),
  auditor_guid: userRoleFilter('organization_roles', 'organization_id', 'auditors'),
};

export const SPACE_FILTERS: FilterColumns = {
  name: { kind: 'caseless', column: 'spaces.name' },
  organization_guid: { kind: 'relation', column: 'spaces.organization_id', table: 'organizations' },
  developer_guid: userRoleFilter('space_roles', 'space_id', 'developers'),
  manager_guid: userRoleFilter('space_roles', 'space_id', 'managers'),
  auditor_guid: userRoleFilter('space_roles', 'space_id', 'auditors'),
};

export class SqlOrgsStore implements OrgsStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
    private readonly dependents: readonly SpaceDependent[],
  ) {}

  transaction<T>(work: (store: OrgsStore) => Promise<T>): Promise<T> {
    return this.db.transaction((trx) => work(new SqlOrgsStore(trx, this.clock, this.dependents)));
  }

  private now(): string {
    return currentTimestamp(this.clock.now());
  }

  private orgs(): Knex.QueryBuilder {
    // Every organization uses the one default quota definition (src/quotas; none is enforced).
    return this.db('organizations').select(
      'organizations.*',
      defaultQuotaGuidQuery(this.db).as('quota_definition_guid'),
    );
  }

  private spaces(): Knex.QueryBuilder {
    return this.db('spaces')
      .join('organizations', 'organizations.id', 'spaces.organization_id')
      .select('spaces.*', 'organizations.guid as organization_guid');
  }

  async listOrganizations(
    query: PageRequest,
    visibleToUserId: number | undefined,
  ): Promise<Paged<Organization>> {
    const qb = this.orgs();
    applyFilters(qb, query, ORGANIZATION_FILTERS);
    if (visibleToUserId !== undefined) {
      void qb.whereIn('organizations.id', orgsVisibleTo(this.db, { userId: visibleToUserId }));
    }
    const { total, rows } =
      query.order.by === 'name'
        ? await pageOf<OrgRow>(qb, query, 'organizations.name', 'text')
        : await pageOf<OrgRow>(qb, query, 'organizations.id');
    return { total, items: rows.map(toOrganization) };
  }

  async findOrganization(guid: string): Promise<Organization | undefined> {
    const row: OrgRow | undefined = await this.orgs().where('organizations.guid', guid).first();
    return row ? toOrganization(row) : undefined;
  }

  async insertOrganization(fields: NewOrganization): Promise<string> {
    const now = this.now();
    const guid = randomUUID();
    await this.db('organizations').insert({
      guid,
      name: fields.name,
      status: fields.status,
      billing_enabled: fields.billingEnabled,
      created_at: now,
      updated_at: now,
    });
    return guid;
  }

  async updateOrganization(id: number, fields: OrganizationChanges): Promise<void> {
    await this.db('organizations')
      .where({ id })
      .update({
        ...(fields.name !== undefined ? { name: fields.name } : {}),
        ...(fields.status !== undefined ? { status: fields.status } : {}),
        ...(fields.billingEnabled !== undefined ? { billing_enabled: fields.billingEnabled } : {}),
        updated_at: this.now(),
      });
  }

  async deleteOrganization(id: number): Promise<void> {
    await this.db('space_roles')
      .whereIn('space_id', this.db('spaces').select('id').where('organization_id', id))
      .delete();
    await this.db('spaces').where('organization_id', id).delete();
    await this.db('organizations').where({ id }).delete();
  }

  async firstDependentIn(scope: SpaceScope): Promise<string | undefined> {
    const spaceIds: SpaceIds =
      'spaceId' in scope
        ? [scope.spaceId]
        : this.db('spaces').select('id').where('organization_id', scope.organizationId);
    for (const dependent of this.dependents) {
      if ((await dependent.countIn(this.db, spaceIds)) > 0) return dependent.association;
    }
    return undefined;
  }

  async countSpaces(organizationId: number): Promise<number> {
    const row: unknown = await this.db('spaces')
      .where('organization_id', organizationId)
      .count({ n: '*' })
      .first();
    return countOf(row);
  }

  async listSpaces(
    query: PageRequest,
    visibleToUserId: number | undefined,
    organizationId?: number,
  ): Promise<Paged<Space>> {
    const qb = this.spaces();
    applyFilters(qb, query, SPACE_FILTERS);
    if (organizationId !== undefined) void qb.where('spaces.organization_id', organizationId);
    if (visibleToUserId !== undefined) {
      void qb.whereIn('spaces.id', spacesVisibleTo(this.db, { userId: visibleToUserId }));
    }
    const { total, rows } =
      query.order.by === 'name'
        ? await pageOf<SpaceRow>(qb, query, 'spaces.name', 'text')
        : await pageOf<SpaceRow>(qb, query, 'spaces.id');
    return { total, items: rows.map(toSpace) };
  }

  async findSpace(guid: string): Promise<Space | undefined> {
    const row: SpaceRow | undefined = await this.spaces().where('spaces.guid', guid).first();
    return row ? toSpace(row) : undefined;
  }

  async insertSpace(fields: NewSpace): Promise<string> {
    const now = this.now();
    const guid = randomUUID();
    await this.db('spaces').insert({
      guid,
      name: fields.name,
      organization_id: fields.organizationId,
      allow_ssh: fields.allowSsh,
      created_at: now,
      updated_at: now,
    });
    return guid;
  }

  async updateSpace(id: number, fields: SpaceChanges): Promise<void> {
    await this.db('spaces')
      .where({ id })
      .update({
        ...(fields.name !== undefined ? { name: fields.name } : {}),
        ...(fields.allowSsh !== undefined ? { allow_ssh: fields.allowSsh } : {}),
        updated_at: this.now(),
      });
  }

  async deleteSpace(id: number): Promise<void> {
    await this.db('space_roles').where('space_id', id).delete();
    await this.db('spaces').where({ id }).delete();
  }

  async addOrgRole(organizationId: number, userId: number, role: OrgRole): Promise<void> {
    await this.db('organization_roles')
      .insert({ organization_id: organizationId, user_id: userId, role })
      .onConflict(['organization_id', 'user_id', 'role'])
      .ignore();
  }

  async removeOrgRole(organizationId: number, userId: number, role: OrgRole): Promise<void> {
    await this.db('organization_roles')
      .where({ organization_id: organizationId, user_id: userId, role })
      .delete();
  }

  async removeUserFromOrgSpaces(organizationId: number, userId: number): Promise<void> {
    await this.db('space_roles')
      .where('user_id', userId)
      .whereIn('space_id', this.db('spaces').select('id').where('organization_id', organizationId))
      .delete();
  }

  async hasOrgRole(organizationId: number, userId: number, role?: OrgRole): Promise<boolean> {
    const qb = this.db('organization_roles').where({
      organization_id: organizationId,
      user_id: userId,
    });
    if (role !== undefined) void qb.where({ role });
    return (await qb.first()) !== undefined;
  }

  async addSpaceRole(spaceId: number, userId: number, role: SpaceRole): Promise<void> {
    await this.db('space_roles')
      .insert({ space_id: spaceId, user_id: userId, role })
      .onConflict(['space_id', 'user_id', 'role'])
      .ignore();
  }

  async removeSpaceRole(spaceId: number, userId: number, role: SpaceRole): Promise<void> {
    await this.db('space_roles').where({ space_id: spaceId, user_id: userId, role }).delete();
  }

  async hasSpaceRole(
    spaceId: number,
    userId: number,
    roles: readonly SpaceRole[],
  ): Promise<boolean> {
    return (
      (await this.db('space_roles')
        .where({ space_id: spaceId, user_id: userId })
        .whereIn('role', roles)
        .first()) !== undefined
    );
  }

  async userIdByGuid(guid: string): Promise<number | undefined> {
    const row: { id: number } | undefined = await userIdsWithGuid(this.db, guid).first();
    return row?.id;
  }

  /** Users, optionally only those holding `role` in one organization or space; paged in SQL. */
  listUsers(query: PageRequest, holding?: RoleHolding): Promise<Paged<User>> {
    if (holding === undefined) return pageOfUsers(this.db, query, USER_FILTERS);
    const table = holding.kind === 'organization' ? 'organization_roles' : 'space_roles';
    const key = holding.kind === 'organization' ? 'organization_id' : 'space_id';
    const holders = this.db(table)
      .select('user_id')
      .where({ [key]: holding.resourceId, role: holding.role });
    return pageOfUsers(this.db, query, USER_FILTERS, holders);
  }
}

/** `/v2/users` filters: users holding any role in the organizations or spaces named. */
export const USER_FILTERS: Readonly<Record<string, UserIdFilter>> = {
  organization_guid: (sub, operator, values) => {
    void sub
      .select('organization_roles.user_id')
      .from('organization_roles')
      .join('organizations', 'organizations.id', 'organization_roles.organization_id');
    whereMatches(sub, 'organizations.guid', operator, values);
  },
  space_guid: (sub, operator, values) => {
    void sub
      .select('space_roles.user_id')
      .from('space_roles')
      .join('spaces', 'spaces.id', 'space_roles.space_id');
    whereMatches(sub, 'spaces.guid', operator, values);
  },
};
