import { CfError } from '../../../src/http/cf-errors';
import type { QFilter } from '../../../src/http/q-filter';
import {
  parseQ,
  splitFilters,
  toBooleanFilterValue,
  toTimestampFilterValue,
} from '../../../src/http/q-filter';

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
  it.each<[string, string[], QFilter[]]>([
    ['equality with :', ['name:db'], [{ field: 'name', operator: ':', values: ['db'] }]],
    [
      '>=',
      ['created_at>=2020-01-01T00:00:00Z'],
      [{ field: 'created_at', operator: '>=', values: ['2020-01-01T00:00:00Z'] }],
    ],
    ['<=', ['created_at<=2020'], [{ field: 'created_at', operator: '<=', values: ['2020'] }]],
    ['<', ['name<m'], [{ field: 'name', operator: '<', values: ['m'] }]],
    ['>', ['name>m'], [{ field: 'name', operator: '>', values: ['m'] }]],
    [
      'IN with a comma list',
      ['name IN a,b,c'],
      [{ field: 'name', operator: 'IN', values: ['a', 'b', 'c'] }],
    ],
    ['IN with one value', ['label IN x'], [{ field: 'label', operator: 'IN', values: ['x'] }]],
    ['a value containing :', ['name:a:b:c'], [{ field: 'name', operator: ':', values: ['a:b:c'] }]],
    [
      'a value containing >= after :',
      ['name:>=x'],
      [{ field: 'name', operator: ':', values: ['>=x'] }],
    ],
    [
      'a value containing : after >=',
      ['created_at>=12:00'],
      [{ field: 'created_at', operator: '>=', values: ['12:00'] }],
    ],
    [
      'a value containing : after IN',
      ['name IN a:1,b:2'],
      [{ field: 'name', operator: 'IN', values: ['a:1', 'b:2'] }],
    ],
    ['an empty value', ['name:'], [{ field: 'name', operator: ':', values: [''] }]],
    [
      'a guid relation field',
      ['space_guid:s-1'],
      [{ field: 'space_guid', operator: ':', values: ['s-1'] }],
    ],
    [
      '; joined filters',
      ['label:x;provider:y'],
      [
        { field: 'label', operator: ':', values: ['x'] },
        { field: 'provider', operator: ':', values: ['y'] },
      ],
    ],
    [';; inside a value', ['name:a;;b'], [{ field: 'name', operator: ':', values: ['a;b'] }]],
    [
      'repeated q',
      ['label:x', 'active:true'],
      [
        { field: 'label', operator: ':', values: ['x'] },
        { field: 'active', operator: ':', values: ['true'] },
      ],
    ],
    [
      'repeated and ; joined together, in order',
      ['label:x;provider:y', 'name IN a,b'],
      [
        { field: 'label', operator: ':', values: ['x'] },
        { field: 'provider', operator: ':', values: ['y'] },
        { field: 'name', operator: 'IN', values: ['a', 'b'] },
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

describe('toBooleanFilterValue', () => {
  it.each<[string, boolean]>([
    ['t', true],
    ['true', true],
    ['f', false],
    ['false', false],
    ['TRUE', false],
    ['1', false],
    ['yes', false],
    ['', false],
  ])('reads %j as %s (only t and true are true)', (input, expected) => {
    expect(toBooleanFilterValue(input)).toBe(expected);
  });
});

describe('toTimestampFilterValue', () => {
  it.each<[string, string]>([
    ['2020-01-02T03:04:05Z', '2020-01-02T03:04:05Z'],
    ['2020-01-02T03:04:05.678Z', '2020-01-02T03:04:05Z'],
    ['2020-01-02T05:04:05+02:00', '2020-01-02T03:04:05Z'],
    ['2020-01-02', '2020-01-02T00:00:00Z'],
  ])('normalises %s to whole-second UTC', (input, expected) => {
    expect(toTimestampFilterValue(input)).toBe(expected);
  });

  it.each(['yesterday', '', '2020-13-45T00:00:00Z'])(
    'rejects %j with CF-BadQueryParameter',
    (input) => {
      const err = captureCfError(() => toTimestampFilterValue(input));
      expect(err.code).toBe(10005);
      expect(err.message).toBe(`The query parameter is invalid: invalid timestamp ${input}`);
    },
  );
});
