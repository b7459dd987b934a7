import type { Knex } from 'knex';
import { CfError } from '../http/cf-errors';
import type { Filter, FilterOperator, PageRequest } from './page-request';

/**
 * How one queryable field becomes SQL. Relation filters match the related row's guid through a
 * sub-select, as CC does (reference §1.4); `custom` covers joins through other tables.
 */
export type FilterColumn =
  | { kind: 'string'; column: string }
  /** CC keeps org and space names case-insensitively (citext): `q=name:` matches any case. */
  | { kind: 'caseless'; column: string }
  | { kind: 'boolean'; column: string }
  | { kind: 'integer'; column: string }
  | { kind: 'timestamp'; column: string }
  | { kind: 'relation'; column: string; table: string }
  | {
      kind: 'subquery';
      column: string;
      /** Sets the sub-select's FROM, joins and the one selected column. */
      from: (sub: Knex.QueryBuilder) => void;
      /** The guid column the filter's values are compared with. */
      guidColumn: string;
    }
  | {
      kind: 'custom';
      apply: (qb: Knex.QueryBuilder, operator: FilterOperator, values: readonly string[]) => void;
    };

export type FilterColumns = Readonly<Record<string, FilterColumn>>;

const SQL_OPERATORS: Readonly<Record<Exclude<FilterOperator, 'in'>, string>> = {
  eq: '=',
  gte: '>=',
  lte: '<=',
  lt: '<',
  gt: '>',
};

type Scalar = string | number | boolean | null;

/**
 * Strings compare by their bytes on both databases: SQLite's BINARY collation does so, while
 * PostgreSQL would use the database's collation (en-US puts "~" before letters and "a" before
 * "B"), so `label<x` and `order-by=name` would answer differently there. Equality needs no
 * collation (every collation in use is deterministic) and keeps using the plain indexes.
 * Returns the SQL for one column bound as `??`.
 */
export function bytewiseColumnSql(db: { client: Knex.Client }): string {
  return db.client.config.client === 'pg' ? '?? COLLATE "C"' : '??';
}

function compare(
  qb: Knex.QueryBuilder,
  column: string,
  operator: FilterOperator,
  values: readonly Scalar[],
  text = false,
): void {
  if (operator === 'in') {
    const nonNull = values.filter((v): v is string | number | boolean => v !== null);
    if (nonNull.length === values.length) {
      void qb.whereIn(column, nonNull);
    } else {
      void qb.where((inner) => {
        void inner.whereIn(column, nonNull).orWhereNull(column);
      });
    }
    return;
  }
  const value = values[0] ?? null;
  if (value === null) {
    // CC's integer rule: an empty value means IS NULL.
    void (operator === 'eq' ? qb.whereNull(column) : qb.whereRaw('1 = 0'));
    return;
  }
  if (text && operator !== 'eq') {
    void qb.whereRaw(`${bytewiseColumnSql(qb)} ${SQL_OPERATORS[operator]} ?`, [column, value]);
  } else {
    void qb.where(column, SQL_OPERATORS[operator], value);
  }
}

/**
 * Equality and `IN` ignore case, with SQL's `lower()` on both sides so that one function decides
 * on either database; ordering operators stay bytewise like any other string.
 */
function compareCaseless(
  qb: Knex.QueryBuilder,
  column: string,
  operator: FilterOperator,
  values: readonly string[],
): void {
  if (operator === 'in') {
    if (values.length === 0) {
      void qb.whereRaw('1 = 0');
      return;
    }
    void qb.whereRaw(`lower(??) IN (${values.map(() => 'lower(?)').join(', ')})`, [
      column,
      ...values,
    ]);
    return;
  }
  if (operator === 'eq') {
    void qb.whereRaw('lower(??) = lower(?)', [column, values[0] ?? '']);
    return;
  }
  compare(qb, column, operator, values, true);
}

/** CC's boolean rule: only `t` and `true` are true. */
export function toBooleanFilterValue(value: string): boolean {
  return value === 't' || value === 'true';
}

/** Timestamps compare on whole seconds, in the stored RFC 3339 form. */
export function toTimestampFilterValue(value: string): string {
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new CfError('BadQueryParameter', `invalid timestamp ${value}`);
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Compares one column with a filter's values, under the filter's operator. */
export function whereMatches(
  qb: Knex.QueryBuilder,
  column: string,
  operator: FilterOperator,
  values: readonly string[],
): void {
  void (operator === 'in' ? qb.whereIn(column, values) : qb.where(column, values[0] ?? ''));
}

function toValues(
  kind: 'string' | 'boolean' | 'integer' | 'timestamp',
  values: readonly string[],
): Scalar[] {
  switch (kind) {
    case 'string':
      return [...values];
    case 'boolean':
      return values.map(toBooleanFilterValue);
    case 'integer':
      return values.map((v) => (v === '' || !/^-?\d+$/.test(v) ? null : Number(v)));
    case 'timestamp':
      return values.map(toTimestampFilterValue);
  }
}

/**
 * Turns a page request's filters into WHERE clauses; nothing is ever filtered in memory. Fields
 * without a column here are ignored (the parser already rejected fields a resource does not allow).
 */
export function applyFilters(
  qb: Knex.QueryBuilder,
  request: Pick<PageRequest, 'filters'>,
  columns: FilterColumns,
): void {
  applyFilterList(qb, request.filters, columns);
}

function applyFilterList(
  qb: Knex.QueryBuilder,
  filters: readonly Filter[],
  columns: FilterColumns,
): void {
  for (const filter of filters) {
    const spec = columns[filter.field];
    if (spec === undefined) continue;
    switch (spec.kind) {
      case 'custom':
        spec.apply(qb, filter.operator, filter.values);
        break;
      case 'relation': {
        void qb.whereIn(spec.column, function (this: Knex.QueryBuilder) {
          void this.select('id').from(spec.table);
          compare(this, `${spec.table}.guid`, filter.operator, filter.values, true);
        });
        break;
      }
      case 'subquery':
        void qb.whereIn(spec.column, function (this: Knex.QueryBuilder) {
          spec.from(this);
          compare(this, spec.guidColumn, filter.operator, filter.values, true);
        });
        break;
      case 'string':
        compare(qb, spec.column, filter.operator, filter.values, true);
        break;
      case 'caseless':
        compareCaseless(qb, spec.column, filter.operator, filter.values);
        break;
      case 'boolean':
      case 'integer':
      case 'timestamp':
        compare(qb, spec.column, filter.operator, toValues(spec.kind, filter.values));
    }
  }
}
