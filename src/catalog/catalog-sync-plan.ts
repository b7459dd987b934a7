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
  /** Plans the catalog renames: moved out of the way first, so two plans can swap names. */
  planIdsRenamed: number[];
  serviceIdsToDelete: number[];
  serviceIdsToDeactivate: number[];
  warnings: string[];
  /**
   * Catalog plans named like a plan kept inactive for its instances: (service, name) is unique, so
   * the sync cannot apply; CC's wording, in its "Service <label>" layout (§4.2 step 3). Empty if none.
   */
  problems: string;
}

function nameClashes(entries: readonly SyncServiceEntry[], kept: readonly ExistingPlan[]): string {
  const keptNames = new Set(kept.map((p) => JSON.stringify([p.serviceUniqueId, p.name])));
  const lines: string[] = [];
  for (const entry of entries) {
    const clashing = entry.plans.filter((p) =>
      keptNames.has(JSON.stringify([entry.uniqueId, p.fields.name])),
    );
    if (clashing.length === 0) continue;
    const label = entry.fields.label;
    lines.push(
      `Service ${label}`,
      ...clashing.map(
        (p) =>
          `  Plan names must be unique within a service. Service ${label} already has a plan named ${p.fields.name}`,
      ),
    );
  }
  return lines.length === 0 ? '' : `\n${lines.map((line) => `${line}\n`).join('')}`;
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
  const wanted = new Map(
    entries.map((e) => [e.uniqueId, new Map(e.plans.map((p) => [p.uniqueId, p.fields.name]))]),
  );
  const missingPlans = plans.filter(
    (p) => !(wanted.get(p.serviceUniqueId)?.has(p.uniqueId) ?? false),
  );
  const kept = missingPlans.filter((p) => p.inUse);
  const survivingServiceIds = new Set(kept.map((p) => p.serviceUniqueId));
  const missingServices = services.filter((s) => !wanted.has(s.uniqueId));
  const byService = new Map<string, string[]>();
  for (const plan of kept)
    byService.set(plan.serviceUniqueId, [
      ...(byService.get(plan.serviceUniqueId) ?? []),
      plan.name,
    ]);
  const warnings = [...byService].map(([serviceUniqueId, names]) => {
    const label = services.find((s) => s.uniqueId === serviceUniqueId)?.label ?? serviceUniqueId;
    return (
      `Warning: Service plans are missing from the broker's catalog (${brokerUrl}/v2/catalog) but can not be removed from ` +
      'Cloud Foundry while instances exist. The plans have been deactivated to prevent users from attempting to provision ' +
      'new instances of these plans. The broker should continue to support bind, unbind, and delete for existing instances; ' +
      `if these operations fail contact your broker provider.\nService Offering: ${label}\nPlans deactivated: ${names.join(', ')}`
    );
  });
  const renamed = plans.filter((p) => {
    const name = wanted.get(p.serviceUniqueId)?.get(p.uniqueId);
    return name !== undefined && name !== p.name;
  });
  return {
    planIdsToDelete: missingPlans.filter((p) => !p.inUse).map((p) => p.id),
    planIdsToDeactivate: kept.map((p) => p.id),
    planIdsRenamed: renamed.map((p) => p.id),
    serviceIdsToDelete: missingServices
      .filter((s) => !survivingServiceIds.has(s.uniqueId))
      .map((s) => s.id),
    serviceIdsToDeactivate: missingServices
      .filter((s) => survivingServiceIds.has(s.uniqueId))
      .map((s) => s.id),
    warnings,
    problems: nameClashes(entries, kept),
  };
}
