import { CfError } from '../../../src/http/cf-errors';
import type { Filter } from '../../../src/db/page-request';
import { parseQ, splitFilters, V2_OPERATOR_TEXT } from '../../../src/http/q-filter';

const ALLOWED = ['name', 'label', 'provider', 'active', 'created_at', 'space_guid'] as const;

function captureCfError(run: () => unknown): CfError {
  try {
    run();
  } catch (err) {
    if (err instanceof CfError) return err;
    throw err;
  }
  throw new Error('expected a CfError, nothing was thrown');
}

describe('splitFilters', () => {
  it.each<[string, string, string[]]>([
    ['a single filter', 'name:x', ['name:x']],
    ['two filters joined by ;', 'label:x;provider:y', ['label:x', 'provider:y']],
    [';; as a literal semicolon', 'name:a;;b', ['name:a;b']],
    [';; next to a separator', 'name:a;;b;label:c', ['name:a;b', 'label:c']],
    ['empty segments dropped', ';name:x;;;', ['name:x;']],
    ['an empty string', '', []],
  ])('splits %s', (_name, input, expected) => {
    expect(splitFilters(input)).toEqual(expected);
  });
});

describe('parseQ', () => {
  it.each<[string, string[], Filter[]]>([
    ['equality with :', ['name:db'], [{ field: 'name', operator: 'eq', values: ['db'] }]],
    [
      '>=',
      ['created_at>=2020-01-01T00:00:00Z'],
      [{ field: 'created_at', operator: 'gte', values: ['2020-01-01T00:00:00Z'] }],
    ],
    ['<=', ['created_at<=2020'], [{ field: 'created_at', operator: 'lte', values: ['2020'] }]],
    ['<', ['name<m'], [{ field: 'name', operator: 'lt', values: ['m'] }]],
    ['>', ['name>m'], [{ field: 'name', operator: 'gt', values: ['m'] }]],
    [
      'IN with a comma list',
      ['name IN a,b,c'],
      [{ field: 'name', operator: 'in', values: ['a', 'b', 'c'] }],
    ],
    ['IN with one value', ['label IN x'], [{ field: 'label', operator: 'in', values: ['x'] }]],
    [
      'a value containing :',
      ['name:a:b:c'],
      [{ field: 'name', operator: 'eq', values: ['a:b:c'] }],
    ],
    [
      'a value containing >= after :',
      ['name:>=x'],
      [{ field: 'name', operator: 'eq', values: ['>=x'] }],
    ],
    [
      'a value containing : after >=',
      ['created_at>=12:00'],
      [{ field: 'created_at', operator: 'gte', values: ['12:00'] }],
    ],
    [
      'a value containing : after IN',
      ['name IN a:1,b:2'],
      [{ field: 'name', operator: 'in', values: ['a:1', 'b:2'] }],
    ],
    ['an empty value', ['name:'], [{ field: 'name', operator: 'eq', values: [''] }]],
    [
      'a guid relation field',
      ['space_guid:s-1'],
      [{ field: 'space_guid', operator: 'eq', values: ['s-1'] }],
    ],
    [
      '; joined filters',
      ['label:x;provider:y'],
      [
        { field: 'label', operator: 'eq', values: ['x'] },
        { field: 'provider', operator: 'eq', values: ['y'] },
      ],
    ],
    [';; inside a value', ['name:a;;b'], [{ field: 'name', operator: 'eq', values: ['a;b'] }]],
    [
      'repeated q',
      ['label:x', 'active:true'],
      [
        { field: 'label', operator: 'eq', values: ['x'] },
        { field: 'active', operator: 'eq', values: ['true'] },
      ],
    ],
    [
      'repeated and ; joined together, in order',
      ['label:x;provider:y', 'name IN a,b'],
      [
        { field: 'label', operator: 'eq', values: ['x'] },
        { field: 'provider', operator: 'eq', values: ['y'] },
        { field: 'name', operator: 'in', values: ['a', 'b'] },
      ],
    ],
    ['no q at all', [], []],
  ])('parses %s', (_name, q, expected) => {
    expect(parseQ(q, ALLOWED)).toEqual(expected);
  });

  it.each<[string, string[], string]>([
    ['an unknown field with :', ['color:red'], 'color'],
    ['an unknown field with IN', ['color IN red,blue'], 'color'],
    ['an unknown field with >=', ['size>=3'], 'size'],
    ['an unknown field after a good one', ['name:x;color:red'], 'color'],
    ['an unknown field in a repeated q', ['name:x', 'guid:1'], 'guid'],
    ['a field that differs only in case', ['Name:x'], 'Name'],
    ['a filter without an operator', ['name'], 'name'],
    ['IN without the spaces', ['nameINa,b'], 'nameINa,b'],
  ])('rejects %s with CF-BadQueryParameter naming it', (_name, q, named) => {
    const err = captureCfError(() => parseQ(q, ALLOWED));
    expect(err.toBody()).toEqual({
      description: `The query parameter is invalid: ${named}`,
      error_code: 'CF-BadQueryParameter',
      code: 10005,
    });
    expect(err.status).toBe(400);
  });
});

describe('V2_OPERATOR_TEXT', () => {
  it.each(['name:x', 'name>=x', 'name<=x', 'name<x', 'name>x', 'name IN x,y'])(
    'spells the operator parsed from %j as the wire did',
    (q) => {
      const [filter] = parseQ([q], ['name']);
      if (filter === undefined) throw new Error('nothing parsed');
      expect(q.replace(/ IN /, 'IN')).toContain(`name${V2_OPERATOR_TEXT[filter.operator]}`);
    },
  );
});
