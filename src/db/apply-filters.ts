import type { Knex } from 'knex';
import type { FilterOperator, QFilter } from '../http/q-filter';
import { toBooleanFilterValue, toTimestampFilterValue } from '../http/q-filter';

/**
 * How one queryable field becomes SQL. Relation filters match the related row's guid through a
 * sub-select, as CC does (reference §1.4); `custom` covers joins through other tables.
 */
export type FilterColumn =
  | { kind: 'string'; column: string }
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
      apply: (qb: Knex.QueryBuilder, operator: FilterOperator, values: string[]) => void;
    };

export type FilterColumns = Readonly<Record<string, FilterColumn>>;

const SQL_OPERATORS: Readonly<Record<Exclude<FilterOperator, 'IN'>, string>> = {
  ':': '=',
  '>=': '>=',
  '<=': '<=',
  '<': '<',
  '>': '>',
};

type Scalar = string | number | boolean | null;

/**
 * Strings compare by their bytes on both databases: SQLite's BINARY collation does so, while
 * PostgreSQL would use the database's collation (en-US puts "~" before letters and "a" before
 * "B"), so `label<x` and `order-by=name` would answer differently there. Equality needs no
 * collation (every collation in use is deterministic) and keeps using the plain indexes.
 */
export function bytewiseColumnSql(db: { client: Knex.Client }): string {
  return db.client.config.client === 'pg' ? '?? COLLATE "C"' : '??';
}

function compare(
  qb: Knex.QueryBuilder,
  column: string,
  operator: FilterOperator,
  values: Scalar[],
  text = false,
): void {
  if (operator === 'IN') {
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
    void (operator === ':' ? qb.whereNull(column) : qb.whereRaw('1 = 0'));
    return;
  }
  if (text && operator !== ':') {
    void qb.whereRaw(`${bytewiseColumnSql(qb)} ${SQL_OPERATORS[operator]} ?`, [column, value]);
  } else {
    void qb.where(column, SQL_OPERATORS[operator], value);
  }
}

function toValues(
  kind: 'string' | 'boolean' | 'integer' | 'timestamp',
  values: string[],
): Scalar[] {
  switch (kind) {
    case 'string':
      return values;
    case 'boolean':
      return values.map(toBooleanFilterValue);
    case 'integer':
      return values.map((v) => (v === '' || !/^-?\d+$/.test(v) ? null : Number(v)));
    case 'timestamp':
      return values.map(toTimestampFilterValue);
  }
}

/** Turns parsed `q` filters into WHERE clauses; nothing is ever filtered in memory. */
export function applyFilters(
  qb: Knex.QueryBuilder,
  filters: readonly QFilter[],
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
      case 'boolean':
      case 'integer':
      case 'timestamp':
        compare(qb, spec.column, filter.operator, toValues(spec.kind, filter.values));
    }
  }
}
