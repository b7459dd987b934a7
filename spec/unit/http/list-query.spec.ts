import { CfError } from '../../../src/http/cf-errors';
import { parseListQuery } from '../../../src/http/list-query';
import type { ListQuery, ListQueryRules, RawQuery } from '../../../src/http/list-query';

const RULES: ListQueryRules = { queryable: ['name', 'organization_guid'], orderable: ['name'] };

const DEFAULTS: ListQuery = {
  page: 1,
  perPage: 50,
  order: { direction: 'asc', by: undefined },
  inlineRelationsDepth: 0,
  filters: [],
  rawQ: [],
};

function captureCfError(run: () => unknown): CfError {
  try {
    run();
  } catch (err) {
    if (err instanceof CfError) return err;
    throw err;
  }
  throw new Error('expected a CfError, nothing was thrown');
}

describe('parseListQuery', () => {
  it.each<[string, RawQuery, Partial<ListQuery>]>([
    ['no parameters: CC defaults', {}, {}],
    ['page', { page: '3' }, { page: 3 }],
    ['results-per-page', { 'results-per-page': '10' }, { perPage: 10 }],
    ['results-per-page at the maximum', { 'results-per-page': '100' }, { perPage: 100 }],
    ['results-per-page of 1', { 'results-per-page': '1' }, { perPage: 1 }],
    [
      'order-direction asc',
      { 'order-direction': 'asc' },
      { order: { direction: 'asc', by: undefined } },
    ],
    [
      'order-direction desc',
      { 'order-direction': 'desc' },
      { order: { direction: 'desc', by: undefined } },
    ],
    ['inline-relations-depth 0', { 'inline-relations-depth': '0' }, { inlineRelationsDepth: 0 }],
    ['inline-relations-depth 2', { 'inline-relations-depth': '2' }, { inlineRelationsDepth: 2 }],
    ['an allowed order-by', { 'order-by': 'name' }, { order: { direction: 'asc', by: 'name' } }],
    ['a repeated page (last wins)', { page: ['1', '4'] }, { page: 4 }],
    [
      'one q',
      { q: 'name:x' },
      { filters: [{ field: 'name', operator: 'eq', values: ['x'] }], rawQ: ['name:x'] },
    ],
    [
      'repeated q, kept verbatim for the page URLs',
      { q: ['name:x', 'organization_guid IN a,b'] },
      {
        filters: [
          { field: 'name', operator: 'eq', values: ['x'] },
          { field: 'organization_guid', operator: 'in', values: ['a', 'b'] },
        ],
        rawQ: ['name:x', 'organization_guid IN a,b'],
      },
    ],
    ['unknown parameters are ignored', { foo: 'bar', 'orphan-relations': '1' }, {}],
  ])('parses %s', (_name, query, expected) => {
    expect(parseListQuery(query, RULES)).toEqual({ ...DEFAULTS, ...expected });
  });

  it.each<[string, RawQuery, number, string]>([
    [
      'a non-integer page',
      { page: 'two' },
      10005,
      'The query parameter is invalid: page must be an integer',
    ],
    [
      'a fractional page',
      { page: '1.5' },
      10005,
      'The query parameter is invalid: page must be an integer',
    ],
    [
      'an empty page',
      { page: '' },
      10005,
      'The query parameter is invalid: page must be an integer',
    ],
    ['page 0', { page: '0' }, 10005, 'The query parameter is invalid: page must be >= 1'],
    ['a negative page', { page: '-2' }, 10005, 'The query parameter is invalid: page must be >= 1'],
    [
      'a page beyond the safe integers',
      { page: '99999999999999999999' },
      10005,
      'The query parameter is invalid: page must be <= 9007199254740991',
    ],
    [
      'a non-integer results-per-page',
      { 'results-per-page': 'ten' },
      10005,
      'The query parameter is invalid: results_per_page must be an integer',
    ],
    [
      'results-per-page over 100',
      { 'results-per-page': '101' },
      10005,
      'The query parameter is invalid: results_per_page must be <= 100',
    ],
    [
      'results-per-page 0',
      { 'results-per-page': '0' },
      10005,
      'The query parameter is invalid: results_per_page must be >= 1',
    ],
    [
      'a bad order-direction',
      { 'order-direction': 'up' },
      10005,
      "The query parameter is invalid: order_direction must be 'asc' or 'desc' but was 'up'",
    ],
    [
      'order-direction in capitals',
      { 'order-direction': 'DESC' },
      10005,
      "The query parameter is invalid: order_direction must be 'asc' or 'desc' but was 'DESC'",
    ],
    [
      'inline-relations-depth over 2',
      { 'inline-relations-depth': '3' },
      10005,
      'The query parameter is invalid: inline_relations_depth must be <= 2',
    ],
    [
      'a non-integer inline-relations-depth',
      { 'inline-relations-depth': 'deep' },
      10005,
      'The query parameter is invalid: inline_relations_depth must be an integer',
    ],
    [
      'a negative inline-relations-depth',
      { 'inline-relations-depth': '-1' },
      10005,
      'The query parameter is invalid: inline_relations_depth must be >= 0',
    ],
    ['an order-by outside the allowlist', { 'order-by': 'guid' }, 10012, 'Cannot order by: guid'],
    ['a q on an unknown field', { q: 'color:red' }, 10005, 'The query parameter is invalid: color'],
  ])('rejects %s', (_name, query, code, description) => {
    const err = captureCfError(() => parseListQuery(query, RULES));
    expect({ code: err.code, description: err.message }).toEqual({ code, description });
  });

  it('when the rules declare no orderable fields, rejects every order-by with 400 10012', () => {
    const err = captureCfError(() =>
      parseListQuery({ 'order-by': 'name' }, { queryable: ['name'] }),
    );
    expect(err.toBody()).toEqual({
      description: 'Cannot order by: name',
      error_code: 'CF-OrderByParameterInvalid',
      code: 10012,
    });
    expect(err.status).toBe(400);
  });
});
