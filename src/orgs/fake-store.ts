import type { User } from '../auth';
import type { Clock } from '../clock';
import type { PageRequest } from '../db/page-request';
import { offsetOf } from '../db/page-request';
import type { Paged } from '../db/paging';
import { currentTimestamp } from '../db/timestamps';
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

/** Thrown where a real store's unique index would refuse the row (isUniqueViolation reads it). */
class FakeUniqueViolation extends Error {
  readonly code = '23505';
}

function page<T>(all: readonly T[], request: PageRequest): Paged<T> {
  if (request.filters.length > 0) throw new Error('FakeOrgsStore does not filter');
  const ordered = request.order.direction === 'desc' ? [...all].reverse() : [...all];
  const start = offsetOf(request);
  return { total: all.length, items: ordered.slice(start, start + request.perPage) };
}

/**
 * An in-memory OrgsStore for specs of the service's rules (who may do what, which roles imply
 * which) without SQLite. Orders by insertion only; filters are refused, not ignored.
 */
export class FakeOrgsStore implements OrgsStore {
  readonly organizations: Organization[] = [];
  readonly spaces: Space[] = [];
  readonly orgRoles: { organizationId: number; userId: number; role: OrgRole }[] = [];
  readonly spaceRoles: { spaceId: number; userId: number; role: SpaceRole }[] = [];
  readonly users: User[] = [];
  /** Per space id, the association names of other features' rows living there. */
  readonly dependents = new Map<number, string[]>();
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  addUser(guid: string): User {
    const now = currentTimestamp(this.clock.now());
    const user: User = {
      id: this.nextId++,
      guid,
      username: guid,
      email: null,
      origin: 'uaa',
      scopes: [],
      createdAt: now,
      updatedAt: now,
    };
    this.users.push(user);
    return user;
  }

  /** Runs without isolation: a thrown error leaves earlier writes in place, unlike SQL. */
  transaction<T>(work: (store: OrgsStore) => Promise<T>): Promise<T> {
    return work(this);
  }

  private visibleOrgIds(userId: number): Set<number> {
    return new Set(this.orgRoles.filter((r) => r.userId === userId).map((r) => r.organizationId));
  }

  listOrganizations(
    request: PageRequest,
    visibleToUserId: number | undefined,
  ): Promise<Paged<Organization>> {
    const visible = visibleToUserId === undefined ? undefined : this.visibleOrgIds(visibleToUserId);
    return Promise.resolve(
      page(
        this.organizations.filter((o) => visible === undefined || visible.has(o.id)),
        request,
      ),
    );
  }

  findOrganization(guid: string): Promise<Organization | undefined> {
    return Promise.resolve(this.organizations.find((o) => o.guid === guid));
  }

  insertOrganization(fields: NewOrganization): Promise<string> {
    if (this.organizations.some((o) => o.name === fields.name))
      return Promise.reject(new FakeUniqueViolation('organizations.name'));
    const id = this.nextId++;
    const now = currentTimestamp(this.clock.now());
    const guid = `org-${id}`;
    this.organizations.push({
      id,
      guid,
      ...fields,
      quotaDefinitionGuid: null,
      createdAt: now,
      updatedAt: now,
    });
    return Promise.resolve(guid);
  }

  updateOrganization(id: number, changes: OrganizationChanges): Promise<void> {
    const org = this.organizations.find((o) => o.id === id);
    if (org === undefined) return Promise.resolve();
    if (changes.name !== undefined && this.organizations.some((o) => o.name === changes.name))
      return Promise.reject(new FakeUniqueViolation('organizations.name'));
    if (changes.name !== undefined) org.name = changes.name;
    if (changes.status !== undefined) org.status = changes.status;
    if (changes.billingEnabled !== undefined) org.billingEnabled = changes.billingEnabled;
    org.updatedAt = currentTimestamp(this.clock.now());
    return Promise.resolve();
  }

  deleteOrganization(id: number): Promise<void> {
    const spaceIds = new Set(this.spaces.filter((s) => s.organizationId === id).map((s) => s.id));
    removeWhere(this.spaceRoles, (r) => spaceIds.has(r.spaceId));
    removeWhere(this.spaces, (s) => s.organizationId === id);
    removeWhere(this.orgRoles, (r) => r.organizationId === id);
    removeWhere(this.organizations, (o) => o.id === id);
    return Promise.resolve();
  }

  countSpaces(organizationId: number): Promise<number> {
    return Promise.resolve(this.spaces.filter((s) => s.organizationId === organizationId).length);
  }

  listSpaces(
    request: PageRequest,
    visibleToUserId: number | undefined,
    organizationId?: number,
  ): Promise<Paged<Space>> {
    const visible = (space: Space): boolean =>
      visibleToUserId === undefined ||
      this.spaceRoles.some((r) => r.spaceId === space.id && r.userId === visibleToUserId) ||
      this.orgRoles.some(
        (r) =>
          r.organizationId === space.organizationId &&
          r.userId === visibleToUserId &&
          r.role === 'managers',
      );
    return Promise.resolve(
      page(
        this.spaces.filter(
          (s) =>
            (organizationId === undefined || s.organizationId === organizationId) && visible(s),
        ),
        request,
      ),
    );
  }

  findSpace(guid: string): Promise<Space | undefined> {
    return Promise.resolve(this.spaces.find((s) => s.guid === guid));
  }

  insertSpace(fields: NewSpace): Promise<string> {
    const org = this.organizations.find((o) => o.id === fields.organizationId);
    if (org === undefined) return Promise.reject(new Error('no such organization'));
    if (this.spaces.some((s) => s.organizationId === org.id && s.name === fields.name))
      return Promise.reject(new FakeUniqueViolation('spaces.organization_id_name'));
    const id = this.nextId++;
    const now = currentTimestamp(this.clock.now());
    const guid = `space-${id}`;
    this.spaces.push({
      id,
      guid,
      ...fields,
      organizationGuid: org.guid,
      createdAt: now,
      updatedAt: now,
    });
    return Promise.resolve(guid);
  }

  updateSpace(id: number, changes: SpaceChanges): Promise<void> {
    const space = this.spaces.find((s) => s.id === id);
    if (space === undefined) return Promise.resolve();
    if (changes.name !== undefined) space.name = changes.name;
    if (changes.allowSsh !== undefined) space.allowSsh = changes.allowSsh;
    space.updatedAt = currentTimestamp(this.clock.now());
    return Promise.resolve();
  }

  deleteSpace(id: number): Promise<void> {
    removeWhere(this.spaceRoles, (r) => r.spaceId === id);
    removeWhere(this.spaces, (s) => s.id === id);
    return Promise.resolve();
  }

  firstDependentIn(scope: SpaceScope): Promise<string | undefined> {
    const ids =
      'spaceId' in scope
        ? [scope.spaceId]
        : this.spaces.filter((s) => s.organizationId === scope.organizationId).map((s) => s.id);
    return Promise.resolve(ids.flatMap((id) => this.dependents.get(id) ?? [])[0]);
  }

  addOrgRole(organizationId: number, userId: number, role: OrgRole): Promise<void> {
    if (!this.orgRoles.some((r) => sameOrgRole(r, organizationId, userId, role)))
      this.orgRoles.push({ organizationId, userId, role });
    return Promise.resolve();
  }

  removeOrgRole(organizationId: number, userId: number, role: OrgRole): Promise<void> {
    removeWhere(this.orgRoles, (r) => sameOrgRole(r, organizationId, userId, role));
    return Promise.resolve();
  }

  removeUserFromOrgSpaces(organizationId: number, userId: number): Promise<void> {
    const spaceIds = new Set(
      this.spaces.filter((s) => s.organizationId === organizationId).map((s) => s.id),
    );
    removeWhere(this.spaceRoles, (r) => r.userId === userId && spaceIds.has(r.spaceId));
    return Promise.resolve();
  }

  hasOrgRole(organizationId: number, userId: number, role?: OrgRole): Promise<boolean> {
    return Promise.resolve(
      this.orgRoles.some(
        (r) =>
          r.organizationId === organizationId &&
          r.userId === userId &&
          (role === undefined || r.role === role),
      ),
    );
  }

  addSpaceRole(spaceId: number, userId: number, role: SpaceRole): Promise<void> {
    if (
      !this.spaceRoles.some((r) => r.spaceId === spaceId && r.userId === userId && r.role === role)
    )
      this.spaceRoles.push({ spaceId, userId, role });
    return Promise.resolve();
  }

  removeSpaceRole(spaceId: number, userId: number, role: SpaceRole): Promise<void> {
    removeWhere(
      this.spaceRoles,
      (r) => r.spaceId === spaceId && r.userId === userId && r.role === role,
    );
    return Promise.resolve();
  }

  hasSpaceRole(spaceId: number, userId: number, roles: readonly SpaceRole[]): Promise<boolean> {
    return Promise.resolve(
      this.spaceRoles.some(
        (r) => r.spaceId === spaceId && r.userId === userId && roles.includes(r.role),
      ),
    );
  }

  userIdByGuid(guid: string): Promise<number | undefined> {
    return Promise.resolve(this.users.find((u) => u.guid === guid)?.id);
  }

  listUsers(request: PageRequest, holding?: RoleHolding): Promise<Paged<User>> {
    const holds = (user: User): boolean => {
      if (holding === undefined) return true;
      return holding.kind === 'organization'
        ? this.orgRoles.some(
            (r) =>
              r.organizationId === holding.resourceId &&
              r.userId === user.id &&
              r.role === holding.role,
          )
        : this.spaceRoles.some(
            (r) =>
              r.spaceId === holding.resourceId && r.userId === user.id && r.role === holding.role,
          );
    };
    return Promise.resolve(page(this.users.filter(holds), request));
  }
}

function sameOrgRole(
  row: { organizationId: number; userId: number; role: OrgRole },
  organizationId: number,
  userId: number,
  role: OrgRole,
): boolean {
  return row.organizationId === organizationId && row.userId === userId && row.role === role;
}

function removeWhere<T>(rows: T[], predicate: (row: T) => boolean): void {
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i];
    if (row !== undefined && predicate(row)) rows.splice(i, 1);
  }
}
