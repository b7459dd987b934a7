import {
  checkArrayOfHashes,
  checkArrayOfStrings,
  checkBool,
  checkDescription,
  checkHash,
  checkString,
  isObjectArray,
  isStringArray,
} from './checks';
import type { ProblemSink } from './checks';
import { charLength, duplicatesOf, isPlainObject, isRubyTruthy, rubyToS } from './inspect';
import type { JsonObject } from './inspect';
import { checkPlan } from './plan-rules';
import type { PlanProblems, ServiceProblems } from './problems';

/** The only `requires` values CC (and OSB, osb-api.md §4.1) accept. */
const SUPPORTED_REQUIRES: ReadonlySet<string> = new Set([
  'syslog_drain',
  'route_forwarding',
  'volume_mount',
]);
const MAX_TAGS_CHARS = 2048;

/** Ruby's `attrs.fetch(key, fallback)`: the fallback only when the key is absent, not when it is null. */
function fetchOr(object: JsonObject, key: string, fallback: unknown): unknown {
  return key in object ? object[key] : fallback;
}

function checkTags(out: ProblemSink, service: JsonObject): void {
  const tags = fetchOr(service, 'tags', []);
  if (!checkArrayOfStrings(out, 'Service tags', tags) || !isStringArray(tags)) return;
  if (charLength(tags.join('')) > MAX_TAGS_CHARS) {
    out.push(
      `Tags for the service ${rubyToS(service.name)} must be ${MAX_TAGS_CHARS} characters or less.`,
    );
  }
}

function checkMetadata(out: ProblemSink, metadata: unknown): void {
  if (!isRubyTruthy(metadata)) return;
  if (checkHash(out, 'Service metadata', metadata) && isPlainObject(metadata)) {
    checkBool(out, 'Service metadata shareable', metadata.shareable);
  }
}

function checkDashboardClient(out: ProblemSink, client: unknown): void {
  if (!isRubyTruthy(client)) return;
  if (!checkHash(out, 'Service dashboard client attributes', client) || !isPlainObject(client))
    return;
  checkString(out, 'Service dashboard client id', client.id, true);
  checkString(out, 'Service dashboard client secret', client.secret, true);
  checkString(out, 'Service dashboard client redirect_uri', client.redirect_uri, true);
}

function checkRequiresValues(out: ProblemSink, requires: unknown): void {
  if (!Array.isArray(requires)) return;
  for (const value of requires) {
    if (typeof value !== 'string' || !SUPPORTED_REQUIRES.has(value)) {
      out.push(`Service "requires" field contains unsupported value "${rubyToS(value)}"`);
    }
  }
}

/**
 * The plan list, in CC's dependent order: at least one plan, then a list of objects, then each
 * plan, then uniqueness of ids and names within the service.
 */
function checkPlans(out: ProblemSink, service: JsonObject): PlanProblems[] {
  const plans = service.plans;
  if (!isRubyTruthy(plans) || (Array.isArray(plans) && plans.length === 0)) {
    out.push('At least one plan is required');
    return [];
  }
  if (!checkArrayOfHashes(out, 'Service plans list', plans) || !isObjectArray(plans)) return [];
  const name = rubyToS(service.name);
  for (const id of duplicatesOf(plans.map((p) => p.id))) {
    out.push(
      `Plan ids must be unique. Service ${name} already has a plan with id '${rubyToS(id)}'`,
    );
  }
  for (const planName of duplicatesOf(plans.map((p) => p.name))) {
    out.push(
      `Plan names must be unique within a service. Service ${name} already has a plan named ${rubyToS(planName)}`,
    );
  }
  return plans.map(checkPlan);
}

/** One service offering and its plans, with CC's labels and order (CatalogService#valid?). */
export function checkService(service: JsonObject): ServiceProblems {
  const out: ProblemSink = [];
  checkString(out, 'Service id', service.id, true);
  checkString(out, 'Service name', service.name, true);
  checkDescription(out, 'Service description', service.description, true);
  checkBool(out, 'Service "bindable" field', service.bindable, true);
  // CC reads `attrs['plan_updateable'] || false`: null and false are both "not updateable".
  checkBool(
    out,
    'Service "plan_updateable" field',
    isRubyTruthy(service.plan_updateable) ? service.plan_updateable : false,
  );
  checkBool(out, 'Service "bindings_retrievable" field', service.bindings_retrievable);
  checkBool(out, 'Service "instances_retrievable" field', service.instances_retrievable);
  checkBool(out, 'Service "allow_context_updates" field', service.allow_context_updates);
  checkTags(out, service);
  const requires = fetchOr(service, 'requires', []);
  checkArrayOfStrings(out, 'Service "requires" field', requires);
  checkMetadata(out, service.metadata);
  checkDashboardClient(out, service.dashboard_client);
  checkRequiresValues(out, requires);
  const plans = checkPlans(out, service);
  return { name: rubyToS(service.name), messages: out, plans };
}
