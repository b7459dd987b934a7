import type { Request } from 'express';
import type { PageRequest } from '../db/page-request';
import { CfError } from './cf-errors';
import { parseQ } from './q-filter';

export const DEFAULT_RESULTS_PER_PAGE = 50;
export const MAX_RESULTS_PER_PAGE = 100;
export const MAX_INLINE_RELATIONS_DEPTH = 2;

/**
 * A v2 list request: the neutral PageRequest services take, plus what only the v2 wire needs
 * (inlining depth, and the caller's `q` strings for prev/next URLs). Services never see the extras.
 */
export interface ListQuery extends PageRequest {
  inlineRelationsDepth: number;
  /** The raw `q` strings, kept so prev/next URLs carry the caller's filters verbatim. */
  rawQ: string[];
}

export interface ListQueryRules {
  queryable: readonly string[];
  orderable?: readonly string[];
}

export type RawQuery = Readonly<Record<string, unknown>>;

function single(query: RawQuery, key: string): string | undefined {
  const value = query[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    const last: unknown = value[value.length - 1];
    if (typeof last === 'string') return last;
  }
  throw new CfError('BadQueryParameter', key);
}

function many(query: RawQuery, key: string): string[] {
  const value = query[key];
  if (value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((v): v is string => typeof v === 'string')) return value;
  throw new CfError('BadQueryParameter', key);
}

function integerParam(
  query: RawQuery,
  key: string,
  wireName: string,
  fallback: number,
  min: number,
): number {
  const text = single(query, key);
  if (text === undefined) return fallback;
  // Wharf answers 400 here where CC's Integer() conversion raises a 500 (reference §1.3).
  if (!/^-?\d+$/.test(text))
    throw new CfError('BadQueryParameter', `${wireName} must be an integer`);
  const value = Number(text);
  if (value < min) throw new CfError('BadQueryParameter', `${wireName} must be >= ${min}`);
  // Beyond 2^53 the number is rounded, and knex renders e.g. 5e+21 as `offset 5`: a wrong page.
  if (!Number.isSafeInteger(value)) {
    throw new CfError('BadQueryParameter', `${wireName} must be <= ${Number.MAX_SAFE_INTEGER}`);
  }
  return value;
}

/** Parses CC's list parameters (reference §1.3) with a resource's filter and order allowlists. */
export function parseListQuery(query: RawQuery, rules: ListQueryRules): ListQuery {
  const page = integerParam(query, 'page', 'page', 1, 1);
  const resultsPerPage = integerParam(
    query,
    'results-per-page',
    'results_per_page',
    DEFAULT_RESULTS_PER_PAGE,
    1,
  );
  if (resultsPerPage > MAX_RESULTS_PER_PAGE) {
    throw new CfError('BadQueryParameter', `results_per_page must be <= ${MAX_RESULTS_PER_PAGE}`);
  }
  const direction = single(query, 'order-direction') ?? 'asc';
  if (direction !== 'asc' && direction !== 'desc') {
    throw new CfError(
      'BadQueryParameter',
      `order_direction must be 'asc' or 'desc' but was '${direction}'`,
    );
  }
  const depth = integerParam(query, 'inline-relations-depth', 'inline_relations_depth', 0, 0);
  if (depth > MAX_INLINE_RELATIONS_DEPTH) {
    throw new CfError(
      'BadQueryParameter',
      `inline_relations_depth must be <= ${MAX_INLINE_RELATIONS_DEPTH}`,
    );
  }
  const orderBy = single(query, 'order-by');
  if (orderBy !== undefined && !(rules.orderable ?? []).includes(orderBy)) {
    throw new CfError('OrderByParameterInvalid', orderBy);
  }
  const rawQ = many(query, 'q');
  return {
    page,
    perPage: resultsPerPage,
    order: { direction, by: orderBy },
    inlineRelationsDepth: depth,
    filters: parseQ(rawQ, rules.queryable),
    rawQ,
  };
}

export function listQueryFromRequest(req: Request, rules: ListQueryRules): ListQuery {
  return parseListQuery(req.query, rules);
}
