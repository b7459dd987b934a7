import { CfError } from '../http/cf-errors';

/** The v3 list parameters Wharf honours; anything else is refused as CC refuses it. */
export interface V3ListQuery {
  page: number;
  perPage: number;
  orderBy: { field: 'name' | 'created_at' | 'updated_at'; direction: 'asc' | 'desc' } | undefined;
  /** Comma-separated filters, split; absent means "no filter" (an empty value matches nothing). */
  filters: Readonly<Record<string, string[]>>;
}

export const V3_MAX_PER_PAGE = 5000;
const ORDERABLE = ['name', 'created_at', 'updated_at'] as const;

function singleValue(raw: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = raw[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  throw new CfError('BadQueryParameter', `${key} must be given once`);
}

function positiveInteger(text: string | undefined, key: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new CfError('BadQueryParameter', `${key} must be a positive integer`);
  return Number(text);
}

function parseOrderBy(text: string | undefined): V3ListQuery['orderBy'] {
  if (text === undefined) return undefined;
  const direction = text.startsWith('-') ? 'desc' : 'asc';
  const field = text.replace(/^[-+]/, '');
  const known = ORDERABLE.find((f) => f === field);
  if (known === undefined)
    throw new CfError(
      'BadQueryParameter',
      `Order by can only be: ${ORDERABLE.map((f) => `'${f}'`).join(', ')}`,
    );
  return { field: known, direction };
}

/** Parses a v3 list query against the resource's filters (CC: unknown keys → 400 10005). */
export function parseV3ListQuery(
  raw: Readonly<Record<string, unknown>>,
  filterKeys: readonly string[],
): V3ListQuery {
  const allowed = ['page', 'per_page', 'order_by', ...filterKeys];
  const unknown = Object.keys(raw).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new CfError(
      'BadQueryParameter',
      `Unknown query parameter(s): ${unknown.map((k) => `'${k}'`).join(', ')}. Valid parameters are: ${allowed.map((k) => `'${k}'`).join(', ')}`,
    );
  }
  const perPage = positiveInteger(singleValue(raw, 'per_page'), 'Per page', 50);
  if (perPage > V3_MAX_PER_PAGE)
    throw new CfError('BadQueryParameter', `Per page must be between 1 and ${V3_MAX_PER_PAGE}`);
  const filters: Record<string, string[]> = {};
  for (const key of filterKeys) {
    const value = singleValue(raw, key);
    if (value !== undefined) filters[key] = value.split(',');
  }
  return {
    page: positiveInteger(singleValue(raw, 'page'), 'Page', 1),
    perPage,
    orderBy: parseOrderBy(singleValue(raw, 'order_by')),
    filters,
  };
}

/** Back to a query string, for the pagination links (keys in the caller's meaning). */
export function v3QueryString(query: V3ListQuery, page: number): string {
  const params = new URLSearchParams();
  for (const [key, values] of Object.entries(query.filters)) params.set(key, values.join(','));
  if (query.orderBy !== undefined)
    params.set(
      'order_by',
      `${query.orderBy.direction === 'desc' ? '-' : ''}${query.orderBy.field}`,
    );
  params.set('page', String(page));
  params.set('per_page', String(query.perPage));
  return params.toString();
}
