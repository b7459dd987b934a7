import { z } from 'zod';
import { isSemver } from '../osb-catalog';
import type {
  CreatePlanCommand,
  CreateServiceCommand,
  UpdatePlanCommand,
  UpdateServiceCommand,
  VisibilityCommand,
} from './types';

/** `extra` is a JSON-encoded string in CF; anything else is refused with the field named. */
const jsonString = z.string().refine((value) => {
  try {
    JSON.parse(value);
    return true;
  } catch {
    return false;
  }
}, 'must be a JSON-encoded string');

const nonBlank = (max: number): z.ZodString =>
  z.string().trim().min(1, 'can not be blank').max(max, `must be at most ${max} characters`);
const optionalText = z.string().max(10000, 'must be at most 10000 characters').optional();
const tagList = z
  .array(z.string())
  .refine(
    (tags) => tags.join('').length <= 2048,
    'combined length must be 2048 characters or less',
  );
const requiresList = z.array(z.enum(['syslog_drain', 'route_forwarding', 'volume_mount']));

export const serviceBody = z.object({
  label: nonBlank(255),
  description: z.string().max(10000, 'must be at most 10000 characters'),
  long_description: optionalText,
  info_url: z.string().max(2048).optional(),
  documentation_url: z.string().max(2048).optional(),
  timeout: z.number().int().min(0).optional(),
  active: z.boolean().optional(),
  bindable: z.boolean().optional(),
  extra: jsonString.optional(),
  unique_id: nonBlank(255).optional(),
  tags: tagList.optional(),
  requires: requiresList.optional(),
  provider: z.string().max(255).optional(),
  version: z.string().max(255).optional(),
  url: z.string().max(2048).optional(),
  service_broker_guid: z.string().optional(),
  plan_updateable: z.boolean().optional(),
  bindings_retrievable: z.boolean().optional(),
  instances_retrievable: z.boolean().optional(),
  allow_context_updates: z.boolean().optional(),
});
export type ServiceBody = z.infer<typeof serviceBody>;

export const serviceUpdateBody = serviceBody.omit({ service_broker_guid: true }).partial();
export type ServiceUpdateBody = z.infer<typeof serviceUpdateBody>;

const maintenanceInfo = z
  .object({
    version: z.string().refine(isSemver, 'must be a semantic version'),
    description: z.string().optional(),
  })
  .strict();

const parameterSchema = z.object({ parameters: z.record(z.unknown()).optional() }).strict();
const planSchemas = z
  .object({
    service_instance: z
      .object({ create: parameterSchema.optional(), update: parameterSchema.optional() })
      .strict()
      .optional(),
    service_binding: z.object({ create: parameterSchema.optional() }).strict().optional(),
  })
  .strict();

export const planBody = z.object({
  name: nonBlank(255),
  description: z.string().max(10000, 'must be at most 10000 characters'),
  service_guid: z.string().min(1),
  free: z.boolean().optional(),
  public: z.boolean().optional(),
  active: z.boolean().optional(),
  bindable: z.boolean().optional(),
  plan_updateable: z.boolean().optional(),
  extra: jsonString.optional(),
  unique_id: nonBlank(255).optional(),
  maintenance_info: maintenanceInfo.optional(),
  schemas: planSchemas.optional(),
  maximum_polling_duration: z.number().int().min(0).optional(),
});
export type PlanBody = z.infer<typeof planBody>;

export const planUpdateBody = planBody.omit({ service_guid: true }).partial();
export type PlanUpdateBody = z.infer<typeof planUpdateBody>;

export const visibilityBody = z.object({
  service_plan_guid: z.string().min(1),
  organization_guid: z.string().min(1),
});

export const visibilityUpdateBody = visibilityBody.partial();
export type VisibilityBody = z.infer<typeof visibilityBody>;
export type VisibilityUpdateBody = z.infer<typeof visibilityUpdateBody>;

/** The v2 service body in Wharf's words (fields left out stay out). */
export function toUpdateServiceCommand(body: ServiceUpdateBody): UpdateServiceCommand {
  return {
    label: body.label,
    description: body.description,
    longDescription: body.long_description,
    infoUrl: body.info_url,
    documentationUrl: body.documentation_url,
    provider: body.provider,
    url: body.url,
    version: body.version,
    timeout: body.timeout,
    active: body.active,
    bindable: body.bindable,
    extra: body.extra,
    uniqueId: body.unique_id,
    tags: body.tags,
    requires: body.requires,
    planUpdateable: body.plan_updateable,
    bindingsRetrievable: body.bindings_retrievable,
    instancesRetrievable: body.instances_retrievable,
    allowContextUpdates: body.allow_context_updates,
  };
}

export function toCreateServiceCommand(body: ServiceBody): CreateServiceCommand {
  return {
    ...toUpdateServiceCommand(body),
    label: body.label,
    description: body.description,
    serviceBrokerGuid: body.service_broker_guid,
  };
}

export function toUpdatePlanCommand(body: PlanUpdateBody): UpdatePlanCommand {
  return {
    name: body.name,
    description: body.description,
    free: body.free,
    public: body.public,
    active: body.active,
    bindable: body.bindable,
    planUpdateable: body.plan_updateable,
    maximumPollingDuration: body.maximum_polling_duration,
    maintenanceInfo: body.maintenance_info,
    schemas: body.schemas,
    extra: body.extra,
    uniqueId: body.unique_id,
  };
}

export function toCreatePlanCommand(body: PlanBody): CreatePlanCommand {
  return {
    ...toUpdatePlanCommand(body),
    name: body.name,
    description: body.description,
    serviceGuid: body.service_guid,
  };
}

export function toVisibilityCommand(body: VisibilityBody): VisibilityCommand {
  return { servicePlanGuid: body.service_plan_guid, organizationGuid: body.organization_guid };
}

export function toVisibilityChanges(body: VisibilityUpdateBody): Partial<VisibilityCommand> {
  return { servicePlanGuid: body.service_plan_guid, organizationGuid: body.organization_guid };
}
