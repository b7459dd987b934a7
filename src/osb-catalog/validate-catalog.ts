import { isObjectArray } from './checks';
import {
  duplicatesOf,
  isPlainObject,
  isRubyTruthy,
  rubyInspect,
  rubyToS,
  valueKey,
} from './inspect';
import type { JsonObject } from './inspect';
import { formatCatalogProblems, hasProblems } from './problems';
import type { CatalogProblemReport } from './problems';
import { CatalogShapeError, toOsbCatalog } from './shape';
import { checkService } from './service-rules';
import type { OsbCatalog } from './types';

/** What the registry already holds for this broker, for the checks that look beyond the catalog. */
export interface ExistingBrokerCatalog {
  brokerName: string;
  services: readonly ExistingCatalogService[];
  /** Dashboard client ids owned by other brokers (a catalog problem in CC, cf-v2-api.md §4.2 step 5). */
  dashboardClientIdsOfOtherBrokers?: readonly string[];
}

export interface ExistingCatalogService {
  /** The broker's id for the offering (its catalog `id`). */
  id: string;
  name: string;
  hasInstances: boolean;
  plans: readonly { id: string; name: string }[];
}

export type CatalogValidationResult =
  { ok: true; catalog: OsbCatalog } | { ok: false; problems: string; report: CatalogProblemReport };

interface PlanSeen {
  plan: JsonObject;
  service: JsonObject;
}

/**
 * Plan ids are unique across the whole catalog, and against this broker's plans of *other*
 * services (a plan may move only with its own service). Each duplicate is compared with the last
 * plan seen with that id, as CC does.
 */
function planIdProblems(
  services: readonly JsonObject[],
  existing: ExistingBrokerCatalog | undefined,
): string[] {
  const out: string[] = [];
  const seen = new Map<string, PlanSeen>();
  for (const service of services) {
    if (!isObjectArray(service.plans)) continue;
    for (const plan of service.plans) {
      if (plan.id === undefined || plan.id === null) continue;
      const prior = seen.get(valueKey(plan.id));
      if (prior !== undefined) {
        out.push(
          `Plan ids must be unique. Unable to register plan with id '${rubyToS(plan.id)}' (plan name '${rubyToS(plan.name)}', service name '${rubyToS(service.name)}') ` +
            `because it uses the same id as another plan in the catalog (plan name '${rubyToS(prior.plan.name)}', service name '${rubyToS(prior.service.name)}')`,
        );
      }
      seen.set(valueKey(plan.id), { plan, service });
    }
  }
  for (const old of existing?.services ?? []) {
    for (const oldPlan of old.plans) {
      const hit = seen.get(valueKey(oldPlan.id));
      if (hit === undefined || hit.service.id === old.id) continue;
      out.push(
        `Plan ids must be unique. Unable to register plan with id '${oldPlan.id}' (plan name '${rubyToS(hit.plan.name)}', service name '${rubyToS(hit.service.name)}') ` +
          `because it uses the same id as an existing plan (plan name '${oldPlan.name}', service name '${old.name}', broker name '${existing?.brokerName ?? ''}')`,
      );
    }
  }
  return out;
}

/** A new offering may not take the name of another of this broker's offerings that still has instances. */
function takenNameProblems(
  services: readonly JsonObject[],
  existing: ExistingBrokerCatalog,
): string[] {
  const clashing = existing.services
    .filter((old) => old.hasInstances)
    .filter((old) => services.some((fresh) => fresh.name === old.name && fresh.id !== old.id))
    .map((old) => old.name);
  if (clashing.length === 0) return [];
  return [
    `Service names must be unique within a broker. Services with names ${rubyInspect(clashing)} already exist`,
  ];
}

function dashboardClientIds(services: readonly JsonObject[]): unknown[] {
  return services
    .map((s) => s.dashboard_client)
    .filter(isPlainObject)
    .map((client) => client.id);
}

/** Every problem of the catalog, grouped by service and plan (cf-v2-api.md §4.2 step 3). Pure. */
export function catalogProblems(
  raw: unknown,
  existing?: ExistingBrokerCatalog,
): CatalogProblemReport {
  if (!isPlainObject(raw))
    return {
      messages: [`Catalog must be a hash, but has value ${rubyInspect(raw)}`],
      services: [],
    };
  const list = isRubyTruthy(raw.services) ? raw.services : [];
  if (!isObjectArray(list)) {
    return {
      messages: [`Services list must be an array of hashes, but has value ${rubyInspect(list)}`],
      services: [],
    };
  }
  const services = list.map(checkService);
  const messages: string[] = [];
  if (list.length === 0) messages.push('Service broker must provide at least one service');
  if (duplicatesOf(list.map((s) => s.id)).length > 0) messages.push('Service ids must be unique');
  if (duplicatesOf(list.map((s) => s.name)).length > 0)
    messages.push('Service names must be unique within a broker');
  if (existing !== undefined) messages.push(...takenNameProblems(list, existing));
  messages.push(...planIdProblems(list, existing));
  if (duplicatesOf(dashboardClientIds(list)).length > 0)
    messages.push('Service dashboard_client id must be unique');
  const taken = new Set(existing?.dashboardClientIdsOfOtherBrokers ?? []);
  list.forEach((service, i) => {
    const client = service.dashboard_client;
    if (isPlainObject(client) && typeof client.id === 'string' && taken.has(client.id)) {
      services[i]?.messages.push('Service dashboard client id must be unique');
    }
  });
  return { messages, services };
}

/**
 * Validates a broker's raw catalog and reports every problem at once. `problems` is the text CC
 * puts after "Service broker catalog is invalid: " (it starts with a newline): the argument of
 * `CfError('ServiceBrokerCatalogInvalid', problems)`.
 */
export function validateCatalog(
  raw: unknown,
  existing?: ExistingBrokerCatalog,
): CatalogValidationResult {
  const report = catalogProblems(raw, existing);
  if (hasProblems(report)) return { ok: false, problems: formatCatalogProblems(report), report };
  try {
    return { ok: true, catalog: toOsbCatalog(raw) };
  } catch (err) {
    // The rules accept only what the reader can build; if they ever disagree, the broker still
    // gets a catalog problem rather than a 500.
    if (!(err instanceof CatalogShapeError)) throw err;
    const fallback: CatalogProblemReport = { messages: [err.message], services: [] };
    return { ok: false, problems: formatCatalogProblems(fallback), report: fallback };
  }
}
