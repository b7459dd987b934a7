import type { Knex } from 'knex';
import type { PageRequest } from './page-request';
import { offsetOf } from './page-request';
import { bytewiseColumnSql } from './apply-filters';

export interface Paged<T> {
  total: number;
  items: T[];
}

export function countOf(row: unknown): number {
  return Number(typeof row === 'object' && row !== null && 'n' in row ? row.n : 0);
}

/**
 * Count and page of one filtered query: two SQL statements whatever the table size. A text
 * `orderColumn` (e.g. a name) orders by bytes on both databases, like its `q` comparisons.
 */
export async function pageOf<R>(
  base: Knex.QueryBuilder,
  request: PageRequest,
  orderColumn: string,
  orderKind: 'key' | 'text' = 'key',
): Promise<{ total: number; rows: R[] }> {
  const countRow: unknown = await base.clone().clearSelect().clearOrder().count({ n: '*' }).first();
  const rows: R[] = await base
    .clone()
    .modify((qb: Knex.QueryBuilder) => {
      if (orderKind === 'text') {
        void qb.orderByRaw(`${bytewiseColumnSql(qb)} ${request.order.direction}`, [orderColumn]);
      } else {
        void qb.orderBy(orderColumn, request.order.direction);
      }
    })
    .limit(request.perPage)
    .offset(offsetOf(request));
  return { total: countOf(countRow), rows };
}
