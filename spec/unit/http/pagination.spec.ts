import type { ListQuery } from '../../../src/http/list-query';
import { pageUrl, presentPage, totalPages } from '../../../src/http/pagination';

function listQuery(overrides: Partial<ListQuery> = {}): ListQuery {
  return {
    page: 1,
    perPage: 50,
    order: { direction: 'asc', by: undefined },
    inlineRelationsDepth: 0,
    filters: [],
    rawQ: [],
    ...overrides,
  };
}

describe('totalPages', () => {
  it.each<[number, number, number]>([
    [0, 50, 1],
    [1, 50, 1],
    [50, 50, 1],
    [51, 50, 2],
    [100, 50, 2],
    [101, 50, 3],
    [7, 1, 7],
  ])('%i results at %i per page make %i pages (never 0)', (results, perPage, expected) => {
    expect(totalPages(results, perPage)).toBe(expected);
  });
});

describe('pageUrl', () => {
  it.each<[string, Partial<ListQuery>, number, string]>([
    [
      'only the paging keys by default, sorted',
      {},
      2,
      '/v2/organizations?order-direction=asc&page=2&results-per-page=50',
    ],
    [
      'desc and a custom page size',
      { order: { direction: 'desc', by: undefined }, perPage: 5 },
      3,
      '/v2/organizations?order-direction=desc&page=3&results-per-page=5',
    ],
    [
      'q kept, sorted between page and results-per-page',
      { rawQ: ['name:acme'] },
      2,
      '/v2/organizations?order-direction=asc&page=2&q=name%3Aacme&results-per-page=50',
    ],
    [
      'repeated q kept in request order',
      { rawQ: ['name IN a,b', 'status:active'] },
      2,
      '/v2/organizations?order-direction=asc&page=2&q=name%20IN%20a%2Cb&q=status%3Aactive&results-per-page=50',
    ],
    [
      'a ;-joined q kept as one parameter',
      { rawQ: ['name:a;;b;status:active'] },
      2,
      '/v2/organizations?order-direction=asc&page=2&q=name%3Aa%3B%3Bb%3Bstatus%3Aactive&results-per-page=50',
    ],
    [
      'inline-relations-depth first, order-by before order-direction',
      { inlineRelationsDepth: 1, order: { direction: 'asc', by: 'name' } },
      1,
      '/v2/organizations?inline-relations-depth=1&order-by=name&order-direction=asc&page=1&results-per-page=50',
    ],
  ])('builds %s', (_name, overrides, page, expected) => {
    expect(pageUrl('/v2/organizations', listQuery(overrides), page)).toBe(expected);
  });
});

describe('presentPage', () => {
  it.each<
    [
      string,
      Partial<ListQuery>,
      number,
      { total_pages: number; prev_url: string | null; next_url: string | null },
    ]
  >([
    ['an empty list', {}, 0, { total_pages: 1, prev_url: null, next_url: null }],
    ['a single full page', { perPage: 2 }, 2, { total_pages: 1, prev_url: null, next_url: null }],
    [
      'the first of three pages',
      { perPage: 2 },
      5,
      {
        total_pages: 3,
        prev_url: null,
        next_url: '/v2/spaces?order-direction=asc&page=2&results-per-page=2',
      },
    ],
    [
      'a middle page with a filter',
      { perPage: 2, page: 2, rawQ: ['name>b'] },
      5,
      {
        total_pages: 3,
        prev_url: '/v2/spaces?order-direction=asc&page=1&q=name%3Eb&results-per-page=2',
        next_url: '/v2/spaces?order-direction=asc&page=3&q=name%3Eb&results-per-page=2',
      },
    ],
    [
      'the last page',
      { perPage: 2, page: 3 },
      5,
      {
        total_pages: 3,
        prev_url: '/v2/spaces?order-direction=asc&page=2&results-per-page=2',
        next_url: null,
      },
    ],
    [
      'a page past the end',
      { perPage: 2, page: 9 },
      5,
      {
        total_pages: 3,
        prev_url: '/v2/spaces?order-direction=asc&page=8&results-per-page=2',
        next_url: null,
      },
    ],
  ])('presents %s', (_name, overrides, total, expected) => {
    const resources = [{ guid: 'r' }];
    expect(presentPage('/v2/spaces', listQuery(overrides), total, resources)).toEqual({
      total_results: total,
      ...expected,
      resources,
    });
  });
});
