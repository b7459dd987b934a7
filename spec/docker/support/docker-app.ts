import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Express } from 'express';
import pino from 'pino';
import type { Logger } from '../../../src/logger';
import request from 'supertest';
import { setAuthState } from '../../../src/auth/auth-context';
import type { ContainersConfig } from '../../../src/config';
import { createContainersModule } from '../../../src/containers';
import type { ContainersModule, WireService } from '../../../src/containers';
import { migrateToLatest } from '../../../src/db/migrate';
import type { Knex } from '../../../src/db/knex';
import { testSecretBox } from '../../containers/support/test-secrets';
import { TEST_IMAGES } from './docker-available';
import { createTestDatabase } from '../../support/test-database';
import { eventually } from './http';

export const TEST_USER = 'f0e1d2c3-b4a5-4968-8776-655443322110';

export interface RestartOptions {
  now?: () => Date;
  onPass?: () => void;
}

export interface DockerTestApp {
  app: Express;
  knex: Knex;
  owner: string;
  module: ContainersModule;
  /**
   * A Wharf restart: the module is stopped and its connection pool closed, then a fresh module
   * is built on a new pool to the same database, with the same owner and key ring. Optionally it
   * reads another clock and reports each reconciler pass.
   */
  restart(options?: RestartOptions): Promise<void>;
  inspect(name: string): Promise<WireService>;
  waitFor(
    name: string,
    accept: (s: WireService) => boolean,
    what: string,
    timeoutMs?: number,
  ): Promise<WireService>;
  close(): Promise<void>;
}

/**
 * The real Docker driver behind the /services router, on a private database (its SQLite file in
 * `dir`, or a PostgreSQL database; see test-database.ts) and owner label.
 */
export async function createDockerTestApp(
  dir: string,
  fipPool: string[] = [],
  config: Partial<ContainersConfig> = {},
  logger: Logger = pino({ level: process.env.WHARF_SPEC_LOG ?? 'silent' }),
  random?: () => number,
): Promise<DockerTestApp> {
  const database = await createTestDatabase(dir);
  const pool = { knex: database.connect() };
  await migrateToLatest(pool.knex);
  const owner = `spec-${randomUUID()}`;
  const secrets = testSecretBox();
  const make = ({ now, onPass }: RestartOptions = {}): ContainersModule =>
    createContainersModule({
      knex: pool.knex,
      secrets,
      owner,
      logger,
      config: {
        dockerHost: undefined,
        lbImage: TEST_IMAGES.haproxy,
        publishHost: '127.0.0.1',
        fipPool,
        maxReplicas: 5,
        allowedRegistries: ['docker.io'],
        tenantMaxServices: 50,
        tenantMaxReplicas: 100,
        publishPorts: { first: 30000, last: 32767 },
        ...config,
      },
      resyncMs: 1000,
      busyMs: 200,
      ...(random === undefined ? {} : { random }),
      ...(now === undefined ? {} : { now }),
      ...(onPass === undefined ? {} : { onPass }),
    });
  const holder = { module: make() };
  const app = express();
  app.use((req, _res, next) => {
    const ctx = {
      userGuid: TEST_USER,
      userName: undefined,
      email: undefined,
      clientId: 'cf',
      scopes: ['cloud_controller.read', 'cloud_controller.write'],
    };
    setAuthState(req, { kind: 'authenticated', context: ctx });
    next();
  });
  app.use('/services', (req, res, next) => holder.module.router(req, res, next));
  await holder.module.start();
  const inspect = async (name: string): Promise<WireService> => {
    const res = await request(app).get(`/services/${name}`);
    if (res.status !== 200)
      throw new Error(`GET /services/${name}: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body as WireService;
  };
  return {
    app,
    get knex() {
      return pool.knex;
    },
    owner,
    get module() {
      return holder.module;
    },
    async restart(options) {
      await holder.module.stop();
      await pool.knex.destroy();
      pool.knex = database.connect();
      holder.module = make(options);
      await holder.module.start();
    },
    inspect,
    async waitFor(name, accept, what, timeoutMs = 45000) {
      let lastSeen = 'nothing yet';
      try {
        return await eventually(
          async () => {
            const s = await inspect(name);
            lastSeen = describeSeen(s);
            return accept(s) ? s : undefined;
          },
          timeoutMs,
          what,
        );
      } catch (err) {
        // What the service looked like last tells a slow engine from a wrong state.
        throw new Error(
          `${err instanceof Error ? err.message : String(err)}; last seen: ${lastSeen}`,
        );
      }
    },
    async close() {
      await holder.module.stop();
      await pool.knex.destroy();
      await database.drop();
    },
  };
}

export const isActiveWith =
  (n: number) =>
  (s: WireService): boolean =>
    s.Status === 'active' &&
    s.Containers.length === n &&
    s.Backends.filter((b) => b.Health === 'UP').length === n;

/** One line of what a service looked like, for a wait that timed out. */
function describeSeen(s: WireService): string {
  const backends = s.Backends.map((b) => JSON.stringify(b)).join(', ');
  return `${s.Status} "${s.Message}", image ${s.Image}, containers [${s.Containers.join(', ')}], backends [${backends}]`;
}
