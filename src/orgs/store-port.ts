import type { User } from '../auth';
import type { Paged } from '../db/paging';
import type { PageRequest } from '../db/page-request';
import type { Organization, OrgRole, Space, SpaceRole } from './types';

export interface NewOrganization {
  name: string;
  status: Organization['status'];
  billingEnabled: boolean;
}

export interface OrganizationChanges {
  name?: string | undefined;
  status?: Organization['status'] | undefined;
  billingEnabled?: boolean | undefined;
}

export interface NewSpace {
  name: string;
  organizationId: number;
  allowSsh: boolean;
}

export interface SpaceChanges {
  name?: string | undefined;
  allowSsh?: boolean | undefined;
}

/** Users holding one role in one organization or space. */
export interface RoleHolding {
  kind: 'organization' | 'space';
  resourceId: number;
  role: OrgRole | SpaceRole;
}

/** Which spaces a dependents check covers: one space, or every space of an organization. */
export type SpaceScope = { spaceId: number } | { organizationId: number };

/**
 * The orgs feature's storage, as the service sees it: named reads and writes, no query builders.
 * `SqlOrgsStore` is the real one; specs of service logic use `FakeOrgsStore`.
 */
export interface OrgsStore {
  /** Runs `work` atomically against a store bound to one transaction. */
  transaction<T>(work: (store: OrgsStore) => Promise<T>): Promise<T>;

  /** `visibleToUserId` limits the list to CC's organization visibility for that user. */
  listOrganizations(
    request: PageRequest,
    visibleToUserId: number | undefined,
  ): Promise<Paged<Organization>>;
  findOrganization(guid: string): Promise<Organization | undefined>;
  /** Returns the new guid. */
  insertOrganization(fields: NewOrganization): Promise<string>;
  updateOrganization(id: number, changes: OrganizationChanges): Promise<void>;
  /** Deletes the organization, its spaces and every role in them. */
  deleteOrganization(id: number): Promise<void>;
  countSpaces(organizationId: number): Promise<number>;

  listSpaces(
    request: PageRequest,
    visibleToUserId: number | undefined,
    organizationId?: number,
  ): Promise<Paged<Space>>;
  findSpace(guid: string): Promise<Space | undefined>;
  insertSpace(fields: NewSpace): Promise<string>;
  updateSpace(id: number, changes: SpaceChanges): Promise<void>;
  deleteSpace(id: number): Promise<void>;
  /**
   * The first kind of other features' rows (e.g. `service_instances`) still living in the
   * spaces, in the order the store was told to check; undefined when there are none.
   */
  firstDependentIn(scope: SpaceScope): Promise<string | undefined>;

  addOrgRole(organizationId: number, userId: number, role: OrgRole): Promise<void>;
  removeOrgRole(organizationId: number, userId: number, role: OrgRole): Promise<void>;
  removeUserFromOrgSpaces(organizationId: number, userId: number): Promise<void>;
  hasOrgRole(organizationId: number, userId: number, role?: OrgRole): Promise<boolean>;
  addSpaceRole(spaceId: number, userId: number, role: SpaceRole): Promise<void>;
  removeSpaceRole(spaceId: number, userId: number, role: SpaceRole): Promise<void>;
  hasSpaceRole(spaceId: number, userId: number, roles: readonly SpaceRole[]): Promise<boolean>;

  userIdByGuid(guid: string): Promise<number | undefined>;
  /** Users, optionally only those holding one role; paged in the store. */
  listUsers(request: PageRequest, holding?: RoleHolding): Promise<Paged<User>>;
}
