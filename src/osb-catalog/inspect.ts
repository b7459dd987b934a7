import { isPlainObject } from '../http/plain-object';

/**
 * CC builds catalog problem lines with Ruby's `inspect` ("must be a string, but has value 12345")
 * and `to_s` ("Service #{name}"); brokers and CLIs see those strings, so Wharf prints JSON values
 * the same way.
 */

export type JsonObject = Record<string, unknown>;

export { isPlainObject };

/** Ruby's truthiness: only nil and false are false. CC skips several optional checks on falsy values. */
export function isRubyTruthy(value: unknown): boolean {
  return value !== undefined && value !== null && value !== false;
}

/** Ruby's `String#inspect` for what JSON can hold: double quotes, backslash escapes, `#{` escaped. */
function inspectString(text: string): string {
  return JSON.stringify(text)
    .replace(/\\u0007/g, '\\a')
    .replace(/\\u000b/g, '\\v')
    .replace(/\\u001b/g, '\\e')
    .replace(/#(?=[{$@])/g, '\\#');
}

export function rubyInspect(value: unknown): string {
  if (value === undefined || value === null) return 'nil';
  if (typeof value === 'string') return inspectString(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map(rubyInspect).join(', ')}]`;
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${inspectString(k)}=>${rubyInspect(v)}`)
      .join(', ')}}`;
  }
  return typeof value === 'bigint' ? value.toString() : 'nil';
}

/** Ruby's `to_s` inside `"#{...}"`: nil is empty, strings are bare, containers are inspected. */
export function rubyToS(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  return rubyInspect(value);
}

/** Length in characters (code points), as Ruby's `String#length` counts them. */
export function charLength(text: string): number {
  const surrogatePairs = text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0;
  return text.length - surrogatePairs;
}

/** A key that tells `1` from `"1"`, for duplicate detection over raw JSON values. */
export function valueKey(value: unknown): string {
  return JSON.stringify(value) ?? 'undefined';
}

/** The values that occur more than once, each once, in order of first occurrence (absent ones ignored). */
export function duplicatesOf(values: readonly unknown[]): unknown[] {
  const seen = new Map<string, number>();
  const order: unknown[] = [];
  for (const value of values) {
    if (value === undefined || value === null) continue;
    const key = valueKey(value);
    const count = seen.get(key) ?? 0;
    if (count === 1) order.push(value);
    seen.set(key, count + 1);
  }
  return order;
}
