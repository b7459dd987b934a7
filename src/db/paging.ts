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
 * Count and page of one filtered query: at most two SQL statements whatever the table size. A
 * text `orderColumn` (e.g. a name) orders by bytes on both databases, like its `q` comparisons.
 * The page is read first: a short page that is not past the end already tells the total (the
 * common single-row `q=name:` lookup), so only full or empty pages pay for a count.
 */
export async function pageOf<R>(
  base: Knex.QueryBuilder,
  request: PageRequest,
  orderColumn: string,
  orderKind: 'key' | 'text' = 'key',
): Promise<{ total: number; rows: R[] }> {
  const offset = offsetOf(request);
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
    .offset(offset);
  if (rows.length < request.perPage && (rows.length > 0 || offset === 0))
    return { total: offset + rows.length, rows };
  const countRow: unknown = await base.clone().clearSelect().clearOrder().count({ n: '*' }).first();
  return { total: countOf(countRow), rows };
}
