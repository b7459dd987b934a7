import { userIdsWithGuid } from '../auth';
import type { Db, Knex } from '../db/knex';
import type { OrgRole, SpaceRole } from './types';

/**
 * CC's membership rules as SQL sub-selects of ids, the one place that reads the role tables for
 * other features: the catalog's plan visibility, the broker and instance lists and the org/space
 * lists all compose these, so the rules cannot drift apart.
 */

/** A user by guid (from a token) or by row id (already resolved). */
export type Member = { userGuid: string } | { userId: number };

function userIdsOf(db: Db, member: Member): Knex.QueryBuilder | number[] {
  return 'userId' in member ? [member.userId] : userIdsWithGuid(db, member.userGuid);
}

/** Ids of organizations where the member holds one of `roles` (any role when omitted). */
export function orgsWithRole(
  db: Db,
  member: Member,
  roles?: readonly OrgRole[],
): Knex.QueryBuilder {
  const qb = db('organization_roles')
    .select('organization_id')
    .whereIn('user_id', userIdsOf(db, member));
  if (roles !== undefined) void qb.whereIn('role', roles);
  return qb;
}

/** Ids of spaces where the member holds one of `roles` (any role when omitted). */
export function spacesWithRole(
  db: Db,
  member: Member,
  roles?: readonly SpaceRole[],
): Knex.QueryBuilder {
  const qb = db('space_roles').select('space_id').whereIn('user_id', userIdsOf(db, member));
  if (roles !== undefined) void qb.whereIn('role', roles);
  return qb;
}

/** CC's organization visibility for a user who does not read everything: any role in it. */
export function orgsVisibleTo(db: Db, member: Member): Knex.QueryBuilder {
  return orgsWithRole(db, member);
}

/**
 * CC's space visibility for a user who does not read everything: any role in the space, or
 * manager of its organization.
 */
export function spacesVisibleTo(db: Db, member: Member): Knex.QueryBuilder {
  return db('spaces')
    .select('spaces.id')
    .whereIn('spaces.id', spacesWithRole(db, member))
    .orWhereIn('spaces.organization_id', orgsWithRole(db, member, ['managers']));
}
