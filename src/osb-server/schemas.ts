import { z } from 'zod';
import type { ApiVersion } from './api-version';
import type { Result } from './failures';
import { badRequest, fail, ok } from './failures';
import type {
  BindDetails,
  DeprovisionDetails,
  JsonObject,
  LastOperationDetails,
  ProvisionDetails,
  UnbindDetails,
  UpdateDetails,
} from './types';
import {
  BIND_FIELDS_SINCE,
  PROVISION_FIELDS_SINCE,
  UPDATE_FIELDS_SINCE,
  withoutNewerFields,
} from './request-fields';

/** Request bodies and queries of `/broker/v2` (osb-api.md §6–8); unknown fields are ignored (§1). */

const id = (field: string): z.ZodString =>
  z
    .string({
      required_error: `${field} is required`,
      invalid_type_error: `${field} must be a string`,
    })
    .min(1, `${field} must not be empty`);

const object = (
  field: string,
): z.ZodOptional<z.ZodNullable<z.ZodRecord<z.ZodString, z.ZodUnknown>>> =>
  z
    .record(z.unknown(), { invalid_type_error: `${field} must be an object` })
    .nullable()
    .optional();

const maintenanceInfo = z
  .object(
    { version: id('maintenance_info.version') },
    { invalid_type_error: 'maintenance_info must be an object' },
  )
  .nullable()
  .optional();

export const provisionBodySchema = z.object({
  service_id: id('service_id'),
  plan_id: id('plan_id'),
  organization_guid: id('organization_guid'),
  space_guid: id('space_guid'),
  context: object('context'),
  parameters: object('parameters'),
  maintenance_info: maintenanceInfo,
});

export const updateBodySchema = z.object({
  service_id: id('service_id'),
  plan_id: id('plan_id').nullable().optional(),
  context: object('context'),
  parameters: object('parameters'),
  maintenance_info: maintenanceInfo,
  previous_values: object('previous_values'),
});

export const bindBodySchema = z.object({
  service_id: id('service_id'),
  plan_id: id('plan_id'),
  app_guid: z.string({ invalid_type_error: 'app_guid must be a string' }).nullable().optional(),
  bind_resource: object('bind_resource'),
  context: object('context'),
  parameters: object('parameters'),
  predecessor_binding_id: z
    .string({ invalid_type_error: 'predecessor_binding_id must be a string' })
    .nullable()
    .optional(),
});

/** One message naming every bad field: ours already start with the field, zod's do not. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.join('.');
      return field === '' || issue.message.startsWith(field)
        ? issue.message
        : `${field}: ${issue.message}`;
    })
    .join('; ');
}

function parseBody<T>(schema: z.ZodType<T>, body: unknown): Result<T> {
  // No body at all reads as `{}`, so the message names the missing fields.
  const input = body === undefined ? {} : body;
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    return fail(badRequest('The request body must be a JSON object.'));
  const parsed = schema.safeParse(input);
  return parsed.success ? ok(parsed.data) : fail(badRequest(describeIssues(parsed.error)));
}

export type RawQuery = Readonly<Record<string, unknown>>;

type QueryValue = { ok: true; value: string | undefined } | { ok: false; message: string };

function queryValue(query: RawQuery, key: string): QueryValue {
  const value = query[key];
  if (value === undefined || typeof value === 'string') return { ok: true, value };
  return { ok: false, message: `${key} must be given once, as a string` };
}

/** `accepts_incomplete=true` opts into async; anything else is a synchronous request (§5). */
function acceptsIncomplete(query: RawQuery): boolean {
  return query.accepts_incomplete === 'true';
}

function requiredQuery(query: RawQuery, keys: readonly string[]): Result<string[]> {
  const problems: string[] = [];
  const values: string[] = [];
  for (const key of keys) {
    const read = queryValue(query, key);
    if (!read.ok) problems.push(read.message);
    else if (read.value === undefined || read.value === '') problems.push(`${key} is required`);
    else values.push(read.value);
  }
  return problems.length > 0 ? fail(badRequest(problems.join('; '))) : ok(values);
}

/** Platform-chosen ids are stored as text of at most this length (the migration's columns). */
export const MAX_ID_LENGTH = 1024;

function checkIds(ids: Record<string, string>): Result<true> {
  const long = Object.entries(ids)
    .filter(([, value]) => value.length > MAX_ID_LENGTH)
    .map(([name]) => name);
  return long.length > 0
    ? fail(badRequest(`${long.join(' and ')} must be at most ${MAX_ID_LENGTH} characters`))
    : ok(true);
}

const orEmpty = (value: JsonObject | null | undefined): JsonObject => value ?? {};

export function toProvisionDetails(
  instanceId: string,
  body: unknown,
  query: RawQuery,
  version: ApiVersion,
): Result<ProvisionDetails> {
  const ids = checkIds({ instance_id: instanceId });
  if (!ids.ok) return ids;
  const parsed = parseBody(
    provisionBodySchema,
    withoutNewerFields(body, PROVISION_FIELDS_SINCE, version),
  );
  if (!parsed.ok) return parsed;
  const b = parsed.value;
  return ok({
    instanceId,
    serviceId: b.service_id,
    planId: b.plan_id,
    organizationGuid: b.organization_guid,
    spaceGuid: b.space_guid,
    context: orEmpty(b.context),
    parameters: orEmpty(b.parameters),
    maintenanceInfoVersion: b.maintenance_info?.version,
    acceptsIncomplete: acceptsIncomplete(query),
  });
}

export function toUpdateDetails(
  instanceId: string,
  body: unknown,
  query: RawQuery,
  version: ApiVersion,
): Result<UpdateDetails> {
  const parsed = parseBody(
    updateBodySchema,
    withoutNewerFields(body, UPDATE_FIELDS_SINCE, version),
  );
  if (!parsed.ok) return parsed;
  const b = parsed.value;
  return ok({
    instanceId,
    serviceId: b.service_id,
    planId: b.plan_id ?? undefined,
    parameters: b.parameters ?? undefined,
    context: b.context ?? undefined,
    maintenanceInfoVersion: b.maintenance_info?.version,
    acceptsIncomplete: acceptsIncomplete(query),
  });
}

/** service_id and plan_id are required on deprovision (osb-api.md §7.4; both checkers test it). */
export function toDeprovisionDetails(
  instanceId: string,
  query: RawQuery,
): Result<DeprovisionDetails> {
  const ids = requiredQuery(query, ['service_id', 'plan_id']);
  if (!ids.ok) return ids;
  const [serviceId = '', planId = ''] = ids.value;
  return ok({ instanceId, serviceId, planId, acceptsIncomplete: acceptsIncomplete(query) });
}

export function toLastOperationDetails(
  instanceId: string,
  bindingId: string | undefined,
  query: RawQuery,
): Result<LastOperationDetails> {
  const operation = queryValue(query, 'operation');
  if (!operation.ok) return fail(badRequest(operation.message));
  return ok({ instanceId, bindingId, operation: operation.value });
}

export function toBindDetails(
  instanceId: string,
  bindingId: string,
  body: unknown,
  query: RawQuery,
  version: ApiVersion,
): Result<BindDetails> {
  const ids = checkIds({ instance_id: instanceId, binding_id: bindingId });
  if (!ids.ok) return ids;
  const parsed = parseBody(bindBodySchema, withoutNewerFields(body, BIND_FIELDS_SINCE, version));
  if (!parsed.ok) return parsed;
  const b = parsed.value;
  // Rotation needs `binding_rotatable`, which no plan of this broker advertises (osb-api.md §8.2).
  if (b.predecessor_binding_id !== undefined && b.predecessor_binding_id !== null)
    return fail(
      badRequest('predecessor_binding_id: binding rotation is not supported by this broker'),
    );
  const resource = orEmpty(b.bind_resource);
  const appGuid =
    b.app_guid ?? (typeof resource.app_guid === 'string' ? resource.app_guid : undefined);
  return ok({
    instanceId,
    bindingId,
    serviceId: b.service_id,
    planId: b.plan_id,
    appGuid,
    bindResource: resource,
    parameters: orEmpty(b.parameters),
    context: orEmpty(b.context),
    acceptsIncomplete: acceptsIncomplete(query),
  });
}

export function toUnbindDetails(
  instanceId: string,
  bindingId: string,
  query: RawQuery,
): Result<UnbindDetails> {
  const ids = requiredQuery(query, ['service_id', 'plan_id']);
  if (!ids.ok) return ids;
  const [serviceId = '', planId = ''] = ids.value;
  return ok({ instanceId, bindingId, serviceId, planId });
}
