import { createHash } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Hyper's Tenant is 32 hex chars: a uuid user id without dashes, otherwise a stable hash of it. */
export function toTenant(userGuid: string): string {
  if (UUID.test(userGuid)) return userGuid.replace(/-/g, '').toLowerCase();
  return createHash('sha256').update(userGuid).digest('hex').slice(0, 32);
}
