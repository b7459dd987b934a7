/**
 * A plan's `schemas.service_instance.create.parameters` (JSON Schema draft-04, as OSB brokers
 * publish it) turned into form fields, and the submitted form turned back into `parameters`.
 * Pure: the page renders the fields, the route parses the answer.
 */
export type FieldKind = 'string' | 'integer' | 'number' | 'boolean' | 'enum' | 'json';

export interface FormField {
  /** The parameter name; the form input is named `param.<name>`. */
  name: string;
  kind: FieldKind;
  title: string;
  description: string;
  required: boolean;
  options: string[];
  defaultValue: string;
  minimum: number | undefined;
  maximum: number | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const text = (v: unknown): string => (typeof v === 'string' ? v : '');
const num = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

function kindOf(prop: Record<string, unknown>): FieldKind {
  if (Array.isArray(prop['enum'])) return 'enum';
  switch (prop['type']) {
    case 'string':
      return 'string';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      // Objects, arrays and untyped properties are edited as JSON text: honest over clever.
      return 'json';
  }
}

function defaultText(value: unknown, kind: FieldKind): string {
  if (value === undefined) return '';
  if (kind === 'json') return JSON.stringify(value);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

export function toFormFields(schema: unknown): FormField[] {
  if (!isRecord(schema) || !isRecord(schema['properties'])) return [];
  const required = Array.isArray(schema['required'])
    ? schema['required'].filter((r): r is string => typeof r === 'string')
    : [];
  return Object.entries(schema['properties']).map(([name, raw]): FormField => {
    const prop = isRecord(raw) ? raw : {};
    const kind = kindOf(prop);
    return {
      name,
      kind,
      title: text(prop['title']) || name,
      description: text(prop['description']),
      required: required.includes(name),
      options: Array.isArray(prop['enum']) ? prop['enum'].map((o) => String(o)) : [],
      defaultValue: defaultText(prop['default'], kind),
      minimum: num(prop['minimum']),
      maximum: num(prop['maximum']),
    };
  });
}

export type ParsedParameters =
  { ok: true; parameters: Record<string, unknown> } | { ok: false; problems: string[] };

function parseOne(field: FormField, raw: string): { value: unknown } | { problem: string } {
  switch (field.kind) {
    case 'string':
      return { value: raw };
    case 'boolean':
      return { value: raw === 'true' || raw === 'on' };
    case 'integer':
    case 'number': {
      const value = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(value))
        return { problem: `${field.title} must be a number` };
      if (field.kind === 'integer' && !Number.isInteger(value))
        return { problem: `${field.title} must be a whole number` };
      if (field.minimum !== undefined && value < field.minimum)
        return { problem: `${field.title} must be at least ${field.minimum}` };
      if (field.maximum !== undefined && value > field.maximum)
        return { problem: `${field.title} must be at most ${field.maximum}` };
      return { value };
    }
    case 'enum': {
      if (!field.options.includes(raw))
        return { problem: `${field.title} must be one of ${field.options.join(', ')}` };
      // Enum values keep their schema type: a numeric enum gets a number back.
      const asNumber = Number(raw);
      return {
        value:
          raw.trim() !== '' && String(asNumber) === raw && !Number.isNaN(asNumber) ? asNumber : raw,
      };
    }
    case 'json':
      try {
        return { value: JSON.parse(raw) as unknown };
      } catch {
        return { problem: `${field.title} must be valid JSON` };
      }
  }
}

/** Form values (`param.<name>` → text) to parameters; empty optional fields are left out. */
export function toParameters(
  fields: readonly FormField[],
  form: ReadonlyMap<string, string>,
): ParsedParameters {
  const parameters: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const field of fields) {
    const raw = form.get(`param.${field.name}`);
    if (field.kind === 'boolean') {
      parameters[field.name] = raw === 'true' || raw === 'on';
      continue;
    }
    if (raw === undefined || raw === '') {
      if (field.required) problems.push(`${field.title} is required`);
      continue;
    }
    const parsed = parseOne(field, raw);
    if ('problem' in parsed) problems.push(parsed.problem);
    else parameters[field.name] = parsed.value;
  }
  return problems.length > 0 ? { ok: false, problems } : { ok: true, parameters };
}
