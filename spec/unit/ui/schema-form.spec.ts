import { toFormFields, toParameters } from '../../../src/ui/schema-form';

const schema = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  type: 'object',
  required: ['size'],
  properties: {
    size: { type: 'integer', title: 'Size', minimum: 1, maximum: 5, default: 2 },
    region: { type: 'string', enum: ['eu', 'us'], default: 'eu' },
    ratio: { type: 'number' },
    backups: { type: 'boolean', default: true },
    name: { type: 'string', description: 'A label' },
    tags: { type: 'array', items: { type: 'string' } },
  },
};

describe('toFormFields', () => {
  it('turns each property into a field of the right kind', () => {
    expect(toFormFields(schema).map((f) => [f.name, f.kind, f.required, f.defaultValue])).toEqual([
      ['size', 'integer', true, '2'],
      ['region', 'enum', false, 'eu'],
      ['ratio', 'number', false, ''],
      ['backups', 'boolean', false, 'true'],
      ['name', 'string', false, ''],
      ['tags', 'json', false, ''],
    ]);
  });

  it.each([
    ['no schema', undefined],
    ['a schema without properties', { type: 'object' }],
    ['an array', []],
  ])('gives no field for %s', (_name, input) => {
    expect(toFormFields(input)).toEqual([]);
  });
});

describe('toParameters', () => {
  const fields = toFormFields(schema);
  const form = (entries: Record<string, string>): Map<string, string> =>
    new Map(Object.entries(entries).map(([k, v]) => [`param.${k}`, v]));

  it.each([
    [
      'typed values',
      { size: '3', region: 'us', ratio: '0.5', backups: 'true', name: 'x', tags: '["a"]' },
      { size: 3, region: 'us', ratio: 0.5, backups: true, name: 'x', tags: ['a'] },
    ],
    [
      'empty optional fields left out, unchecked box false',
      { size: '1' },
      { size: 1, backups: false },
    ],
  ])('%s', (_name, entries, expected) => {
    expect(toParameters(fields, form(entries))).toEqual({ ok: true, parameters: expected });
  });

  it.each([
    ['a missing required field', {}, 'Size is required'],
    ['a number below the minimum', { size: '0' }, 'Size must be at least 1'],
    ['a number above the maximum', { size: '9' }, 'Size must be at most 5'],
    ['a fraction for an integer', { size: '1.5' }, 'Size must be a whole number'],
    ['text for a number', { size: 'big' }, 'Size must be a number'],
    ['a value outside the enum', { size: '1', region: 'mars' }, 'region must be one of eu, us'],
    ['bad JSON', { size: '1', tags: '[' }, 'tags must be valid JSON'],
  ])('refuses %s', (_name, entries, problem) => {
    const result = toParameters(fields, form(entries));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems).toContain(problem);
  });
});
