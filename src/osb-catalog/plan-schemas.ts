import { draft04Problems } from './draft04';
import { charLength, isPlainObject, isRubyTruthy, rubyInspect } from './inspect';
import type { JsonObject } from './inspect';

/** osb-api.md §4.3: each schema at most 64 kB (CC counts the characters of its JSON). */
const MAX_SCHEMA_CHARS = 65_536;

/** The metaschemas CC's json-schema gem knows; anything else is a "custom meta schema". */
const KNOWN_METASCHEMA = /^http:\/\/json-schema\.org\/draft-0[12346]\/schema(#.*)?$/;

const DRAFT04_PREFIX =
  'Must conform to JSON Schema Draft 04 (experimental support for later versions): ';

/** Keywords whose values are schemas, maps of schemas or lists of schemas, where a `$ref` may hide. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions', 'dependencies']);
const SCHEMA_SLOTS = new Set([
  'items',
  'additionalItems',
  'additionalProperties',
  'not',
  'allOf',
  'anyOf',
  'oneOf',
]);

function subschemas(node: JsonObject): unknown[] {
  const found: unknown[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (SCHEMA_MAPS.has(key) && isPlainObject(value)) found.push(...Object.values(value));
    else if (SCHEMA_SLOTS.has(key)) {
      const slot: unknown[] = Array.isArray(value) ? value : [value];
      found.push(...slot);
    }
  }
  return found;
}

/** OSB forbids external `$ref`s (osb-api.md §4.3); CC stops at the first one its reader refuses. */
function firstExternalRef(node: unknown): string | undefined {
  if (!isPlainObject(node)) return undefined;
  if (typeof node.$ref === 'string' && !node.$ref.startsWith('#')) return node.$ref;
  for (const child of subschemas(node)) {
    const found = firstExternalRef(child);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * One `parameters` schema, checked in CC's order, each stage only when the previous ones passed:
 * size, `$schema` present, draft-04 conformance (every problem), known metaschema, no external refs.
 */
export function parametersSchemaProblems(schema: JsonObject): string[] {
  if (charLength(JSON.stringify(schema)) > MAX_SCHEMA_CHARS)
    return ['Must not be larger than 64KB'];
  if (!isRubyTruthy(schema.$schema)) return ['Schema must have $schema key but was not present'];
  const draft = draft04Problems(schema);
  if (draft.length > 0) return draft.map((problem) => DRAFT04_PREFIX + problem);
  if (typeof schema.$schema !== 'string' || !KNOWN_METASCHEMA.test(schema.$schema)) {
    return ['Custom meta schemas are not supported.'];
  }
  const external = firstExternalRef(schema);
  if (external !== undefined)
    return [`No external references are allowed: Read of URI at ${external} refused`];
  return [];
}

/** The three places OSB puts parameter schemas (osb-api.md §4.3), in the order CC checks them. */
const SCHEMA_LOCATIONS: ReadonlyArray<readonly [string, readonly string[]]> = [
  ['service_instance', ['create', 'update']],
  ['service_binding', ['create']],
];

/**
 * The object at `parent[key]`: absent or falsy means "no schema here" (CC skips it); anything else
 * that is not an object is a problem named by its dotted path.
 */
function objectAt(
  parent: JsonObject,
  key: string,
  path: readonly string[],
  out: string[],
): JsonObject | undefined {
  const value = parent[key];
  if (!isRubyTruthy(value)) return undefined;
  if (isPlainObject(value)) return value;
  out.push(
    `Schemas ${[...path, key].join('.')} must be a hash, but has value ${rubyInspect(value)}`,
  );
  return undefined;
}

/**
 * Problems of a plan's `schemas` object, the lines CC prints under "Schemas". Shape problems
 * come first and, as in CC, suppress the content checks of every schema.
 */
export function planSchemasProblems(schemas: JsonObject): string[] {
  const shape: string[] = [];
  const found: Array<{ path: string; schema: JsonObject }> = [];
  for (const [type, actions] of SCHEMA_LOCATIONS) {
    const typeNode = objectAt(schemas, type, [], shape);
    if (typeNode === undefined) continue;
    for (const action of actions) {
      const actionNode = objectAt(typeNode, action, [type], shape);
      if (actionNode === undefined) continue;
      const parameters = objectAt(actionNode, 'parameters', [type, action], shape);
      if (parameters !== undefined)
        found.push({ path: `${type}.${action}.parameters`, schema: parameters });
    }
  }
  if (shape.length > 0) return shape;
  return found.flatMap(({ path, schema }) =>
    parametersSchemaProblems(schema).map((problem) => `Schema ${path} is not valid. ${problem}`),
  );
}
