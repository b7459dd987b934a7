import { CfError } from './cf-errors';

export type FilterOperator = ':' | '>=' | '<=' | '<' | '>' | 'IN';

export interface QFilter {
  field: string;
  operator: FilterOperator;
  /** One value, except for IN (a comma list). */
  values: string[];
}

// Leftmost match wins; at the same position the alternatives are tried in CC's order.
const OPERATOR_PATTERN = /(:|>=|<=|<|>| IN )/;
const OPERATORS: Readonly<Record<string, FilterOperator>> = {
  ':': ':',
  '>=': '>=',
  '<=': '<=',
  '<': '<',
  '>': '>',
  ' IN ': 'IN',
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

function parseOne(text: string, allowed: readonly string[]): QFilter {
  const match = OPERATOR_PATTERN.exec(text);
  if (match?.[1] === undefined) throw new CfError('BadQueryParameter', text);
  const field = text.slice(0, match.index);
  const rawOperator = match[1];
  const value = text.slice(match.index + rawOperator.length);
  if (!allowed.includes(field)) throw new CfError('BadQueryParameter', field);
  const operator = OPERATORS[rawOperator];
  if (operator === undefined) throw new CfError('BadQueryParameter', text);
  const values = operator === 'IN' ? value.split(',') : [value];
  return { field, operator, values };
}

/** Parses every `q` (repeated or `;`-joined) against a resource's queryable fields. */
export function parseQ(q: readonly string[], allowed: readonly string[]): QFilter[] {
  return q.flatMap(splitFilters).map((text) => parseOne(text, allowed));
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
