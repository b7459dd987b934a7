import type { ZodType, ZodTypeDef } from 'zod';
import type { ZodIssue } from 'zod';
import { CfError } from './cf-errors';
import { isPlainObject } from './plain-object';

/** CC treats keys whose value is null as absent (reference §1.6). */
export function dropNulls(body: unknown): unknown {
  if (!isPlainObject(body)) return body;
  return Object.fromEntries(Object.entries(body).filter(([, v]) => v !== null));
}

function describeIssue(issue: ZodIssue): string {
  const field = issue.path.join('.');
  if (issue.code === 'invalid_type' && issue.received === 'undefined') {
    return `Field: ${field}, Error: Missing field ${field}`;
  }
  return field === '' ? issue.message : `Field: ${field}, Error: ${issue.message}`;
}

/**
 * Parses a request body with a zod schema; every problem is named in one
 * `CF-MessageParseError` ("Field: name, Error: Missing field name").
 */
export function parseBody<T>(schema: ZodType<T, ZodTypeDef, unknown>, body: unknown): T {
  if (!isPlainObject(body)) {
    throw new CfError('MessageParseError', 'request body must be a JSON object');
  }
  const result = schema.safeParse(dropNulls(body));
  if (!result.success) {
    throw new CfError('MessageParseError', result.error.issues.map(describeIssue).join('; '));
  }
  return result.data;
}
