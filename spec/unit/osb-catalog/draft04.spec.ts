import { draft04Problems } from '../../../src/osb-catalog/draft04';
import {
  parametersSchemaProblems,
  planSchemasProblems,
} from '../../../src/osb-catalog/plan-schemas';

const DRAFT4 = 'http://json-schema.org/draft-04/schema#';
const IN_SCHEMA = ` in schema ${DRAFT4}`;

describe('draft04Problems', () => {
  it.each<[string, Record<string, unknown>]>([
    ['an empty schema', {}],
    [
      'a typical object schema',
      { type: 'object', properties: { a: { type: 'string', minLength: 1 } }, required: ['a'] },
    ],
    ['type as a list', { type: ['string', 'null'] }],
    [
      'items as a schema and as a tuple',
      {
        items: { type: 'integer' },
        additionalItems: false,
        properties: { t: { items: [{}, {}] } },
      },
    ],
    [
      'numeric limits with their exclusive flags',
      { minimum: 0, exclusiveMinimum: true, maximum: 9, exclusiveMaximum: false, multipleOf: 0.5 },
    ],
    [
      'local refs, definitions, combinators',
      {
        definitions: { x: { type: 'string' } },
        allOf: [{ $ref: '#/definitions/x' }],
        not: { type: 'null' },
      },
    ],
    ['dependencies of both kinds', { dependencies: { a: ['b'], c: { required: ['d'] } } }],
    ['unknown keywords (ignored, as draft-04 says)', { 'x-widget': 'slider', type: 'object' }],
  ])('accepts %s', (_name, schema) => {
    expect(draft04Problems(schema)).toEqual([]);
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    [
      'properties not an object',
      { properties: true },
      ["The property '#/properties' of type boolean did not match the following type: object"],
    ],
    [
      'anyOf not an array',
      { anyOf: true },
      ["The property '#/anyOf' of type boolean did not match the following type: array"],
    ],
    [
      'an empty anyOf',
      { anyOf: [] },
      ["The property '#/anyOf' did not contain a minimum number of items 1"],
    ],
    [
      'a nested property schema not an object',
      { properties: { a: 5 } },
      ["The property '#/properties/a' of type integer did not match the following type: object"],
    ],
    [
      'an unknown type name',
      { type: 'text' },
      ["The property '#/type' of type string did not match one or more of the required schemas"],
    ],
    [
      'duplicate type names',
      { type: ['string', 'string'] },
      ["The property '#/type' of type array did not match one or more of the required schemas"],
    ],
    [
      'required empty',
      { required: [] },
      ["The property '#/required' did not contain a minimum number of items 1"],
    ],
    [
      'required with duplicates',
      { required: ['a', 'a'] },
      ["The property '#/required' contained duplicated array values"],
    ],
    [
      'required with a non-string',
      { required: [1] },
      ["The property '#/required/0' of type integer did not match the following type: string"],
    ],
    [
      'maxLength negative',
      { maxLength: -1 },
      ["The property '#/maxLength' did not have a minimum value of 0, inclusively"],
    ],
    [
      'minLength negative (positiveIntegerDefault0)',
      { minLength: -1 },
      ["The property '#/minLength' of type integer did not match all of the required schemas"],
    ],
    [
      'multipleOf zero',
      { multipleOf: 0 },
      ["The property '#/multipleOf' did not have a minimum value of 0, exclusively"],
    ],
    [
      'exclusiveMaximum without maximum',
      { exclusiveMaximum: true },
      [
        "The property '#/' has a property 'exclusiveMaximum' that depends on a missing property 'maximum'",
      ],
    ],
    [
      'additionalProperties a string',
      { additionalProperties: 'no' },
      [
        "The property '#/additionalProperties' of type string did not match one or more of the required schemas",
      ],
    ],
    [
      'enum empty',
      { enum: [] },
      ["The property '#/enum' did not contain a minimum number of items 1"],
    ],
    [
      'enum with equal objects in another key order',
      {
        enum: [
          { a: 1, b: 2 },
          { b: 2, a: 1 },
        ],
      },
      ["The property '#/enum' contained duplicated array values"],
    ],
    [
      'a dependency that is neither schema nor list',
      { dependencies: { a: 'b' } },
      [
        "The property '#/dependencies/a' of type string did not match one or more of the required schemas",
      ],
    ],
    [
      'title not a string',
      { title: 1 },
      ["The property '#/title' of type integer did not match the following type: string"],
    ],
    [
      'several problems, in metaschema order',
      { anyOf: true, properties: true, title: 5 },
      [
        "The property '#/title' of type integer did not match the following type: string",
        "The property '#/properties' of type boolean did not match the following type: object",
        "The property '#/anyOf' of type boolean did not match the following type: array",
      ],
    ],
  ])('when %s, reports it as the json-schema gem does', (_name, schema, expected) => {
    expect(draft04Problems(schema)).toEqual(expected.map((line) => line + IN_SCHEMA));
  });
});

describe('parametersSchemaProblems', () => {
  it.each<[string, Record<string, unknown>, string[]]>([
    ['a valid schema', { $schema: DRAFT4, type: 'object' }, []],
    [
      'draft-04 without the fragment',
      { $schema: 'http://json-schema.org/draft-04/schema', type: 'object' },
      [],
    ],
    [
      'draft-06 (later drafts are accepted experimentally)',
      { $schema: 'http://json-schema.org/draft-06/schema#' },
      [],
    ],
    ['no $schema', { type: 'object' }, ['Schema must have $schema key but was not present']],
    [
      'an https metaschema URI (unknown to CC)',
      { $schema: 'https://json-schema.org/draft-04/schema#' },
      ['Custom meta schemas are not supported.'],
    ],
    [
      'a draft-07 metaschema',
      { $schema: 'http://json-schema.org/draft-07/schema#' },
      ['Custom meta schemas are not supported.'],
    ],
    [
      'an external $ref deep inside',
      { $schema: DRAFT4, definitions: { a: { allOf: [{ $ref: 'other.json#/x' }] } } },
      ['No external references are allowed: Read of URI at other.json#/x refused'],
    ],
    [
      'a local $ref',
      { $schema: DRAFT4, definitions: { a: {} }, properties: { b: { $ref: '#/definitions/a' } } },
      [],
    ],
    [
      'draft problems and an external ref: only the draft problems (CC stops at the first failing stage)',
      { $schema: DRAFT4, properties: true, $ref: 'https://example.com/ref' },
      [
        `Must conform to JSON Schema Draft 04 (experimental support for later versions): The property '#/properties' of type boolean did not match the following type: object${IN_SCHEMA}`,
      ],
    ],
    [
      'over 64 KB: only the size (no further checks)',
      { description: 'x'.repeat(65_536) },
      ['Must not be larger than 64KB'],
    ],
  ])('for %s, reports %j', (_name, schema, expected) => {
    expect(parametersSchemaProblems(schema)).toEqual(expected);
  });
});

describe('planSchemasProblems', () => {
  const bad = { $schema: DRAFT4, $ref: 'http://example.com/x' };
  it.each<[string, Record<string, unknown>, string[]]>([
    ['nothing at any location', {}, []],
    [
      'null and false locations (skipped, as CC does)',
      { service_instance: null, service_binding: { create: false } },
      [],
    ],
    [
      'a non-object location',
      { service_binding: 'x' },
      ['Schemas service_binding must be a hash, but has value "x"'],
    ],
    [
      'non-object parameters',
      { service_instance: { update: { parameters: [] } } },
      ['Schemas service_instance.update.parameters must be a hash, but has value []'],
    ],
    [
      'a shape problem next to a bad schema: only the shape problem',
      { service_instance: { create: { parameters: bad }, update: 1 } },
      ['Schemas service_instance.update must be a hash, but has value 1'],
    ],
    [
      'three bad schemas: all three, in CC order',
      {
        service_binding: { create: { parameters: bad } },
        service_instance: { update: { parameters: bad }, create: { parameters: bad } },
      },
      [
        'Schema service_instance.create.parameters is not valid. No external references are allowed: Read of URI at http://example.com/x refused',
        'Schema service_instance.update.parameters is not valid. No external references are allowed: Read of URI at http://example.com/x refused',
        'Schema service_binding.create.parameters is not valid. No external references are allowed: Read of URI at http://example.com/x refused',
      ],
    ],
  ])('for %s, reports %j', (_name, schemas, expected) => {
    expect(planSchemasProblems(schemas)).toEqual(expected);
  });
});
