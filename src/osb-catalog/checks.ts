import { charLength, isPlainObject, rubyInspect } from './inspect';
import { isSemver } from './semver';
import type { JsonObject } from './inspect';

/**
 * Field checks with CC's exact wording (CatalogValidationHelper). Each appends its problem lines
 * to `out` and returns whether the value passed, so callers can run dependent checks.
 */
export type ProblemSink = string[];

const MAX_DESCRIPTION_CHARS = 10_000;

/** `^\s*$` as Ruby's `/[^[:space:]]/` sees it. */
function isBlank(text: string): boolean {
  return /^\s*$/u.test(text);
}

export function checkString(
  out: ProblemSink,
  label: string,
  input: unknown,
  required = false,
): boolean {
  if (typeof input !== 'string' && input !== undefined && input !== null) {
    out.push(`${label} must be a string, but has value ${rubyInspect(input)}`);
    return false;
  }
  if (required && (typeof input !== 'string' || isBlank(input))) {
    out.push(`${label} is required`);
    return false;
  }
  return true;
}

/** Descriptions are strings of at most 10,000 characters (cf-v2-api.md §4.2 step 3). */
export function checkDescription(
  out: ProblemSink,
  label: string,
  input: unknown,
  required = false,
): boolean {
  const ok = checkString(out, label, input, required);
  if (typeof input === 'string' && charLength(input) > MAX_DESCRIPTION_CHARS) {
    out.push(`${label} may not have more than ${MAX_DESCRIPTION_CHARS} characters`);
    return false;
  }
  return ok;
}

export function checkHash(out: ProblemSink, label: string, input: unknown): boolean {
  if (isPlainObject(input)) return true;
  out.push(`${label} must be a hash, but has value ${rubyInspect(input)}`);
  return false;
}

export function checkBool(
  out: ProblemSink,
  label: string,
  input: unknown,
  required = false,
): boolean {
  if (typeof input !== 'boolean' && input !== undefined && input !== null) {
    out.push(`${label} must be a boolean, but has value ${rubyInspect(input)}`);
    return false;
  }
  if (required && (input === undefined || input === null)) {
    out.push(`${label} is required`);
    return false;
  }
  return true;
}

export function checkInteger(out: ProblemSink, label: string, input: unknown): boolean {
  if (
    input === undefined ||
    input === null ||
    (typeof input === 'number' && Number.isInteger(input))
  )
    return true;
  out.push(`${label} must be an integer, but has value ${rubyInspect(input)}`);
  return false;
}

export function isStringArray(input: unknown): input is string[] {
  return Array.isArray(input) && input.every((v) => typeof v === 'string');
}

export function isObjectArray(input: unknown): input is JsonObject[] {
  return Array.isArray(input) && input.every(isPlainObject);
}

export function checkArrayOfStrings(out: ProblemSink, label: string, input: unknown): boolean {
  if (isStringArray(input)) return true;
  out.push(`${label} must be an array of strings, but has value ${rubyInspect(input)}`);
  return false;
}

export function checkArrayOfHashes(out: ProblemSink, label: string, input: unknown): boolean {
  if (isObjectArray(input)) return true;
  out.push(`${label} must be an array of hashes, but has value ${rubyInspect(input)}`);
  return false;
}

/** CC reports the string problem and the semver problem separately, so a missing version gives two lines. */
export function checkSemver(
  out: ProblemSink,
  label: string,
  input: unknown,
  required = false,
): boolean {
  const ok = checkString(out, label, input, required);
  if (isSemver(input)) return ok;
  out.push(`${label} must be a Semantic Version, but has value ${rubyInspect(input)}`);
  return false;
}

export function checkJsonLength(
  out: ProblemSink,
  label: string,
  input: unknown,
  limit: number,
): boolean {
  const length = charLength(JSON.stringify(input) ?? '');
  if (length <= limit) return true;
  out.push(
    `${label} must serialize to ${limit} characters or fewer in JSON, but serializes to ${length} characters`,
  );
  return false;
}
