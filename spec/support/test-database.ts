import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import knexFactory from 'knex';
import type { Knex } from 'knex';
import { createKnex } from '../../src/db/knex';
import type { DbOptions } from '../../src/db/knex';
import { migrateToLatest } from '../../src/db/migrate';
import { migrations } from '../../db/migrations';

/**
 * The one switch between the databases the suite runs on: `WHARF_TEST_DATABASE=sqlite` (the
 * default) or `postgres`, the latter on the server at `WHARF_TEST_POSTGRES_URL` (a maintenance URL
 * such as `postgres://postgres@127.0.0.1:5432/postgres`; scripts/with-postgres.sh starts one).
 * Every spec and bench gets its database from here, never by naming SQLite itself.
 */
export type TestDatabaseKind = 'sqlite' | 'postgres';

export function testDatabaseKind(env: NodeJS.ProcessEnv = process.env): TestDatabaseKind {
  const value = env.WHARF_TEST_DATABASE ?? 'sqlite';
  if (value === 'sqlite' || value === 'postgres') return value;
  throw new Error(`WHARF_TEST_DATABASE must be "sqlite" or "postgres", not "${value}"`);
}

export interface TestDatabase {
  kind: TestDatabaseKind;
  /** What `createKnex` (or a Wharf's config) needs to reach this database. */
  options: DbOptions;
  /** `DATABASE_URL` for a child process (`wharf serve`, the CLI); undefined for SQLite. */
  databaseUrl: string | undefined;
  /** A new connection pool on this database; the caller destroys it. */
  connect(): Knex;
  /** Deletes the database (PostgreSQL: drops it, ending any connection still open). */
  drop(): Promise<void>;
}

export interface TestDatabaseOptions {
  /**
   * PostgreSQL only: start from a copy of an already migrated database (much faster than
   * migrating; Wharf's own migrateToLatest then finds nothing to do). Off for specs of migrations.
   */
  migrated?: boolean;
}

/**
 * A fresh database of its own: on SQLite a file in `dir` (in memory without `dir`), on PostgreSQL
 * a new database on the test server, so that specs never see each other's rows.
 */
export async function createTestDatabase(
  dir?: string,
  { migrated = true }: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  if (testDatabaseKind() === 'postgres') return createPostgresDatabase(migrated);
  const sqliteFile = dir === undefined ? ':memory:' : path.join(dir, 'wharf.sqlite');
  const options: DbOptions = { databaseUrl: undefined, sqliteFile };
  return {
    kind: 'sqlite',
    options,
    databaseUrl: undefined,
    connect: () => createKnex(options),
    drop: () => {
      if (sqliteFile !== ':memory:') {
        for (const suffix of ['', '-wal', '-shm']) fs.rmSync(sqliteFile + suffix, { force: true });
      }
      return Promise.resolve();
    },
  };
}

function maintenanceUrl(): string {
  const url = process.env.WHARF_TEST_POSTGRES_URL;
  if (url === undefined || url === '') {
    throw new Error(
      'WHARF_TEST_DATABASE=postgres needs WHARF_TEST_POSTGRES_URL (run the suite through scripts/with-postgres.sh)',
    );
  }
  return url;
}

async function onMaintenanceDb<T>(work: (admin: Knex) => Promise<T>): Promise<T> {
  const admin = knexFactory({
    client: 'pg',
    connection: maintenanceUrl(),
    pool: { min: 0, max: 1 },
  });
  try {
    return await work(admin);
  } finally {
    await admin.destroy();
  }
}

function databaseUrl(name: string): string {
  const url = new URL(maintenanceUrl());
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Migrating a PostgreSQL database takes about a second; copying a migrated one a fraction of that.
 * So the first spec on a server migrates a template (named after the migration list, so a new
 * migration makes a new template), and every spec database is a copy of it. Another jest worker
 * may be building the same template: an advisory lock makes one build it and the others wait.
 */
let template: Promise<string> | undefined;

/**
 * Every test database collates like a typical production server (ICU en-US: "a" < "B" < "b"), not
 * bytewise like SQLite, so that any order or comparison that depends on collation shows up here.
 */
const EMPTY_DATABASE = "TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'";

function migratedTemplate(): Promise<string> {
  const names = migrations.map(([name]) => name).join(',');
  const name = `wharf_template_${createHash('sha256').update(`${EMPTY_DATABASE}\n${names}`).digest('hex').slice(0, 16)}`;
  template ??= onMaintenanceDb(async (admin) => {
    await admin.raw('SELECT pg_advisory_lock(hashtext(?))', ['wharf-test-template']);
    try {
      const existing = await admin('pg_database').where({ datname: name }).first('datname');
      if (existing !== undefined) return name;
      // Built under another name and renamed when complete: a crash never leaves half a template.
      const building = `${name}_building`;
      await admin.raw(`DROP DATABASE IF EXISTS ${building} WITH (FORCE)`);
      await admin.raw(`CREATE DATABASE ${building} ${EMPTY_DATABASE}`);
      const knex = createKnex({ databaseUrl: databaseUrl(building), sqliteFile: '' });
      try {
        await migrateToLatest(knex);
      } finally {
        await knex.destroy();
      }
      await admin.raw(`ALTER DATABASE ${building} RENAME TO ${name}`);
      return name;
    } finally {
      await admin.raw('SELECT pg_advisory_unlock(hashtext(?))', ['wharf-test-template']);
    }
  });
  return template;
}

async function createPostgresDatabase(migrated: boolean): Promise<TestDatabase> {
  // Lower-case letters, digits and underscores only: the names are spliced into DDL.
  const name = `wharf_spec_${process.pid}_${randomBytes(6).toString('hex')}`;
  const from = migrated ? `TEMPLATE ${await migratedTemplate()}` : EMPTY_DATABASE;
  await onMaintenanceDb((admin) => admin.raw(`CREATE DATABASE ${name} ${from}`));
  const options: DbOptions = { databaseUrl: databaseUrl(name), sqliteFile: '' };
  let dropped = false;
  return {
    kind: 'postgres',
    options,
    databaseUrl: options.databaseUrl,
    connect: () => createKnex(options),
    drop: async () => {
      if (dropped) return;
      dropped = true;
      await onMaintenanceDb((admin) => admin.raw(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}
