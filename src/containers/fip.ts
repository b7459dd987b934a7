import { ContainerServiceError, fipAlreadyAttached, fipTaken } from './errors';
import type { ContainerServiceStore, StoredService } from './store';

/**
 * The FIP a service should have after an update: unchanged when absent, "" to detach, or an
 * address of WHARF_FIP_POOL that no other service holds. Wharf's FIP publishes ServicePort itself
 * on that host address (Hyper's public IP has no Docker equivalent; reference §6.6).
 */
export async function planFipChange(
  record: StoredService,
  requested: string | undefined,
  pool: readonly string[],
  store: ContainerServiceStore,
): Promise<string> {
  if (requested === undefined || requested === record.fip) return record.fip;
  if (requested === '') return '';
  if (record.fip !== '') throw fipAlreadyAttached(record.spec.name, record.fip);
  if (!pool.includes(requested)) {
    throw new ContainerServiceError(
      400,
      `FIP ${requested} is not in the floating IP pool (WHARF_FIP_POOL)`,
    );
  }
  const holder = await store.findByFip(requested);
  if (holder !== undefined) throw fipTaken(requested);
  return requested;
}
