import fs from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import type { Knex } from 'knex';

export type { Knex };
export type Db = Knex | Knex.Transaction;

export interface DbOptions {
  /** `postgres://…` switches to PostgreSQL; otherwise SQLite at `sqliteFile`. */
  databaseUrl: string | undefined;
  sqliteFile: string;
  /** Where knex's own warnings go (by default it prints them, stack and all, to stdout). */
  log?: Knex.Logger;
}

export function createKnex(options: DbOptions): Knex {
  return withoutValuesInErrors(createClient(options));
}

function createClient(options: DbOptions): Knex {
  if (options.databaseUrl?.startsWith('postgres')) {
    return knexFactory({
      client: 'pg',
      connection: options.databaseUrl,
      pool: { min: 0, max: 10 },
      compileSqlOnError: false,
      ...(options.log ? { log: options.log } : {}),
    });
  }
  if (options.sqliteFile !== ':memory:') {
    fs.mkdirSync(path.dirname(options.sqliteFile), { recursive: true });
  }
  return knexFactory({
    client: 'sqlite3',
    connection: { filename: options.sqliteFile },
    useNullAsDefault: true,
    compileSqlOnError: false,
    ...(options.log ? { log: options.log } : {}),
    // SQLite serialises writers anyway; one connection avoids SQLITE_BUSY between our own queries
    // and makes transactions behave the same in tests and in production.
    pool: {
      min: 1,
      max: 1,
      afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) => {
        conn.exec(
          'PRAGMA foreign_keys = ON; PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 5000; PRAGMA synchronous = NORMAL;',
          (err) => {
            done(err, conn);
          },
        );
      },
    },
  });
}

/**
 * A failed query's error is logged (error middleware, reconciler, jobs), and values in it may be
 * secrets: `compileSqlOnError: false` keeps knex from inlining the bound values into the message
 * (the SQL keeps its `?`s), and PostgreSQL's `detail` ("Key (name)=(value) already exists") is
 * dropped here, the one place every query passes.
 */
function withoutValuesInErrors(knex: Knex): Knex {
  knex.on('query-error', (err: unknown) => {
    if (typeof err === 'object' && err !== null && 'detail' in err) delete err.detail;
  });
  return knex;
}

interface SqliteConnection {
  exec(sql: string, cb: (err: Error | null) => void): void;
}

/** SQLite and PostgreSQL report unique violations differently; services only see this. */
export function isUniqueViolation(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  const code = 'code' in err ? err.code : undefined;
  // sqlite3's errors are not always `instanceof Error` (e.g. across jest's module registry).
  const message = 'message' in err && typeof err.message === 'string' ? err.message : '';
  return code === '23505' || (code === 'SQLITE_CONSTRAINT' && message.includes('UNIQUE'));
}
