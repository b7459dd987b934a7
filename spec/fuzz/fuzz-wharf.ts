import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { buildWharf } from '../../src/app';
import type { Wharf } from '../../src/app';
import { ADMIN_SCOPES, DEFAULT_USER_SCOPES } from '../../src/auth/types';
import type { User } from '../../src/auth/types';
import { loadConfig } from '../../src/config';
import { createContainersModule } from '../../src/containers';
import { FakeDriver } from '../../src/containers/drivers/fake/fake-driver';
import { FakeHealthProbe } from '../../src/containers/drivers/fake/fake-health';
import { createKnex } from '../../src/db/knex';
import { createLogger } from '../../src/logger';
import { loadKeyRing } from '../../src/secrets/key-ring';
import { SecretBox } from '../../src/secrets/secret-box';

export interface FuzzWharf {
  wharf: Wharf;
  adminToken: string;
  userToken: string;
  broker: { username: string; password: string };
  /** Every row of every table: equal before and after a 4xx, or something changed. */
  everything(): Promise<Record<string, unknown[]>>;
  stop(): Promise<void>;
}

/** A whole Wharf on SQLite whose container engine is the fake driver (no Docker is touched). */
export async function startFuzzWharf(): Promise<FuzzWharf> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-fuzz-'));
  const config = loadConfig({
    WHARF_DATA_DIR: dataDir,
    WHARF_LOG_LEVEL: 'silent',
    WHARF_EXTERNAL_URL: 'http://wharf.test',
    // A fuzzed broker_url must fail fast; nothing but 127.0.0.1 answers here anyway.
    WHARF_BROKER_TIMEOUT_SECONDS: '1',
  });
  const logger = createLogger('silent');
  const knex: Knex = createKnex({
    databaseUrl: undefined,
    sqliteFile: path.join(dataDir, 'wharf.sqlite'),
  });
  const driver = new FakeDriver();
  const containers = createContainersModule({
    knex,
    logger,
    config: config.containers,
    // The key ring file buildWharf loads from the same data directory.
    secrets: new SecretBox(loadKeyRing(dataDir, undefined)),
    driver,
    health: new FakeHealthProbe(driver),
    owner: 'fuzz',
  });
  const wharf = await buildWharf({ config, logger, knex, containers });
  const token = (user: User): string =>
    wharf.tokens.issue(
      {
        userGuid: user.guid,
        userName: user.username ?? undefined,
        email: undefined,
        origin: 'uaa',
        clientId: 'cf',
        scopes: user.scopes,
      },
      'password',
      false,
    ).access_token;
  const admin = await wharf.users.addUser('admin', 'admin-password', ADMIN_SCOPES);
  const user = await wharf.users.addUser('someone', 'someone-password', DEFAULT_USER_SCOPES);
  const tables: Array<{ name: string }> = await knex('sqlite_master')
    .select('name')
    .where({ type: 'table' })
    .andWhereNot('name', 'like', 'sqlite_%')
    .orderBy('name');
  return {
    wharf,
    adminToken: token(admin),
    userToken: token(user),
    broker: wharf.brokerCredentials.credentials,
    everything: async () => {
      const rows: Record<string, unknown[]> = {};
      for (const { name } of tables) rows[name] = await knex(name).select('*').orderBy(1);
      return rows;
    },
    stop: async () => {
      await wharf.close();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
