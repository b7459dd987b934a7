import { isAdmin, readsEverything } from '../auth';
import type { AuthContext } from '../auth';
import type { User } from '../auth';
import type { ChangeFeed } from '../changes';
import { isUniqueViolation } from '../db/knex';
import type { PageRequest } from '../db/page-request';
import type { Paged } from '../db/paging';
import { CfError } from '../http/cf-errors';
import type { OrgsStore, SpaceScope } from './store-port';
import type { Organization, OrgRole, Space, SpaceRole } from './types';

export interface CreateOrganization {
  name: string;
  status?: Organization['status'] | undefined;
  billingEnabled?: boolean | undefined;
}

export interface UpdateOrganization {
  name?: string | undefined;
  status?: Organization['status'] | undefined;
  billingEnabled?: boolean | undefined;
}

export interface CreateSpace {
  name: string;
  organizationGuid: string;
  allowSsh?: boolean | undefined;
}

export interface UpdateSpace {
  name?: string | undefined;
  allowSsh?: boolean | undefined;
}

export interface OrgsServiceDeps {
  store: OrgsStore;
  changes: ChangeFeed;
}

/** Organizations, spaces and the roles in them: the tenancy other features ask about. */
export class OrgsService {
  private readonly store: OrgsStore;
  private readonly changes: ChangeFeed;

  constructor(deps: OrgsServiceDeps) {
    this.store = deps.store;
    this.changes = deps.changes;
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

  async createOrganization(command: CreateOrganization): Promise<Organization> {
    let guid: string;
    try {
      guid = await this.store.insertOrganization({
        name: command.name,
        status: command.status ?? 'active',
        billingEnabled: command.billingEnabled ?? false,
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new CfError('OrganizationNameTaken', command.name);
      throw err;
    }
    const org = await this.requireOrganization(guid);
    this.changes.publish({ topic: 'organization', action: 'created', id: guid });
    return org;
  }

  async updateOrganization(
    ctx: AuthContext,
    guid: string,
    command: UpdateOrganization,
  ): Promise<Organization> {
    const org = await this.requireOrganization(guid);
    if (!isAdmin(ctx)) {
      if (!(await this.isOrgMember(ctx, org.id, 'managers'))) throw new CfError('NotAuthorized');
      // CC's OrganizationAccess#read_for_update?: a manager may update an active org but not its
      // billing; status (suspend/re-activate) is kept for admins too. Refused, never silently dropped.
      if (
        org.status !== 'active' ||
        command.billingEnabled !== undefined ||
        command.status !== undefined
      ) {
        throw new CfError('NotAuthorized');
      }
    }
    try {
      await this.store.updateOrganization(org.id, command);
    } catch (err) {
      if (isUniqueViolation(err)) throw new CfError('OrganizationNameTaken', command.name ?? '');
      throw err;
    }
    this.changes.publish({ topic: 'organization', action: 'updated', id: guid });
    return this.requireOrganization(guid);
  }

  async deleteOrganization(guid: string, recursive: boolean): Promise<void> {
    const org = await this.requireOrganization(guid);
    await this.store.transaction(async (store) => {
      if (!recursive && (await store.countSpaces(org.id)) > 0) {
        throw new CfError('AssociationNotEmpty', 'spaces', 'organizations');
      }
      await assertNoDependents(store, { organizationId: org.id }, 'organizations');
      await store.deleteOrganization(org.id);
    });
    this.changes.publish({ topic: 'organization', action: 'deleted', id: guid });
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

  private async isSpaceManager(ctx: AuthContext, space: Space): Promise<boolean> {
    const userId = await this.store.userIdByGuid(ctx.userGuid);
    return userId !== undefined && this.store.hasSpaceRole(space.id, userId, ['managers']);
  }

  async createSpace(ctx: AuthContext, command: CreateSpace): Promise<Space> {
    const org = await this.store.findOrganization(command.organizationGuid);
    if (!org)
      throw new CfError(
        'InvalidRelation',
        `Could not find Organization with guid: ${command.organizationGuid}`,
      );
    if (!(await this.canManageSpaces(ctx, org.id))) throw new CfError('NotAuthorized');
    let guid: string;
    try {
      guid = await this.store.insertSpace({
        name: command.name,
        organizationId: org.id,
        allowSsh: command.allowSsh ?? true,
      });
    } catch (err) {
      if (isUniqueViolation(err)) throw new CfError('SpaceNameTaken', command.name);
      throw err;
    }
    const space = await this.requireSpace(guid);
    this.changes.publish({ topic: 'space', action: 'created', id: guid });
    return space;
  }

  async updateSpace(ctx: AuthContext, guid: string, command: UpdateSpace): Promise<Space> {
    const space = await this.requireSpace(guid);
    if (
      !(await this.isSpaceManager(ctx, space)) &&
      !(await this.canManageSpaces(ctx, space.organizationId))
    )
      throw new CfError('NotAuthorized');
    try {
      await this.store.updateSpace(space.id, command);
    } catch (err) {
      if (isUniqueViolation(err)) throw new CfError('SpaceNameTaken', command.name ?? '');
      throw err;
    }
    this.changes.publish({ topic: 'space', action: 'updated', id: guid });
    return this.requireSpace(guid);
  }

  async deleteSpace(ctx: AuthContext, guid: string): Promise<void> {
    const space = await this.requireSpace(guid);
    if (!(await this.canManageSpaces(ctx, space.organizationId)))
      throw new CfError('NotAuthorized');
    await this.store.transaction(async (store) => {
      await assertNoDependents(store, { spaceId: space.id }, 'spaces');
      await store.deleteSpace(space.id);
    });
    this.changes.publish({ topic: 'space', action: 'deleted', id: guid });
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
    await this.store.transaction(async (store) => {
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
    this.changes.publish({
      topic: 'user',
      action: 'updated',
      id: userGuid,
      detail: { organization: orgGuid, role, present },
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
    if (
      !(await this.isSpaceManager(ctx, space)) &&
      !(await this.canManageSpaces(ctx, space.organizationId))
    )
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
    this.changes.publish({
      topic: 'user',
      action: 'updated',
      id: userGuid,
      detail: { space: spaceGuid, role, present },
    });
    return this.requireSpace(spaceGuid);
  }

  /** Users with a role in an organization or space; members of it may list them. */
  async listRoleHolders(
    ctx: AuthContext,
    kind: 'organization' | 'space',
    guid: string,
    role: OrgRole | SpaceRole,
    query: PageRequest,
  ): Promise<Paged<User>> {
    const resourceId =
      kind === 'organization'
        ? (await this.getOrganization(ctx, guid)).id
        : (await this.getSpace(ctx, guid)).id;
    return this.store.listUsers(query, { kind, resourceId, role });
  }

  /**
   * Every user: a read, so `cloud_controller.read` is the scope (10007 without it) and only the
   * callers who read all rows (admin, admin_read_only, global_auditor) pass the role check (10003).
   */
  async listUsers(ctx: AuthContext, query: PageRequest): Promise<Paged<User>> {
    if (!readsEverything(ctx)) throw new CfError('NotAuthorized');
    return this.store.listUsers(query);
  }
}

/** Instances and space-scoped brokers must be deleted first, even with `recursive=true`. */
async function assertNoDependents(
  store: OrgsStore,
  scope: SpaceScope,
  owner: string,
): Promise<void> {
  const association = await store.firstDependentIn(scope);
  if (association !== undefined) throw new CfError('AssociationNotEmpty', association, owner);
}
