import type { Knex } from 'knex';
import type { ListQuery } from '../http/list-query';

export interface Paged<T> {
  total: number;
  items: T[];
}

export function countOf(row: unknown): number {
  return Number(typeof row === 'object' && row !== null && 'n' in row ? row.n : 0);
}

/** Count and page of one filtered query: two SQL statements whatever the table size. */
export async function pageOf<R>(
  base: Knex.QueryBuilder,
  query: ListQuery,
  orderColumn: string,
): Promise<{ total: number; rows: R[] }> {
  const countRow: unknown = await base.clone().clearSelect().clearOrder().count({ n: '*' }).first();
  const rows: R[] = await base
    .clone()
    .orderBy(orderColumn, query.orderDirection)
    .limit(query.resultsPerPage)
    .offset((query.page - 1) * query.resultsPerPage);
  return { total: countOf(countRow), rows };
}
