/**
 * The one test for "a JSON object" (not null, not an array): request bodies, broker responses,
 * catalog documents and stored JSON all go through it, so they cannot disagree.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The value's own entries as a fresh record when it is a JSON object, else an empty record. */
export function toPlainObject(value: unknown): Record<string, unknown> {
  return isPlainObject(value) ? Object.fromEntries(Object.entries(value)) : {};
}
