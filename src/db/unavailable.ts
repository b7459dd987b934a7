/** Why the database refused a write although the request was fine. */
export type DatabaseUnavailability = 'read-only' | 'full' | 'locked';

// SQLite (sqlite3's `code`) and PostgreSQL (SQLSTATE) report these conditions differently.
const BY_CODE: Readonly<Record<string, DatabaseUnavailability>> = {
  SQLITE_READONLY: 'read-only',
  SQLITE_FULL: 'full',
  SQLITE_BUSY: 'locked',
  SQLITE_LOCKED: 'locked',
  '25006': 'read-only', // read_only_sql_transaction (a hot standby, default_transaction_read_only)
  '53100': 'full', // disk_full
  '55P03': 'locked', // lock_not_available (lock_timeout)
};

/**
 * The unavailability behind a database error, or undefined for any other error: these are the
 * server's trouble, not the client's, and answer 503 rather than 500.
 */
export function databaseUnavailability(err: unknown): DatabaseUnavailability | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  const code = err.code;
  return typeof code === 'string' ? BY_CODE[code] : undefined;
}

const DESCRIPTIONS: Readonly<Record<DatabaseUnavailability, string>> = {
  'read-only': 'The database is read-only; no change can be saved',
  full: 'The database is full; no change can be saved',
  locked: 'The database is locked by another writer; try again shortly',
};

export function describeUnavailability(why: DatabaseUnavailability): string {
  return DESCRIPTIONS[why];
}
