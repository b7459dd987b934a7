/**
 * A request for one page of a list, in no wire's terms: the v2 `q`/`page` parser (src/http) builds
 * one today; v3 reads and `/ui` forms become other parsers of the same type. Stores apply it with
 * `applyFilters` and `pageOf`. Imports neither express nor knex, so services may take it.
 */

export type FilterOperator = 'eq' | 'gte' | 'lte' | 'lt' | 'gt' | 'in';

export interface Filter {
  field: string;
  operator: FilterOperator;
  /** One value, except for `in`. */
  values: readonly string[];
}

export type SortDirection = 'asc' | 'desc';

export interface PageOrder {
  direction: SortDirection;
  /** A field the resource allows ordering by; undefined means creation order. */
  by: string | undefined;
}

export interface PageRequest {
  /** 1-based. */
  page: number;
  perPage: number;
  order: PageOrder;
  filters: readonly Filter[];
}

/** A page request with defaults for what is not given: page 1, ascending, unfiltered. */
export function pageRequest(fields: Partial<PageRequest> & { perPage: number }): PageRequest {
  return {
    page: fields.page ?? 1,
    perPage: fields.perPage,
    order: fields.order ?? { direction: 'asc', by: undefined },
    filters: fields.filters ?? [],
  };
}

/** How many rows the pages before `request.page` hold. */
export function offsetOf(request: PageRequest): number {
  return (request.page - 1) * request.perPage;
}
