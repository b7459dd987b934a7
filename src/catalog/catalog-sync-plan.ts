import type { PlanFields } from './plans-store';
import type { ServiceFields } from './services-store';

/** A broker's catalog in the catalog feature's own terms (brokers map OSB onto this). */
export interface SyncPlanEntry {
  uniqueId: string;
  fields: Omit<PlanFields, 'public'>;
}

export interface SyncServiceEntry {
  uniqueId: string;
  fields: ServiceFields;
  plans: SyncPlanEntry[];
}

export interface ExistingPlan {
  id: number;
  uniqueId: string;
  name: string;
  serviceUniqueId: string;
  inUse: boolean;
}

export interface ExistingService {
  id: number;
  uniqueId: string;
  label: string;
}

/** What a sync must do beyond upserting the catalog's services and plans. */
export interface SyncRemovals {
  planIdsToDelete: number[];
  planIdsToDeactivate: number[];
  serviceIdsToDelete: number[];
  serviceIdsToDeactivate: number[];
  warnings: string[];
}

/**
 * Plans missing from the catalog are deleted, or deactivated while instances use them; services
 * missing are deleted, or deactivated while one of their plans survives (cf-v2-api.md §4.2 step 5).
 * Pure: the store reads the current rows, this decides.
 */
export function planRemovals(
  entries: readonly SyncServiceEntry[],
  services: readonly ExistingService[],
  plans: readonly ExistingPlan[],
  brokerUrl: string,
): SyncRemovals {
  const wanted = new Map(entries.map((e) => [e.uniqueId, new Set(e.plans.map((p) => p.uniqueId))]));
  const missingPlans = plans.filter((p) => !(wanted.get(p.serviceUniqueId)?.has(p.uniqueId) ?? false));
  const kept = missingPlans.filter((p) => p.inUse);
  const survivingServiceIds = new Set(kept.map((p) => p.serviceUniqueId));
  const missingServices = services.filter((s) => !wanted.has(s.uniqueId));
  const byService = new Map<string, string[]>();
  for (const plan of kept) byService.set(plan.serviceUniqueId, [...(byService.get(plan.serviceUniqueId) ?? []), plan.name]);
  const warnings = [...byService].map(([serviceUniqueId, names]) => {
    const label = services.find((s) => s.uniqueId === serviceUniqueId)?.label ?? serviceUniqueId;
    return (
      `Warning: Service plans are missing from the broker's catalog (${brokerUrl}/v2/catalog) but can not be removed from ` +
      'Cloud Foundry while instances exist. The plans have been deactivated to prevent users from attempting to provision ' +
      'new instances of these plans. The broker should continue to support bind, unbind, and delete for existing instances; ' +
      `if these operations fail contact your broker provider.\nService Offering: ${label}\nPlans deactivated: ${names.join(', ')}`
    );
  });
  return {
    planIdsToDelete: missingPlans.filter((p) => !p.inUse).map((p) => p.id),
    planIdsToDeactivate: kept.map((p) => p.id),
    serviceIdsToDelete: missingServices.filter((s) => !survivingServiceIds.has(s.uniqueId)).map((s) => s.id),
    serviceIdsToDeactivate: missingServices.filter((s) => survivingServiceIds.has(s.uniqueId)).map((s) => s.id),
    warnings,
  };
}
