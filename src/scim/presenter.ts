import type { User } from '../auth';
import { toCfTimestamp } from '../http/envelope';

export const SCIM_USER_SCHEMAS = ['urn:scim:schemas:core:1.0'];

/** Wharf keeps no separate origin for its own users: what it authenticates is UAA's `uaa`. */
export function scimOrigin(user: User): string {
  return user.origin === 'external' ? 'external' : 'uaa';
}

/** A UAA SCIM user (what `cf create-user` reads: `id`, `origin`). */
export function presentScimUser(user: User): Record<string, unknown> {
  const userName = user.username ?? user.guid;
  const created = toCfTimestamp(user.createdAt);
  return {
    id: user.guid,
    externalId: '',
    meta: { version: 0, created, lastModified: toCfTimestamp(user.updatedAt) },
    userName,
    name: { familyName: userName, givenName: userName },
    emails: user.email === null ? [] : [{ value: user.email, primary: true }],
    groups: user.scopes.map((display) => ({ value: display, display, type: 'DIRECT' })),
    approvals: [],
    active: true,
    verified: true,
    origin: scimOrigin(user),
    zoneId: 'uaa',
    passwordLastModified: created,
    schemas: SCIM_USER_SCHEMAS,
  };
}

/** `attributes=id,userName` narrows each resource to those keys, as UAA does. */
export function projectAttributes(
  resource: Record<string, unknown>,
  attributes: readonly string[] | undefined,
): Record<string, unknown> {
  if (attributes === undefined) return resource;
  const projected: Record<string, unknown> = {};
  for (const name of attributes) {
    const key = Object.keys(resource).find((k) => k.toLowerCase() === name.toLowerCase());
    if (key !== undefined) projected[key] = resource[key];
  }
  return projected;
}
