/** The JSON-Schema draft-04 metaschema as data, for `catalog-draft04.ts` to interpret. */
export type JsonType = 'array' | 'boolean' | 'integer' | 'null' | 'number' | 'object' | 'string';

export interface MetaSchema {
  $ref?: string;
  type?: JsonType;
  items?: MetaSchema;
  minItems?: number;
  uniqueItems?: boolean;
  minimum?: number;
  exclusiveMinimum?: boolean;
  enum?: readonly string[];
  properties?: Readonly<Record<string, MetaSchema>>;
  additionalProperties?: MetaSchema;
  anyOf?: readonly MetaSchema[];
  allOf?: readonly MetaSchema[];
  dependencies?: Readonly<Record<string, readonly string[]>>;
}

export const DRAFT04_URI = 'http://json-schema.org/draft-04/schema#';

const SCHEMA: MetaSchema = { $ref: '#' };
export const DRAFT04_DEFINITIONS: Readonly<Record<string, MetaSchema>> = {
  schemaArray: { type: 'array', minItems: 1, items: SCHEMA },
  positiveInteger: { type: 'integer', minimum: 0 },
  positiveIntegerDefault0: { allOf: [{ $ref: '#/definitions/positiveInteger' }, {}] },
  simpleTypes: { enum: ['array', 'boolean', 'integer', 'null', 'number', 'object', 'string'] },
  stringArray: { type: 'array', items: { type: 'string' }, minItems: 1, uniqueItems: true },
};
const ref = (name: string): MetaSchema => ({ $ref: `#/definitions/${name}` });
const SCHEMA_MAP: MetaSchema = { type: 'object', additionalProperties: SCHEMA };
const BOOLEAN_OR_SCHEMA: MetaSchema = { anyOf: [{ type: 'boolean' }, SCHEMA] };

/** The draft-04 metaschema (json-schema.org/draft-04/schema), property order kept: it orders the problems. */
export const DRAFT04: MetaSchema = {
  type: 'object',
  properties: {
    id: { type: 'string' },
    $schema: { type: 'string' },
    title: { type: 'string' },
    description: { type: 'string' },
    default: {},
    multipleOf: { type: 'number', minimum: 0, exclusiveMinimum: true },
    maximum: { type: 'number' },
    exclusiveMaximum: { type: 'boolean' },
    minimum: { type: 'number' },
    exclusiveMinimum: { type: 'boolean' },
    maxLength: ref('positiveInteger'),
    minLength: ref('positiveIntegerDefault0'),
    pattern: { type: 'string' },
    additionalItems: BOOLEAN_OR_SCHEMA,
    items: { anyOf: [SCHEMA, ref('schemaArray')] },
    maxItems: ref('positiveInteger'),
    minItems: ref('positiveIntegerDefault0'),
    uniqueItems: { type: 'boolean' },
    maxProperties: ref('positiveInteger'),
    minProperties: ref('positiveIntegerDefault0'),
    required: ref('stringArray'),
    additionalProperties: BOOLEAN_OR_SCHEMA,
    definitions: SCHEMA_MAP,
    properties: SCHEMA_MAP,
    patternProperties: SCHEMA_MAP,
    dependencies: { type: 'object', additionalProperties: { anyOf: [SCHEMA, ref('stringArray')] } },
    enum: { type: 'array', minItems: 1, uniqueItems: true },
    type: {
      anyOf: [
        ref('simpleTypes'),
        { type: 'array', items: ref('simpleTypes'), minItems: 1, uniqueItems: true },
      ],
    },
    format: { type: 'string' },
    allOf: ref('schemaArray'),
    anyOf: ref('schemaArray'),
    oneOf: ref('schemaArray'),
    not: SCHEMA,
  },
  dependencies: { exclusiveMaximum: ['maximum'], exclusiveMinimum: ['minimum'] },
};
