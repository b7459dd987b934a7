import { z } from 'zod';
import { fromDbTimestamp } from '../db/timestamps';
import type { MaintenanceInfo, PlanSchemas, Service, ServicePlan } from './types';

export interface ServiceRow {
  id: number;
  guid: string;
  label: string;
  description: string;
  long_description: string | null;
  info_url: string | null;
  documentation_url: string | null;
  provider: string | null;
  url: string | null;
  version: string | null;
  timeout: number | null;
  active: number | boolean;
  bindable: number | boolean;
  extra: string | null;
  unique_id: string;
  tags: string;
  requires: string;
  service_broker_guid: string | null;
  service_broker_name: string | null;
  plan_updateable: number | boolean;
  bindings_retrievable: number | boolean;
  instances_retrievable: number | boolean;
  allow_context_updates: number | boolean;
  created_at: unknown;
  updated_at: unknown;
}

export interface PlanRow {
  id: number;
  guid: string;
  name: string;
  description: string;
  free: number | boolean;
  public: number | boolean;
  active: number | boolean;
  bindable: number | boolean | null;
  plan_updateable: number | boolean | null;
  maximum_polling_duration: number | null;
  maintenance_info: string | null;
  schemas: string | null;
  extra: string | null;
  unique_id: string;
  service_id: number;
  service_guid: string;
  service_bindable: number | boolean;
  service_broker_id: number | null;
  created_at: unknown;
  updated_at: unknown;
}

const stringList = z.array(z.string());
const maintenanceInfoColumn = z
  .object({ version: z.string(), description: z.string().optional() })
  .strict();
const parametersSchema = z.record(z.unknown());
const schemasColumn = z
  .object({
    service_instance: z
      .object({
        create: z.object({ parameters: parametersSchema.optional() }).optional(),
        update: z.object({ parameters: parametersSchema.optional() }).optional(),
      })
      .optional(),
    service_binding: z
      .object({ create: z.object({ parameters: parametersSchema.optional() }).optional() })
      .optional(),
  })
  .passthrough();

function nullableBool(value: number | boolean | null): boolean | null {
  return value === null ? null : Boolean(value);
}

/** Always the fully shaped `schemas` object of reference §3.2, each part `{}` when absent. */
export function toPlanSchemas(stored: unknown): PlanSchemas {
  const parsed = schemasColumn.safeParse(stored ?? {});
  const s = parsed.success ? parsed.data : {};
  return {
    service_instance: {
      create: { parameters: s.service_instance?.create?.parameters ?? {} },
      update: { parameters: s.service_instance?.update?.parameters ?? {} },
    },
    service_binding: { create: { parameters: s.service_binding?.create?.parameters ?? {} } },
  };
}

function toMaintenanceInfo(stored: string | null): MaintenanceInfo | null {
  if (stored === null) return null;
  const parsed = maintenanceInfoColumn.safeParse(JSON.parse(stored));
  return parsed.success ? parsed.data : null;
}

export function toService(row: ServiceRow): Service {
  return {
    id: row.id,
    guid: row.guid,
    label: row.label,
    description: row.description,
    longDescription: row.long_description,
    infoUrl: row.info_url,
    documentationUrl: row.documentation_url,
    provider: row.provider,
    url: row.url,
    version: row.version,
    timeout: row.timeout,
    active: Boolean(row.active),
    bindable: Boolean(row.bindable),
    extra: row.extra,
    uniqueId: row.unique_id,
    tags: stringList.parse(JSON.parse(row.tags)),
    requires: stringList.parse(JSON.parse(row.requires)),
    serviceBrokerGuid: row.service_broker_guid,
    serviceBrokerName: row.service_broker_name,
    planUpdateable: Boolean(row.plan_updateable),
    bindingsRetrievable: Boolean(row.bindings_retrievable),
    instancesRetrievable: Boolean(row.instances_retrievable),
    allowContextUpdates: Boolean(row.allow_context_updates),
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}

export function toPlan(row: PlanRow): ServicePlan {
  return {
    id: row.id,
    guid: row.guid,
    name: row.name,
    description: row.description,
    free: Boolean(row.free),
    public: Boolean(row.public),
    active: Boolean(row.active),
    bindable: nullableBool(row.bindable),
    planUpdateable: nullableBool(row.plan_updateable),
    maximumPollingDuration: row.maximum_polling_duration,
    maintenanceInfo: toMaintenanceInfo(row.maintenance_info),
    schemas: toPlanSchemas(row.schemas === null ? {} : JSON.parse(row.schemas)),
    extra: row.extra,
    uniqueId: row.unique_id,
    serviceId: row.service_id,
    serviceGuid: row.service_guid,
    serviceBindable: Boolean(row.service_bindable),
    serviceBrokerId: row.service_broker_id,
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}
