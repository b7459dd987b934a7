import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { buildWharf } from '../../src/app';
import type { BuildOptions, Wharf } from '../../src/app';
import type { SigningKey } from '../../src/auth/signing-key';
import { ADMIN_SCOPES, DEFAULT_USER_SCOPES } from '../../src/auth/types';
import type { User } from '../../src/auth/types';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createTestDatabase } from './test-database';
import type { TestDatabase } from './test-database';

export interface TestWharf extends Wharf {
  dataDir: string;
  /** This Wharf's own database (SQLite or PostgreSQL, per `WHARF_TEST_DATABASE`). */
  database: TestDatabase;
  /** A signed access token for a user with the given scopes (created on demand). */
  tokenFor(user: User): string;
  createUser(name: string, scopes?: readonly string[]): Promise<User>;
  adminToken: string;
  admin: User;
  /** The RS256 key this Wharf signed with at start (its current signing key then). */
  signingKey: SigningKey;
  /** A fresh user holding exactly `scopes`, with a signed access token. */
  userWithToken(name: string, scopes: readonly string[]): Promise<{ user: User; token: string }>;
  stop(): Promise<void>;
}

/** Every table the core (auth + orgs) owns, for `snapshot()` after error cases. */
export const CORE_TABLES = [
  'users',
  'oauth_clients',
  'organizations',
  'spaces',
  'organization_roles',
  'space_roles',
] as const;

export const READ_WRITE_SCOPES = DEFAULT_USER_SCOPES;

/**
 * A Wharf on a fresh migrated database (see test-database.ts) with its own temp data directory;
 * `stop()` deletes both.
 */
export async function startTestWharf(
  env: Record<string, string> = {},
  build: Pick<BuildOptions, 'passwordHasher'> = {},
): Promise<TestWharf> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-spec-'));
  const config = loadConfig({
    WHARF_DATA_DIR: dataDir,
    WHARF_LOG_LEVEL: 'silent',
    WHARF_EXTERNAL_URL: 'http://wharf.test',
    ...env,
  });
  const database = await createTestDatabase(dataDir);
  const knex: Knex = database.connect();
  const wharf = await buildWharf({ config, logger: createLogger('silent'), knex, ...build });
  const tokenFor = (user: User): string =>
    wharf.tokens.issue(
      {
        userGuid: user.guid,
        userName: user.username ?? undefined,
        email: user.email ?? undefined,
        origin: 'uaa',
        clientId: 'cf',
        scopes: user.scopes,
      },
      'password',
      false,
    ).access_token;
  const admin = await wharf.users.addUser('admin', 'admin-password', ADMIN_SCOPES);
  const createUser = (
    name: string,
    scopes: readonly string[] = DEFAULT_USER_SCOPES,
  ): Promise<User> => wharf.users.addUser(name, `${name}-password`, scopes);
  return {
    ...wharf,
    dataDir,
    database,
    tokenFor,
    createUser,
    userWithToken: async (name, scopes) => {
      const user = await createUser(name, scopes);
      return { user, token: tokenFor(user) };
    },
    signingKey: wharf.signingKeys.current,
    admin,
    adminToken: tokenFor(admin),
    stop: async () => {
      await wharf.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Another process of the same installation as `first`: its own Wharf and connection pool on the
 * same database and data directory (so the same signing key). Close it before `first.stop()`.
 */
export async function startPeerWharf(
  first: TestWharf,
  env: Record<string, string> = {},
): Promise<Wharf> {
  const config = loadConfig({
    WHARF_DATA_DIR: first.dataDir,
    WHARF_LOG_LEVEL: 'silent',
    WHARF_EXTERNAL_URL: 'http://wharf.test',
    ...env,
  });
  return buildWharf({ config, logger: createLogger('silent'), knex: first.database.connect() });
}

export function bearer(token: string): { Authorization: string } {
  return { Authorization: `bearer ${token}` };
}

/** Row counts of the given tables, to assert that an error changed nothing. */
export async function snapshot(
  knex: Knex,
  tables: readonly string[],
): Promise<Record<string, unknown[]>> {
  const result: Record<string, unknown[]> = {};
  for (const table of tables) result[table] = await knex(table).select('*').orderBy(1);
  return result;
}
