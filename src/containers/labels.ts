export { LEGACY_OWNER } from '../installation';

/** Label keys Wharf puts on every Docker object it makes; nothing without them is ever touched. */
export const LABELS = {
  managed: 'wharf.managed',
  /** Which Wharf installation owns the object, so two installations (or test runs) never collide. */
  owner: 'wharf.owner',
  service: 'wharf.service',
  serviceName: 'wharf.service.name',
  tenant: 'wharf.tenant',
  role: 'wharf.role',
  image: 'wharf.image',
  /** Hash of everything the LB container was created from; a change means recreate it. */
  lbHash: 'wharf.lb.hash',
} as const;

export type Role = 'network' | 'replica' | 'lb';

export function isRole(value: string | undefined): value is Role {
  return value === 'network' || value === 'replica' || value === 'lb';
}
