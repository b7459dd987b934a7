/** Timestamps are stored as RFC 3339 seconds strings so that SQLite and PostgreSQL compare alike. */
export function currentTimestamp(now: Date = new Date()): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** PostgreSQL hands back Date objects, SQLite the stored string. */
export function fromDbTimestamp(value: unknown): string {
  if (value instanceof Date) return currentTimestamp(value);
  if (typeof value === 'string') return value;
  throw new Error('timestamp column holds neither a string nor a Date');
}
