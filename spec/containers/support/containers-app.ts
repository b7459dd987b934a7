import express from 'express';
import type { Express } from 'express';
import pino from 'pino';
import { setAuthState } from '../../../src/auth/auth-context';
import { InProcessChangeFeed } from '../../../src/changes';
import type { Change } from '../../../src/changes';
import type { ContainersConfig } from '../../../src/config';
import type { Knex } from '../../../src/db/knex';
import { migrateToLatest } from '../../../src/db/migrate';
import { FakeDriver } from '../../../src/containers/drivers/fake/fake-driver';
import { FakeHealthProbe } from '../../../src/containers/drivers/fake/fake-health';
import { createContainersModule } from '../../../src/containers';
import type { ContainersModule } from '../../../src/containers';
import { createTestDatabase } from '../../support/test-database';
import { testSecretBox } from './test-secrets';

export const USERS = {
  alice: '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b',
  bob: 'bob-client',
  admin: 'admin-user',
} as const;

export interface TestApp {
  app: Express;
  knex: Knex;
  driver: FakeDriver;
  health: FakeHealthProbe;
  module: ContainersModule;
  /** Every change the module published, in order. */
  changes: Change[];
  /**
   * Wharf restarted: the module is stopped and a new one (nothing kept in memory) built on the
   * same database and engine, optionally reading another clock.
   */
  restart(options?: { now?: () => Date }): Promise<void>;
  close(): Promise<void>;
}

/**
 * The containers router behind a stand-in for the core's bearer middleware: the header
 * `x-test-user: <guid>[,admin]` becomes the auth state (no header: anonymous).
 */
export async function createTestApp(
  config: Partial<ContainersConfig> = {},
  options: { now?: () => Date } = {},
): Promise<TestApp> {
  const database = await createTestDatabase();
  const knex = database.connect();
  await migrateToLatest(knex);
  const driver = new FakeDriver();
  const health = new FakeHealthProbe(driver);
  const feed = new InProcessChangeFeed();
  const changes: Change[] = [];
  feed.subscribe((c) => changes.push(c));
  // One installation, one key ring: a restarted module reads what the first one sealed.
  const secrets = testSecretBox();
  const make = (now: (() => Date) | undefined): ContainersModule =>
    createContainersModule({
      changes: feed,
      knex,
      secrets,
      owner: 'fake-engine',
      logger: pino({ level: 'silent' }),
      config: {
        dockerHost: undefined,
        lbImage: 'haproxy:2.6',
        publishHost: '127.0.0.1',
        fipPool: ['127.0.0.2', '127.0.0.3'],
        maxReplicas: 5,
        allowedRegistries: ['docker.io'],
        tenantMaxServices: 50,
        tenantMaxReplicas: 100,
        publishPorts: { first: 30000, last: 32767 },
        ...config,
      },
      driver,
      health,
      ...(now === undefined ? {} : { now }),
    });
  const holder = { module: make(options.now) };
  const app = express();
  app.use((req, _res, next) => {
    const header = req.header('x-test-user');
    if (header === 'invalid') setAuthState(req, { kind: 'invalid', reason: 'bad signature' });
    else if (header !== undefined) {
      const [userGuid = '', role] = header.split(',');
      const scopes =
        role === 'admin'
          ? ['cloud_controller.admin']
          : role === 'noscope'
            ? []
            : ['cloud_controller.read', 'cloud_controller.write'];
      setAuthState(req, {
        kind: 'authenticated',
        context: { userGuid, userName: undefined, email: undefined, clientId: 'cf', scopes },
      });
    }
    next();
  });
  app.use('/services', (req, res, next) => holder.module.router(req, res, next));
  return {
    app,
    knex,
    driver,
    health,
    get module() {
      return holder.module;
    },
    changes,
    restart: async ({ now } = options) => {
      await holder.module.stop();
      holder.module = make(now);
    },
    close: async () => {
      await holder.module.stop();
      await knex.destroy();
      await database.drop();
    },
  };
}
