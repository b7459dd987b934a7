import {
  checkBool,
  checkDescription,
  checkHash,
  checkInteger,
  checkJsonLength,
  checkSemver,
  checkString,
} from './checks';
import type { ProblemSink } from './checks';
import { isPlainObject, isRubyTruthy, rubyToS } from './inspect';
import type { JsonObject } from './inspect';
import { planSchemasProblems } from './plan-schemas';
import type { PlanProblems } from './problems';

const MAINTENANCE_INFO_KEYS: ReadonlySet<string> = new Set(['version', 'description']);
const MAX_MAINTENANCE_INFO_CHARS = 2000;

/** `maintenance_info`: an object, semver `version`, optional string `description`, nothing else, ≤ 2000 chars. */
function checkMaintenanceInfo(out: ProblemSink, info: unknown): void {
  // CC goes on to read `version` out of a non-object (and crashes on some); one line says it all.
  if (!checkHash(out, 'Maintenance info', info) || !isPlainObject(info)) return;
  checkSemver(out, 'Maintenance info version', info.version, true);
  checkString(out, 'Maintenance info description', info.description);
  checkJsonLength(out, 'Maintenance info', info, MAX_MAINTENANCE_INFO_CHARS);
  const extra = Object.keys(info).filter((key) => !MAINTENANCE_INFO_KEYS.has(key));
  if (extra.length > 0) out.push(`Maintenance info contains invalid key(s): ${extra.join(', ')}`);
}

/**
 * One plan, with CC's labels and order (CatalogPlan#validate!). Optional fields are checked only
 * when Ruby-truthy, as CC does: `"free": null` and `"metadata": false` pass.
 */
export function checkPlan(plan: JsonObject): PlanProblems {
  const out: ProblemSink = [];
  checkString(out, 'Plan id', plan.id, true);
  checkString(out, 'Plan name', plan.name, true);
  checkDescription(out, 'Plan description', plan.description, true);
  if (isRubyTruthy(plan.metadata)) checkHash(out, 'Plan metadata', plan.metadata);
  if (isRubyTruthy(plan.free)) checkBool(out, 'Plan free', plan.free);
  if (isRubyTruthy(plan.bindable)) checkBool(out, 'Plan bindable', plan.bindable);
  if (isRubyTruthy(plan.plan_updateable)) checkBool(out, 'Plan updateable', plan.plan_updateable);
  if (isRubyTruthy(plan.maximum_polling_duration)) {
    checkInteger(out, 'Maximum polling duration', plan.maximum_polling_duration);
  }
  if (isRubyTruthy(plan.schemas)) checkHash(out, 'Plan schemas', plan.schemas);
  if (isRubyTruthy(plan.maintenance_info)) checkMaintenanceInfo(out, plan.maintenance_info);
  return {
    name: rubyToS(plan.name),
    messages: out,
    schemaMessages: isPlainObject(plan.schemas) ? planSchemasProblems(plan.schemas) : [],
  };
}
