import path from 'node:path';
import type { WharfConfig } from '../config';
import { createKnex } from '../db/knex';
import type { Knex } from '../db/knex';
import { migrateToLatest } from '../db/migrate';
import type { Logger } from '../logger';

/** Names the database for a message: the URL without its password, or the SQLite file. */
export function describeDatabase(databaseUrl: string | undefined, sqliteFile: string): string {
  if (databaseUrl === undefined) return `SQLite database ${sqliteFile}`;
  try {
    const url = new URL(databaseUrl);
    url.password = '';
    return `database ${url.toString()}`;
  } catch {
    // Not a URL we can take apart: say so rather than echo a string that may hold a password.
    return 'database DATABASE_URL (not a valid URL)';
  }
}

function firstLine(text: string): string {
  return (text.split('\n').find((line) => line.trim().length > 0) ?? text).trim();
}

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

/**
 * The cause, in one line: knex puts an install hint and a `require` stack into a missing driver's
 * message, and a refused connection of a host with two addresses arrives as an AggregateError
 * with an empty message.
 */
export function describeDatabaseCause(err: unknown, secret: string | undefined): string {
  const missing = /Cannot find module '([^']+)'/.exec(err instanceof Error ? err.message : '');
  let cause: string;
  if (missing) cause = `the driver "${missing[1] ?? ''}" is not installed`;
  else if (err instanceof AggregateError && err.errors.length > 0)
    cause = describeDatabaseCause(err.errors[0], secret);
  else if (err instanceof Error && err.message.trim() !== '') cause = firstLine(err.message);
  else cause = errorCode(err) ?? String(err);
  return secret ? cause.split(secret).join('***') : cause;
}

function passwordOf(databaseUrl: string | undefined): string | undefined {
  if (databaseUrl === undefined) return undefined;
  try {
    const password = decodeURIComponent(new URL(databaseUrl).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}

export class DatabaseStartError extends Error {}

/**
 * Opens the configured database and migrates it; any failure becomes one DatabaseStartError line
 * naming the database (never its password) and the cause.
 */
export async function openDatabase(config: WharfConfig, logger: Logger): Promise<Knex> {
  const sqliteFile = path.join(config.dataDir, 'wharf.sqlite');
  const name = describeDatabase(config.databaseUrl, sqliteFile);
  const secret = passwordOf(config.databaseUrl);
  // While opening, the failure is reported once by the caller; afterwards driver warnings
  // (a lost pool connection) are worth a log line, still without a stack or password.
  let opening = true;
  const quiet = (message: unknown): void => {
    const detail = describeDatabaseCause(message, secret);
    if (opening) logger.debug({ detail }, 'database driver message');
    else logger.warn({ detail }, 'database driver message');
  };
  let knex: Knex;
  try {
    knex = createKnex({
      databaseUrl: config.databaseUrl,
      sqliteFile,
      log: { warn: quiet, error: quiet, deprecate: quiet, debug: quiet },
    });
  } catch (err) {
    throw new DatabaseStartError(`cannot open ${name}: ${describeDatabaseCause(err, secret)}`);
  }
  const fail = async (doing: string, err: unknown): Promise<never> => {
    await knex.destroy().catch(() => undefined);
    throw new DatabaseStartError(`cannot ${doing} ${name}: ${describeDatabaseCause(err, secret)}`);
  };
  try {
    await knex.raw('select 1');
  } catch (err) {
    return fail('connect to', err);
  }
  try {
    await migrateToLatest(knex);
  } catch (err) {
    return fail('migrate', err);
  }
  opening = false;
  return knex;
}
