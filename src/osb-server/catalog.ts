import type { Service, ServicePlan } from '../catalog';
import type { ContainerTemplate } from '../instances';
import type { ApiVersion } from './api-version';
import { supports } from './api-version';
import { templateFor } from './instance-template';
import type { JsonObject } from './types';
import { isPlainObject } from '../http/plain-object';

/** One container-backed catalog service and its active plans, as Wharf's catalog holds them. */
export interface CatalogEntry {
  service: Service;
  plans: ServicePlan[];
}

export interface PlanOffering {
  id: string;
  name: string;
  description: string;
  metadata: JsonObject | undefined;
  free: boolean;
  bindable: boolean | undefined;
  planUpdateable: boolean | undefined;
  maximumPollingDuration: number | undefined;
  maintenanceInfo: { version: string; description?: string } | undefined;
  schemas: JsonObject | undefined;
}

export interface ServiceOffering {
  id: string;
  name: string;
  description: string;
  tags: string[];
  requires: string[];
  bindable: boolean;
  planUpdateable: boolean;
  metadata: JsonObject | undefined;
  plans: PlanOffering[];
}

const DRAFT_04 = 'http://json-schema.org/draft-04/schema#';

const isObject: (value: unknown) => value is JsonObject = isPlainObject;

/** `extra` is CF's JSON string of broker metadata; the bridge's `container` key is Wharf's own. */
export function metadataOf(extra: string | null): JsonObject {
  if (extra === null) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(extra);
  } catch {
    return {};
  }
  if (!isObject(parsed)) return {};
  const { container: _container, ...metadata } = parsed;
  return metadata;
}

/** CC fills these columns from a broker's metadata (osb-api.md §11); here they go back. */
function serviceMetadata(service: Service): JsonObject | undefined {
  const metadata: JsonObject = { ...metadataOf(service.extra) };
  if (metadata.longDescription === undefined && service.longDescription !== null)
    metadata.longDescription = service.longDescription;
  if (metadata.documentationUrl === undefined && service.documentationUrl !== null)
    metadata.documentationUrl = service.documentationUrl;
  if (metadata.providerDisplayName === undefined && service.provider !== null)
    metadata.providerDisplayName = service.provider;
  return Object.keys(metadata).length > 0 ? metadata : undefined;
}

function ruleSchema(rule: NonNullable<ContainerTemplate['parameters']>[string]): JsonObject {
  if (rule === true) return {};
  if (Array.isArray(rule)) {
    return {
      type: 'object',
      properties: Object.fromEntries(rule.map((name) => [name, { type: 'string' }])),
      additionalProperties: false,
    };
  }
  return {
    type: 'integer',
    ...(rule.minimum === undefined ? {} : { minimum: rule.minimum }),
    ...(rule.maximum === undefined ? {} : { maximum: rule.maximum }),
  };
}

/**
 * A draft-04 schema of exactly what `container.parameters` allows (what provision and update
 * accept), so a platform can validate before calling; undefined when the template allows nothing.
 */
export function parameterSchemaOf(template: ContainerTemplate): JsonObject | undefined {
  const rules = Object.entries(template.parameters ?? {});
  if (rules.length === 0) return undefined;
  return {
    $schema: DRAFT_04,
    type: 'object',
    properties: Object.fromEntries(rules.map(([key, rule]) => [key, ruleSchema(rule)])),
    additionalProperties: false,
  };
}

function nonEmpty(
  parameters: Record<string, unknown>,
): { parameters: Record<string, unknown> } | undefined {
  return Object.keys(parameters).length > 0 ? { parameters } : undefined;
}

/** The operator's own schemas (only the parts set), CC keeping every part as `{}` when absent. */
function operatorSchemas(schemas: ServicePlan['schemas']): JsonObject | undefined {
  const create = nonEmpty(schemas.service_instance.create.parameters);
  const update = nonEmpty(schemas.service_instance.update.parameters);
  const bind = nonEmpty(schemas.service_binding.create.parameters);
  const out: JsonObject = {};
  if (create !== undefined || update !== undefined)
    out.service_instance = { ...(create && { create }), ...(update && { update }) };
  if (bind !== undefined) out.service_binding = { create: bind };
  return Object.keys(out).length > 0 ? out : undefined;
}

/** The operator's own schemas win; otherwise the ones the template implies. */
function schemasOf(plan: ServicePlan, template: ContainerTemplate): JsonObject | undefined {
  const own = operatorSchemas(plan.schemas);
  if (own !== undefined) return own;
  const parameters = parameterSchemaOf(template);
  return parameters === undefined
    ? undefined
    : { service_instance: { create: { parameters }, update: { parameters } } };
}

function toPlanOffering(service: Service, plan: ServicePlan): PlanOffering | undefined {
  const template = templateFor(service, plan);
  // A template the provisioner cannot read could not be provisioned: the plan is not offered.
  if (!template.ok) return undefined;
  const metadata = metadataOf(plan.extra);
  return {
    id: plan.uniqueId,
    name: plan.name,
    description: plan.description,
    metadata: Object.keys(metadata).length > 0 ? metadata : undefined,
    free: plan.free,
    bindable: plan.bindable ?? undefined,
    planUpdateable: plan.planUpdateable ?? undefined,
    maximumPollingDuration: plan.maximumPollingDuration ?? undefined,
    maintenanceInfo: plan.maintenanceInfo ?? undefined,
    schemas: schemasOf(plan, template.value),
  };
}

/** Wharf's container-backed catalog as OSB offerings; an offering needs at least one plan (§4.1). */
export function toOfferings(entries: readonly CatalogEntry[]): ServiceOffering[] {
  const offerings: ServiceOffering[] = [];
  for (const { service, plans } of entries) {
    const offered = plans
      .filter((p) => p.active)
      .map((p) => toPlanOffering(service, p))
      .filter((p): p is PlanOffering => p !== undefined);
    if (!service.active || offered.length === 0) continue;
    offerings.push({
      id: service.uniqueId,
      name: service.label,
      description: service.description,
      tags: service.tags,
      requires: service.requires,
      bindable: service.bindable,
      planUpdateable: service.planUpdateable,
      metadata: serviceMetadata(service),
      plans: offered,
    });
  }
  return offerings;
}

function presentPlan(plan: PlanOffering, version: ApiVersion): JsonObject {
  const out: JsonObject = { id: plan.id, name: plan.name, description: plan.description };
  if (plan.metadata !== undefined) out.metadata = plan.metadata;
  out.free = plan.free;
  if (plan.bindable !== undefined) out.bindable = plan.bindable;
  if (plan.schemas !== undefined && supports(version, 13)) out.schemas = plan.schemas;
  // 2.15 additions: older platforms (and the 2.13-era osb-checker) refuse unknown plan fields.
  if (supports(version, 15)) {
    if (plan.planUpdateable !== undefined) out.plan_updateable = plan.planUpdateable;
    if (plan.maximumPollingDuration !== undefined)
      out.maximum_polling_duration = plan.maximumPollingDuration;
    if (plan.maintenanceInfo !== undefined) out.maintenance_info = plan.maintenanceInfo;
  }
  return out;
}

function presentService(offering: ServiceOffering, version: ApiVersion): JsonObject {
  const out: JsonObject = {
    id: offering.id,
    name: offering.name,
    description: offering.description,
    tags: offering.tags,
  };
  if (offering.requires.length > 0) out.requires = offering.requires;
  out.bindable = offering.bindable;
  // Fetching instances and bindings (2.14) works for every plan of this broker.
  if (supports(version, 14)) {
    out.instances_retrievable = true;
    out.bindings_retrievable = true;
  }
  if (offering.metadata !== undefined) out.metadata = offering.metadata;
  out.plan_updateable = offering.planUpdateable;
  out.plans = offering.plans.map((p) => presentPlan(p, version));
  return out;
}

/** `GET /v2/catalog` body: only the fields the platform's API version defines (osb-api.md §13). */
export function presentCatalog(
  offerings: readonly ServiceOffering[],
  version: ApiVersion,
): { services: JsonObject[] } {
  return { services: offerings.map((o) => presentService(o, version)) };
}
