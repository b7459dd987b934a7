import type { Knex } from '../db/knex';
import { isUniqueViolation } from '../db/knex';
import type { Paged } from '../db/paging';
import { inTransaction } from '../db/transaction';
import { isAdmin, readsEverything } from '../auth/auth-context';
import type { AuthContext } from '../auth/auth-context';
import { CfError } from '../http/cf-errors';
import type { PageRequest } from '../db/page-request';
import { OrgsStore } from './store';
import type { UserRow } from './store';
import type { User } from '../auth/types';
import { fromDbTimestamp } from '../db/timestamps';
import type { Organization, OrgRole, Space, SpaceRole } from './types';

export interface OrganizationFields {
  name?: string;
  status?: 'active' | 'suspended';
  billing_enabled?: boolean;
}

/** Organizations, spaces and the roles in them: the tenancy other features ask about. */
export class OrgsService {
  private readonly store: OrgsStore;

  constructor(private readonly knex: Knex) {
    this.store = new OrgsStore(knex);
  }

  /** The caller's users.id, or undefined for callers who read every row. */
  private async visibilityUserId(ctx: AuthContext): Promise<number | undefined> {
    if (readsEverything(ctx)) return undefined;
    return (await this.store.userIdByGuid(ctx.userGuid)) ?? -1;
  }

  async listOrganizations(ctx: AuthContext, query: PageRequest): Promise<Paged<Organization>> {
    return this.store.listOrganizations(query, await this.visibilityUserId(ctx));
  }

  findOrganization(guid: string): Promise<Organization | undefined> {
    return this.store.findOrganization(guid);
  }

  async requireOrganization(guid: string): Promise<Organization> {
    const org = await this.store.findOrganization(guid);
    if (!org) throw new CfError('OrganizationNotFound', guid);
    return org;
  }

  async getOrganization(ctx: AuthContext, guid: string): Promise<Organization> {
    const org = await this.requireOrganization(guid);
    if (!readsEverything(ctx) && !(await this.isOrgMember(ctx, org.id)))
      throw new CfError('NotAuthorized');
    return org;
  }

  async isOrgMember(ctx: AuthContext, organizationId: number, role?: OrgRole): Promise<boolean> {
    const userId = await this.store.userIdByGuid(ctx.userGuid);
    return userId !== undefined && this.store.hasOrgRole(organizationId, userId, role);
  }

  async createOrganization(fields: OrganizationFields & { name: string }): Promise<Organization> {
    try {
      const guid = await this.store.insertOrganization({
        name: fields.name,
        status: fields.status ?? 'active',
        billingEnabled: fields.billing_enabled ?? false,
      });
      return await this.requireOrganization(guid);
    } catch (err) {
      if (isUniqueViolation(err)) throw new CfError('OrganizationNameTaken', fields.name);
      throw err;
    }
  }

  async updateOrganization(
    ctx: AuthContext,
    guid: string,
    fields: OrganizationFields,
  ): Promise<Organization> {
    const org = await this.requireOrganization(guid);
    if (!isAdmin(ctx)) {
      if (!(await this.isOrgMember(ctx, org.id, 'managers'))) throw new CfError('NotAuthorized');
      // CC's OrganizationAccess#read_for_update?: a manager may update an active org but not its
      // billing; status (suspend/re-activate) is kept for admins too. Refused, never silently dropped.
      if (
        org.status !== 'active' ||
        fields.billing_enabled !== undefined ||
        fields.status !== undefined
      ) {
        throw new CfError('NotAuthorized');
      }
    }
    try {
      await this.store.updateOrganization(org.id, {
        name: fields.name,
        status: fields.status,
        billingEnabled: fields.billing_enabled,
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new CfError('OrganizationNameTaken', fields.name ?? '');
      throw err;
    }
    return this.requireOrganization(guid);
  }

  async deleteOrganization(guid: string, recursive: boolean): Promise<void> {
    const org = await this.requireOrganization(guid);
    await inTransaction(this.knex, async (trx) => {
      const store = new OrgsStore(trx);
      if (!recursive && (await store.countSpaces(org.id)) > 0) {
        throw new CfError('AssociationNotEmpty', 'spaces', 'organizations');
      }
      await assertNoDependents(store, store.spaceIdsOf(org.id), 'organizations');
      await store.deleteOrganization(org.id);
    });
  }

  async listSpaces(
    ctx: AuthContext,
    query: PageRequest,
    organizationGuid?: string,
  ): Promise<Paged<Space>> {
    const orgId =
      organizationGuid === undefined
        ? undefined
        : (await this.getOrganization(ctx, organizationGuid)).id;
    return this.store.listSpaces(query, await this.visibilityUserId(ctx), orgId);
  }

  async requireSpace(guid: string): Promise<Space> {
    const space = await this.store.findSpace(guid);
    if (!space) throw new CfError('SpaceNotFound', guid);
    return space;
  }

  /** Any role in the space, or manager of its organization. */
  async canSeeSpace(ctx: AuthContext, space: Space): Promise<boolean> {
    if (readsEverything(ctx)) return true;
    const userId = await this.store.userIdByGuid(ctx.userGuid);
    if (userId === undefined) return false;
    return (
      (await this.store.hasSpaceRole(space.id, userId, ['developers', 'managers', 'auditors'])) ||
      (await this.store.hasOrgRole(space.organizationId, userId, 'managers'))
    );
  }

  async getSpace(ctx: AuthContext, guid: string): Promise<Space> {
    const space = await this.requireSpace(guid);
    if (!(await this.canSeeSpace(ctx, space))) throw new CfError('NotAuthorized');
    return space;
  }

  async isSpaceDeveloper(ctx: AuthContext, space: Space): Promise<boolean> {
    const userId = await this.store.userIdByGuid(ctx.userGuid);
    return userId !== undefined && this.store.hasSpaceRole(space.id, userId, ['developers']);
  }

  private async canManageSpaces(ctx: AuthContext, organizationId: number): Promise<boolean> {
    return isAdmin(ctx) || this.isOrgMember(ctx, organizationId, 'managers');
  }

  async createSpace(
    ctx: AuthContext,
    fields: { name: string; organization_guid: string; allow_ssh?: boolean },
  ): Promise<Space> {
    const org = await this.store.findOrganization(fields.organization_guid);
    if (!org)
      throw new CfError(
        'InvalidRelation',
        `Could not find Organization with guid: ${fields.organization_guid}`,
      );
    if (!(await this.canManageSpaces(ctx, org.id))) throw new CfError('NotAuthorized');
    try {
      const guid = await this.store.insertSpace({
        name: fields.name,
        organizationId: org.id,
        allowSsh: fields.allow_ssh ?? true,
      });
      return await this.requireSpace(guid);
    } catch (err) {
      if (isUniqueViolation(err)) throw new CfError('SpaceNameTaken', fields.name);
      throw err;
    }
  }

  async updateSpace(
    ctx: AuthContext,
    guid: string,
    fields: { name?: string; allow_ssh?: boolean },
  ): Promise<Space> {
    const space = await this.requireSpace(guid);
    const userId = await this.store.userIdByGuid(ctx.userGuid);
    const spaceManager =
      userId !== undefined && (await this.store.hasSpaceRole(space.id, userId, ['managers']));
    if (!spaceManager && !(await this.canManageSpaces(ctx, space.organizationId)))
      throw new CfError('NotAuthorized');
    try {
      await this.store.updateSpace(space.id, { name: fields.name, allowSsh: fields.allow_ssh });
    } catch (err) {
      if (isUniqueViolation(err)) throw new CfError('SpaceNameTaken', fields.name ?? '');
      throw err;
    }
    return this.requireSpace(guid);
  }

  async deleteSpace(ctx: AuthContext, guid: string): Promise<void> {
    const space = await this.requireSpace(guid);
    if (!(await this.canManageSpaces(ctx, space.organizationId)))
      throw new CfError('NotAuthorized');
    await inTransaction(this.knex, async (trx) => {
      const store = new OrgsStore(trx);
      await assertNoDependents(store, [space.id], 'spaces');
      await store.deleteSpace(space.id);
    });
  }

  private async requireUserId(userGuid: string): Promise<number> {
    const userId = await this.store.userIdByGuid(userGuid);
    if (userId === undefined)
      throw new CfError('InvalidRelation', `Could not find User with guid: ${userGuid}`);
    return userId;
  }

  async setOrgRole(
    ctx: AuthContext,
    orgGuid: string,
    role: OrgRole,
    userGuid: string,
    present: boolean,
  ): Promise<Organization> {
    const org = await this.requireOrganization(orgGuid);
    if (!(await this.canManageSpaces(ctx, org.id))) throw new CfError('NotAuthorized');
    const userId = await this.requireUserId(userGuid);
    await inTransaction(this.knex, async (trx) => {
      const store = new OrgsStore(trx);
      if (present) {
        await store.addOrgRole(org.id, userId, role);
        // Any org role implies membership, as in CC.
        if (role !== 'users') await store.addOrgRole(org.id, userId, 'users');
        return;
      }
      await store.removeOrgRole(org.id, userId, role);
      if (role === 'users') {
        for (const other of ['managers', 'billing_managers', 'auditors'] as const)
          await store.removeOrgRole(org.id, userId, other);
        await store.removeUserFromOrgSpaces(org.id, userId);
      }
    });
    return this.requireOrganization(orgGuid);
  }

  async setSpaceRole(
    ctx: AuthContext,
    spaceGuid: string,
    role: SpaceRole,
    userGuid: string,
    present: boolean,
  ): Promise<Space> {
    const space = await this.requireSpace(spaceGuid);
    const callerId = await this.store.userIdByGuid(ctx.userGuid);
    const spaceManager =
      callerId !== undefined && (await this.store.hasSpaceRole(space.id, callerId, ['managers']));
    if (!spaceManager && !(await this.canManageSpaces(ctx, space.organizationId)))
      throw new CfError('NotAuthorized');
    const userId = await this.requireUserId(userGuid);
    if (present) {
      if (!(await this.store.hasOrgRole(space.organizationId, userId, 'users'))) {
        throw new CfError(
          'InvalidRelation',
          `User ${userGuid} is not a member of the space's organization`,
        );
      }
      await this.store.addSpaceRole(space.id, userId, role);
    } else {
      await this.store.removeSpaceRole(space.id, userId, role);
    }
    return this.requireSpace(spaceGuid);
  }

  /** Users with a role in an organization or space; members of it may list them. */
  async listRoleHolders(
    ctx: AuthContext,
    kind: 'organization' | 'space',
    guid: string,
    role: string,
    query: PageRequest,
  ): Promise<Paged<User>> {
    const resourceId =
      kind === 'organization'
        ? (await this.getOrganization(ctx, guid)).id
        : (await this.getSpace(ctx, guid)).id;
    const page = await this.store.listUsers(query, { kind, resourceId, role });
    return { total: page.total, items: page.items.map(toUserFromRow) };
  }

  /**
   * Every user: a read, so `cloud_controller.read` is the scope (10007 without it) and only the
   * callers who read all rows (admin, admin_read_only, global_auditor) pass the role check (10003).
   */
  async listUsers(ctx: AuthContext, query: PageRequest): Promise<Paged<User>> {
    if (!readsEverything(ctx)) throw new CfError('NotAuthorized');
    const page = await this.store.listUsers(query);
    return { total: page.total, items: page.items.map(toUserFromRow) };
  }
}

function toUserFromRow(row: UserRow): User {
  const scopes: unknown = JSON.parse(row.scopes);
  return {
    id: row.id,
    guid: row.guid,
    username: row.username,
    email: row.email,
    origin: row.origin,
    scopes: Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === 'string') : [],
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}

/** Instances and space-scoped brokers must be deleted first, even with `recursive=true`. */
async function assertNoDependents(
  store: OrgsStore,
  spaceIds: Knex.QueryBuilder | number[],
  owner: string,
): Promise<void> {
  const { instances, brokers } = await store.countSpaceDependents(spaceIds);
  if (instances > 0) throw new CfError('AssociationNotEmpty', 'service_instances', owner);
  if (brokers > 0) throw new CfError('AssociationNotEmpty', 'service_brokers', owner);
}
