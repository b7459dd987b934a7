import type { SyncServiceEntry } from '../catalog';
import type { OsbCatalog, OsbPlan, OsbService } from '../osb-catalog';

function toExtra(metadata: Record<string, unknown> | undefined): string | null {
  return metadata === undefined ? null : JSON.stringify(metadata);
}

function toPlanEntry(plan: OsbPlan): SyncServiceEntry['plans'][number] {
  return {
    uniqueId: plan.id,
    fields: {
      name: plan.name,
      description: plan.description,
      free: plan.free ?? true,
      active: true,
      bindable: plan.bindable ?? null,
      planUpdateable: plan.plan_updateable ?? null,
      maximumPollingDuration: plan.maximum_polling_duration ?? null,
      maintenanceInfo: plan.maintenance_info ?? null,
      schemas: plan.schemas ?? {},
      extra: toExtra(plan.metadata),
      uniqueId: plan.id,
    },
  };
}

function toServiceEntry(service: OsbService): SyncServiceEntry {
  return {
    uniqueId: service.id,
    fields: {
      label: service.name,
      description: service.description,
      // v2 brokers never set these v1 leftovers (cf-v2-api.md §3.1).
      longDescription: null,
      infoUrl: null,
      documentationUrl: null,
      provider: null,
      url: null,
      version: null,
      timeout: null,
      active: service.plans.length > 0,
      bindable: service.bindable,
      extra: toExtra(service.metadata),
      uniqueId: service.id,
      tags: service.tags ?? [],
      requires: service.requires ?? [],
      planUpdateable: service.plan_updateable ?? false,
      bindingsRetrievable: service.bindings_retrievable ?? false,
      instancesRetrievable: service.instances_retrievable ?? false,
      allowContextUpdates: service.allow_context_updates ?? false,
    },
    plans: service.plans.map(toPlanEntry),
  };
}

/** OSB catalog → the catalog feature's sync entries (pure). */
export function toSyncEntries(catalog: OsbCatalog): SyncServiceEntry[] {
  return catalog.services.map(toServiceEntry);
}
