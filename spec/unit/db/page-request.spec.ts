import { offsetOf, pageRequest } from '../../../src/db/page-request';
import type { PageRequest } from '../../../src/db/page-request';

describe('pageRequest', () => {
  it.each<[string, Parameters<typeof pageRequest>[0], PageRequest]>([
    [
      'only a page size: first page, ascending, unfiltered',
      { perPage: 10 },
      { page: 1, perPage: 10, order: { direction: 'asc', by: undefined }, filters: [] },
    ],
    [
      'everything given is kept',
      {
        page: 3,
        perPage: 5,
        order: { direction: 'desc', by: 'name' },
        filters: [{ field: 'name', operator: 'in', values: ['a', 'b'] }],
      },
      {
        page: 3,
        perPage: 5,
        order: { direction: 'desc', by: 'name' },
        filters: [{ field: 'name', operator: 'in', values: ['a', 'b'] }],
      },
    ],
  ])('%s', (_name, given, expected) => {
    expect(pageRequest(given)).toEqual(expected);
  });
});

describe('offsetOf', () => {
  it.each<[number, number, number]>([
    [1, 50, 0],
    [2, 50, 50],
    [3, 7, 14],
  ])('page %i of %i per page skips %i rows', (page, perPage, expected) => {
    expect(offsetOf(pageRequest({ page, perPage }))).toBe(expected);
  });
});
