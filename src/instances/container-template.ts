import { z } from 'zod';

/**
 * The bridge's template: a catalog entry's `extra.container` (DESIGN.md "The bridge"). Hyper
 * service fields, plus `parameters` (what provision parameters may set) and `credentials` (what a
 * service key hands out). A plan's template overrides the service's key by key.
 */
const parameterRule = z.union([
  z.object({ minimum: z.number().int().optional(), maximum: z.number().int().optional() }).strict(),
  z.array(z.string()),
  z.literal(true),
]);

export const containerTemplateSchema = z
  .object({
    parameters: z.record(parameterRule).optional(),
    credentials: z.record(z.string()).optional(),
  })
  .passthrough();

export type ContainerTemplate = z.infer<typeof containerTemplateSchema>;

const extraSchema = z.object({ container: z.unknown().optional() }).passthrough();

export type TemplateResult =
  { ok: true; template: ContainerTemplate | undefined } | { ok: false; message: string };

/** Reads `extra` (a JSON string) and returns its `container` template, if any. */
export function readContainerTemplate(extra: string | null): TemplateResult {
  if (extra === null) return { ok: true, template: undefined };
  let parsed: unknown;
  try {
    parsed = JSON.parse(extra);
  } catch {
    return { ok: true, template: undefined };
  }
  const outer = extraSchema.safeParse(parsed);
  if (!outer.success || outer.data.container === undefined)
    return { ok: true, template: undefined };
  const template = containerTemplateSchema.safeParse(outer.data.container);
  if (!template.success) {
    return {
      ok: false,
      message: template.error.issues
        .map((i) => `container.${i.path.join('.')}: ${i.message}`)
        .join('; '),
    };
  }
  return { ok: true, template: template.data };
}

/** Plan keys win over the service's; `parameters` and `credentials` merge key by key. */
export function mergeTemplates(
  service: ContainerTemplate | undefined,
  plan: ContainerTemplate | undefined,
): ContainerTemplate | undefined {
  if (service === undefined) return plan;
  if (plan === undefined) return service;
  return {
    ...service,
    ...plan,
    parameters: { ...service.parameters, ...plan.parameters },
    credentials: { ...service.credentials, ...plan.credentials },
  };
}

export type ParametersResult =
  { ok: true; body: Record<string, unknown> } | { ok: false; message: string };

function envName(entry: string): string {
  const eq = entry.indexOf('=');
  return eq < 0 ? entry : entry.slice(0, eq);
}

/**
 * Applies provision parameters to a template, allowing only what `container.parameters` lists:
 * `{"Replicas": {"minimum": 1, "maximum": 5}}` bounds an integer, `{"Env": ["GREETING"]}` lets the
 * named variables be set (`parameters.Env = {"GREETING": "hi"}`), `true` allows any value.
 */
export function applyParameters(
  template: ContainerTemplate,
  parameters: Record<string, unknown> | undefined,
): ParametersResult {
  const { parameters: rules = {}, credentials: _credentials, ...body } = template;
  const problems: string[] = [];
  const out: Record<string, unknown> = { ...body };
  for (const [key, value] of Object.entries(parameters ?? {})) {
    const rule = rules[key];
    if (rule === undefined) {
      problems.push(`parameter ${key} is not allowed by this service`);
      continue;
    }
    if (rule === true) {
      out[key] = value;
    } else if (Array.isArray(rule)) {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        problems.push(`parameter ${key} must be an object of ${rule.join(', ')}`);
        continue;
      }
      const entries = Object.entries(value);
      const bad = entries
        .filter(([name, v]) => !rule.includes(name) || typeof v !== 'string')
        .map(([name]) => name);
      if (bad.length > 0) {
        problems.push(
          `parameter ${key} may set only ${rule.join(', ')} (as strings), not ${bad.join(', ')}`,
        );
        continue;
      }
      const existing = out[key];
      const current = Array.isArray(existing)
        ? existing.filter((e): e is string => typeof e === 'string')
        : [];
      const overridden = new Set(entries.map(([name]) => name));
      out[key] = [
        ...current.filter((e) => !overridden.has(envName(e))),
        ...entries.map(([name, v]) => `${name}=${String(v)}`),
      ];
    } else {
      if (typeof value !== 'number' || !Number.isInteger(value)) {
        problems.push(`parameter ${key} must be an integer`);
        continue;
      }
      if (
        (rule.minimum !== undefined && value < rule.minimum) ||
        (rule.maximum !== undefined && value > rule.maximum)
      ) {
        problems.push(
          `parameter ${key} must be between ${rule.minimum ?? '-∞'} and ${rule.maximum ?? '∞'}`,
        );
        continue;
      }
      out[key] = value;
    }
  }
  return problems.length > 0
    ? { ok: false, message: problems.join('; ') }
    : { ok: true, body: out };
}

/** Secret names a template refers to (`${secret:NAME}` in Env or credentials). */
export function secretNames(template: ContainerTemplate): string[] {
  const text = JSON.stringify(template);
  return [
    ...new Set([...text.matchAll(/\$\{secret:([A-Za-z0-9_.-]+)\}/g)].map((m) => m[1] ?? '')),
  ].filter((n) => n !== '');
}

export interface PlaceholderValues {
  host: string;
  port: string;
  uri: string;
  name: string;
  secrets: Readonly<Record<string, string>>;
}

/** Replaces `${host}`, `${port}`, `${uri}`, `${name}` and `${secret:NAME}`; unknown ones stay. */
export function renderPlaceholders(text: string, values: PlaceholderValues): string {
  return text.replace(
    /\$\{(host|port|uri|name|secret:([A-Za-z0-9_.-]+))\}/g,
    (whole, key: string, secret: string | undefined) => {
      if (secret !== undefined) return values.secrets[secret] ?? whole;
      switch (key) {
        case 'host':
          return values.host;
        case 'port':
          return values.port;
        case 'uri':
          return values.uri;
        case 'name':
          return values.name;
        default:
          return whole;
      }
    },
  );
}

/** Secrets in Env are rendered before the spec goes to the engine; host and port are not known yet. */
export function renderEnv(
  body: Record<string, unknown>,
  secrets: Readonly<Record<string, string>>,
  name: string,
): Record<string, unknown> {
  const env: unknown = body.Env;
  if (!Array.isArray(env)) return body;
  const entries: unknown[] = env;
  // The engine stores Env sealed, and shows these keys' values as [redacted].
  const secretKeys = entries
    .filter((e): e is string => typeof e === 'string' && /\$\{secret:/.test(e))
    .map((e) => e.slice(0, e.indexOf('=')));
  return {
    ...body,
    Env: entries.map((e): unknown =>
      typeof e === 'string'
        ? renderPlaceholders(e, { host: '', port: '', uri: '', name, secrets })
        : e,
    ),
    ...(secretKeys.length > 0 ? { SecretEnv: secretKeys } : {}),
  };
}
