import { isPlainObject } from './inspect';
import type { JsonObject } from './inspect';
import type { OsbCatalog, OsbMaintenanceInfo, OsbPlan, OsbService } from './types';

/**
 * The typed shape of a catalog (osb-api.md §4): the parse boundary from `unknown` to `OsbCatalog`.
 * `validateCatalog`'s rules decide validity with CC's wording; this reader builds the value and is
 * strict on its own, so a gap in the rules surfaces as a `CatalogShapeError`, never as a wrong type.
 * It accepts what CC accepts: optional fields that are null (or Ruby-falsy where CC skips the
 * check) come out absent; unknown fields are dropped (OSB: receivers ignore them).
 *
 * Hand-written rather than zod: zod took ~300 ms on a 1,000 × 10 catalog, most of the issue's
 * 2 s budget for a whole sync; this takes a few milliseconds.
 */
export class CatalogShapeError extends Error {
  constructor(
    readonly path: string,
    expected: string,
  ) {
    super(`${path} must be ${expected}`);
    this.name = 'CatalogShapeError';
  }
}

type Absent = 'null' | 'falsy';

function isAbsent(value: unknown, absent: Absent): boolean {
  return value === undefined || value === null || (absent === 'falsy' && value === false);
}

function string(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new CatalogShapeError(path, 'a string');
  return value;
}

function optionalString(value: unknown, path: string): string | undefined {
  return isAbsent(value, 'null') ? undefined : string(value, path);
}

function optionalBoolean(value: unknown, path: string): boolean | undefined {
  if (isAbsent(value, 'null')) return undefined;
  if (typeof value !== 'boolean') throw new CatalogShapeError(path, 'a boolean');
  return value;
}

function object(value: unknown, path: string): JsonObject {
  if (!isPlainObject(value)) throw new CatalogShapeError(path, 'an object');
  return value;
}

function optionalObject(value: unknown, path: string): JsonObject | undefined {
  return isAbsent(value, 'falsy') ? undefined : object(value, path);
}

function optionalInteger(value: unknown, path: string): number | undefined {
  if (isAbsent(value, 'falsy')) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new CatalogShapeError(path, 'an integer');
  return value;
}

function optionalStrings(value: unknown, path: string): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) throw new CatalogShapeError(path, 'an array of strings');
  return value.map((item: unknown, i) => string(item, `${path}.${i}`));
}

function list(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new CatalogShapeError(path, 'an array');
  return value;
}

/** `{ key: value }`, or `{}` when absent: spread into a literal so absent fields have no key at all. */
function field<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  if (value === undefined) return {};
  const out: { [P in K]?: V } = {};
  out[key] = value;
  return out;
}

function toMaintenanceInfo(value: unknown, path: string): OsbMaintenanceInfo | undefined {
  const info = optionalObject(value, path);
  if (info === undefined) return undefined;
  return {
    version: string(info.version, `${path}.version`),
    ...field('description', optionalString(info.description, `${path}.description`)),
  };
}

function toDashboardClient(value: unknown, path: string): OsbService['dashboard_client'] {
  const client = optionalObject(value, path);
  if (client === undefined) return undefined;
  return {
    id: string(client.id, `${path}.id`),
    secret: string(client.secret, `${path}.secret`),
    redirect_uri: string(client.redirect_uri, `${path}.redirect_uri`),
  };
}

export function toOsbPlan(value: unknown, path: string): OsbPlan {
  const plan = object(value, path);
  return {
    id: string(plan.id, `${path}.id`),
    name: string(plan.name, `${path}.name`),
    description: string(plan.description, `${path}.description`),
    ...field('metadata', optionalObject(plan.metadata, `${path}.metadata`)),
    ...field('free', optionalBoolean(plan.free, `${path}.free`)),
    ...field('bindable', optionalBoolean(plan.bindable, `${path}.bindable`)),
    ...field('plan_updateable', optionalBoolean(plan.plan_updateable, `${path}.plan_updateable`)),
    ...field(
      'maximum_polling_duration',
      optionalInteger(plan.maximum_polling_duration, `${path}.maximum_polling_duration`),
    ),
    ...field(
      'maintenance_info',
      toMaintenanceInfo(plan.maintenance_info, `${path}.maintenance_info`),
    ),
    ...field('schemas', optionalObject(plan.schemas, `${path}.schemas`)),
  };
}

export function toOsbService(value: unknown, path: string): OsbService {
  const service = object(value, path);
  const plans = list(service.plans, `${path}.plans`).map((plan, i) =>
    toOsbPlan(plan, `${path}.plans.${i}`),
  );
  if (plans.length === 0) throw new CatalogShapeError(`${path}.plans`, 'a non-empty array');
  const bindable = optionalBoolean(service.bindable, `${path}.bindable`);
  if (bindable === undefined) throw new CatalogShapeError(`${path}.bindable`, 'a boolean');
  return {
    id: string(service.id, `${path}.id`),
    name: string(service.name, `${path}.name`),
    description: string(service.description, `${path}.description`),
    bindable,
    ...field('tags', optionalStrings(service.tags, `${path}.tags`)),
    ...field('requires', optionalStrings(service.requires, `${path}.requires`)),
    ...field('metadata', optionalObject(service.metadata, `${path}.metadata`)),
    ...field(
      'plan_updateable',
      optionalBoolean(service.plan_updateable, `${path}.plan_updateable`),
    ),
    ...field(
      'bindings_retrievable',
      optionalBoolean(service.bindings_retrievable, `${path}.bindings_retrievable`),
    ),
    ...field(
      'instances_retrievable',
      optionalBoolean(service.instances_retrievable, `${path}.instances_retrievable`),
    ),
    ...field(
      'allow_context_updates',
      optionalBoolean(service.allow_context_updates, `${path}.allow_context_updates`),
    ),
    ...field(
      'dashboard_client',
      toDashboardClient(service.dashboard_client, `${path}.dashboard_client`),
    ),
    plans,
  };
}

/** Reads a catalog; throws `CatalogShapeError` naming the first field that does not fit. */
export function toOsbCatalog(value: unknown): OsbCatalog {
  const catalog = object(value, 'catalog');
  const services = isAbsent(catalog.services, 'null') ? [] : list(catalog.services, 'services');
  return { services: services.map((service, i) => toOsbService(service, `services.${i}`)) };
}
