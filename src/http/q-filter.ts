import type { Filter, FilterOperator } from '../db/page-request';
import { CfError } from './cf-errors';

/** CC's v2 `q` syntax (reference §1.4) parsed into PageRequest filters. */

// Leftmost match wins; at the same position the alternatives are tried in CC's order.
const OPERATOR_PATTERN = /(:|>=|<=|<|>| IN )/;
const OPERATORS: Readonly<Record<string, FilterOperator>> = {
  ':': 'eq',
  '>=': 'gte',
  '<=': 'lte',
  '<': 'lt',
  '>': 'gt',
  ' IN ': 'in',
};

/** How the v2 wire spells each operator, for error texts that echo it. */
export const V2_OPERATOR_TEXT: Readonly<Record<FilterOperator, string>> = {
  eq: ':',
  gte: '>=',
  lte: '<=',
  lt: '<',
  gt: '>',
  in: 'IN',
};

/** Splits one `q` value on `;`, where `;;` stands for a literal semicolon. */
export function splitFilters(q: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < q.length; i++) {
    const ch = q.charAt(i);
    if (ch === ';') {
      if (q[i + 1] === ';') {
        current += ';';
        i++;
        continue;
      }
      parts.push(current);
      current = '';
      continue;
    }
    current += ch;
  }
  parts.push(current);
  return parts.filter((p) => p.length > 0);
}

function parseOne(text: string, allowed: readonly string[]): Filter {
  const match = OPERATOR_PATTERN.exec(text);
  if (match?.[1] === undefined) throw new CfError('BadQueryParameter', text);
  const field = text.slice(0, match.index);
  const rawOperator = match[1];
  const value = text.slice(match.index + rawOperator.length);
  if (!allowed.includes(field)) throw new CfError('BadQueryParameter', field);
  const operator = OPERATORS[rawOperator];
  if (operator === undefined) throw new CfError('BadQueryParameter', text);
  const values = operator === 'in' ? value.split(',') : [value];
  return { field, operator, values };
}

/** Parses every `q` (repeated or `;`-joined) against a resource's queryable fields. */
export function parseQ(q: readonly string[], allowed: readonly string[]): Filter[] {
  return q.flatMap(splitFilters).map((text) => parseOne(text, allowed));
}
