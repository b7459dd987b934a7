import { createHash } from 'node:crypto';
import type { Service, ServicePlan } from '../catalog';
import { toTenant } from '../containers';
import { SPEC_DEFAULTS } from '../containers';
import {
  applyParameters,
  mergeTemplates,
  readContainerTemplate,
  renderEnv,
  renderPlaceholders,
  secretNames,
} from '../instances';
import type { ContainerTemplate } from '../instances';
import type { InPlaceSettings } from './engine';
import { sameJson } from './json-equal';
import type { ContainerRef, Endpoint, JsonObject } from './types';

/** Pure translations from a catalog entry's container template to what the engine and a binding need. */

export type Rendered<T> = { ok: true; value: T } | { ok: false; message: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Label carried by every container service the broker creates, so an operator can trace it. */
export const INSTANCE_LABEL = 'osb.service-instance';

/**
 * Tenant = the platform's space (hashed unless a uuid, like every Wharf tenant); name `osb-<id>`
 * for lowercase uuid ids, else `osb-<sha256 prefix>`: OSB ids may hold any character and are
 * case-sensitive (osb-api.md §1), container names are DNS labels. A uuid has dashes, the hash
 * none, so the two forms never collide; the prefix keeps them apart from CC's `si-<guid>`.
 */
export function containerRefFor(instanceId: string, spaceGuid: string): ContainerRef {
  const suffix = UUID.test(instanceId)
    ? instanceId
    : createHash('sha256').update(instanceId, 'utf8').digest('hex').slice(0, 40);
  return { tenant: toTenant(spaceGuid), name: `osb-${suffix}` };
}

/** The service's template with the plan's keys over it (DESIGN.md "The bridge"). */
export function templateFor(service: Service, plan: ServicePlan): Rendered<ContainerTemplate> {
  const own = readContainerTemplate(service.extra);
  if (!own.ok) return { ok: false, message: own.message };
  const planned = readContainerTemplate(plan.extra);
  if (!planned.ok) return { ok: false, message: planned.message };
  const merged = mergeTemplates(own.template, planned.template);
  if (merged === undefined)
    return { ok: false, message: `service ${service.label} has no container template` };
  return { ok: true, value: merged };
}

/** Names of `${secret:NAME}` values still missing, generated with `newSecret`. */
export function ensureSecrets(
  template: ContainerTemplate,
  current: Readonly<Record<string, string>>,
  newSecret: () => string,
): Record<string, string> {
  const missing = secretNames(template).filter((name) => current[name] === undefined);
  return { ...current, ...Object.fromEntries(missing.map((name) => [name, newSecret()])) };
}

function labelsOf(body: Record<string, unknown>): Record<string, string> {
  const labels = body.Labels;
  if (typeof labels !== 'object' || labels === null || Array.isArray(labels)) return {};
  return Object.fromEntries(
    Object.entries(labels).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    ),
  );
}

/** The Hyper create body of an instance: template + allowed parameters, secrets in Env, name, label. */
export function renderServiceBody(
  template: ContainerTemplate,
  parameters: JsonObject,
  secrets: Readonly<Record<string, string>>,
  ref: ContainerRef,
  instanceId: string,
): Rendered<Record<string, unknown>> {
  const applied = applyParameters(template, parameters);
  if (!applied.ok) return { ok: false, message: applied.message };
  const body = renderEnv(applied.body, secrets, ref.name);
  return {
    ok: true,
    value: { ...body, Name: ref.name, Labels: { ...labelsOf(body), [INSTANCE_LABEL]: instanceId } },
  };
}

/** What a body asks of the two settings Hyper can change in place (defaults as the engine's). */
export function inPlaceSettingsOf(body: Record<string, unknown>): InPlaceSettings {
  return {
    replicas: typeof body.Replicas === 'number' ? body.Replicas : SPEC_DEFAULTS.replicas,
    image: typeof body.Image === 'string' ? body.Image : '',
  };
}

export type InPlaceChange =
  { ok: true; change: Partial<InPlaceSettings> } | { ok: false; fields: string[] };

/**
 * An update can only scale or roll to another image (the Hyper update API); any other field of
 * the body that differs between the old and the new plan/parameters makes it impossible (422).
 */
export function toInPlaceChange(
  before: Record<string, unknown>,
  after: Record<string, unknown>,
  current: InPlaceSettings,
): InPlaceChange {
  const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].filter(
    (k) => k !== 'Replicas' && k !== 'Image',
  );
  const fields = keys.filter((k) => !sameJson(before[k], after[k])).sort();
  if (fields.length > 0) return { ok: false, fields };
  const wanted = inPlaceSettingsOf(after);
  const change: Partial<InPlaceSettings> = {};
  if (wanted.replicas !== current.replicas) change.replicas = wanted.replicas;
  if (wanted.image !== current.image) change.image = wanted.image;
  return { ok: true, change };
}

function schemeOf(template: ContainerTemplate): string {
  switch (template.Protocol) {
    case 'http':
      return 'http';
    case 'https':
    case 'httpsTerm':
      return 'https';
    default:
      return 'tcp';
  }
}

/** A binding's credentials: the template's `credentials` with the instance's address and secrets. */
export function renderCredentials(
  template: ContainerTemplate,
  endpoint: Endpoint | undefined,
  secrets: Readonly<Record<string, string>>,
  ref: ContainerRef,
): Record<string, string> {
  const host = endpoint?.host ?? '';
  const port = endpoint?.port ?? '';
  const values = {
    host,
    port,
    uri: endpoint === undefined ? '' : `${schemeOf(template)}://${host}:${port}`,
    name: ref.name,
    secrets,
  };
  const credentials = template.credentials ?? { host: '${host}', port: '${port}', uri: '${uri}' };
  return Object.fromEntries(
    Object.entries(credentials).map(([key, text]) => [key, renderPlaceholders(text, values)]),
  );
}
