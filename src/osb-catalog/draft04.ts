/**
 * A structural check of a plan schema against the JSON-Schema draft-04 metaschema, without a
 * dependency. It interprets only the keywords the metaschema itself uses, and words problems as
 * Ruby's json-schema gem does (CC validates with it), e.g. "The property '#/properties' of type
 * boolean did not match the following type: object in schema http://json-schema.org/draft-04/schema#".
 */
import { isPlainObject, rubyInspect } from './inspect';
import { DRAFT04, DRAFT04_DEFINITIONS, DRAFT04_URI } from './draft04-metaschema';
import type { JsonType, MetaSchema } from './draft04-metaschema';

export { DRAFT04_URI } from './draft04-metaschema';

function resolve(target: string): MetaSchema {
  if (target === '#') return DRAFT04;
  const definition = DRAFT04_DEFINITIONS[target.replace('#/definitions/', '')];
  if (definition === undefined) throw new Error(`unknown metaschema reference ${target}`);
  return definition;
}

function typeOf(data: unknown): JsonType {
  if (data === null || data === undefined) return 'null';
  if (Array.isArray(data)) return 'array';
  if (typeof data === 'number') return Number.isInteger(data) ? 'integer' : 'number';
  if (typeof data === 'boolean') return 'boolean';
  if (typeof data === 'string') return 'string';
  return 'object';
}

function hasType(data: unknown, type: JsonType): boolean {
  const actual = typeOf(data);
  return actual === type || (type === 'number' && actual === 'integer');
}

/** Order-insensitive for objects, as Ruby's Hash equality is. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function fragment(path: readonly string[]): string {
  return `#/${path.join('/')}`;
}

function check(meta: MetaSchema, data: unknown, path: readonly string[], out: string[]): void {
  if (meta.$ref !== undefined) {
    check(resolve(meta.$ref), data, path, out);
    return;
  }
  const at = `The property '${fragment(path)}'`;
  if (meta.type !== undefined && !hasType(data, meta.type)) {
    out.push(`${at} of type ${typeOf(data)} did not match the following type: ${meta.type}`);
  }
  if (Array.isArray(data)) {
    if (meta.items !== undefined) {
      const items = meta.items;
      data.forEach((item: unknown, i) => {
        check(items, item, [...path, String(i)], out);
      });
    }
    if (meta.minItems !== undefined && data.length < meta.minItems) {
      out.push(`${at} did not contain a minimum number of items ${meta.minItems}`);
    }
    if (meta.uniqueItems === true && new Set(data.map(canonical)).size < data.length) {
      out.push(`${at} contained duplicated array values`);
    }
  }
  if (meta.minimum !== undefined && typeof data === 'number') {
    const exclusive = meta.exclusiveMinimum === true;
    if (exclusive ? data <= meta.minimum : data < meta.minimum) {
      out.push(
        `${at} did not have a minimum value of ${meta.minimum}, ${exclusive ? 'exclusively' : 'inclusively'}`,
      );
    }
  }
  if (meta.enum !== undefined && !meta.enum.some((v) => v === data)) {
    out.push(
      `${at} value ${rubyInspect(data)} did not match one of the following values: ${meta.enum.join(', ')}`,
    );
  }
  if (isPlainObject(data)) checkObject(meta, data, path, out);
  checkCombinators(meta, data, path, out);
}

function checkObject(
  meta: MetaSchema,
  data: Record<string, unknown>,
  path: readonly string[],
  out: string[],
): void {
  const properties = meta.properties ?? {};
  for (const [name, sub] of Object.entries(properties)) {
    if (name in data) check(sub, data[name], [...path, name], out);
  }
  if (meta.additionalProperties !== undefined) {
    for (const [name, value] of Object.entries(data)) {
      if (!(name in properties)) check(meta.additionalProperties, value, [...path, name], out);
    }
  }
  for (const [name, required] of Object.entries(meta.dependencies ?? {})) {
    if (!(name in data)) continue;
    for (const missing of required.filter((r) => !(r in data))) {
      out.push(
        `The property '${fragment(path)}' has a property '${name}' that depends on a missing property '${missing}'`,
      );
    }
  }
}

/** anyOf and allOf report one line of their own, not the lines of their branches (as the gem does). */
function checkCombinators(
  meta: MetaSchema,
  data: unknown,
  path: readonly string[],
  out: string[],
): void {
  const at = `The property '${fragment(path)}' of type ${typeOf(data)}`;
  if (
    meta.anyOf !== undefined &&
    !meta.anyOf.some((branch) => problemsOf(branch, data, path).length === 0)
  ) {
    out.push(`${at} did not match one or more of the required schemas`);
  }
  if (
    meta.allOf !== undefined &&
    meta.allOf.some((branch) => problemsOf(branch, data, path).length > 0)
  ) {
    out.push(`${at} did not match all of the required schemas`);
  }
}

function problemsOf(meta: MetaSchema, data: unknown, path: readonly string[]): string[] {
  const out: string[] = [];
  check(meta, data, path, out);
  return out;
}

/** Every way `schema` breaks the draft-04 metaschema, each ending "in schema <draft-04 uri>". */
export function draft04Problems(schema: unknown): string[] {
  return problemsOf(DRAFT04, schema, []).map((problem) => `${problem} in schema ${DRAFT04_URI}`);
}
