import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import { buildWharf } from '../../src/app';
import type { Wharf } from '../../src/app';
import { ConcurrencyGate, PasswordHasher, scryptWorkers } from '../../src/auth';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import { createTestDatabase } from '../support/test-database';
import type { TestDatabase } from '../support/test-database';
import { eventually } from '../support/instances';

const CF_BASIC = 'Basic Y2Y6';
const PASSWORD = 'carol-password';

/** A task that holds a hashing slot (or its place in line) until the spec lets it go. */
function holdSlot(gate: ConcurrencyGate): () => void {
  let release: () => void = () => undefined;
  const held = new Promise<void>((resolve) => {
    release = resolve;
  });
  void gate.run(() => held);
  return () => {
    release();
  };
}

function passwordGrant(wharf: Wharf, password: string): request.Test {
  return request(wharf.app)
    .post('/oauth/token')
    .set('Authorization', CF_BASIC)
    .type('form')
    .send({ grant_type: 'password', username: 'carol', password });
}

/** Queries that read the users table, counted while `during` runs. */
async function usersQueries(knex: Knex, during: () => Promise<void>): Promise<number> {
  let count = 0;
  const onQuery = (query: { sql?: string }): void => {
    if (/\busers\b/.test(query.sql ?? '')) count += 1;
  };
  knex.on('query', onQuery);
  try {
    await during();
  } finally {
    knex.off('query', onQuery);
  }
  return count;
}

interface GatedWharf {
  wharf: Wharf;
  knex: Knex;
  refreshToken: string;
  stop(): Promise<void>;
}

/** A Wharf whose password checks go through `gate`, with user carol logged in once. */
async function startGatedWharf(gate: ConcurrencyGate): Promise<GatedWharf> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-spec-hashing-'));
  const database: TestDatabase = await createTestDatabase(dataDir);
  const knex = database.connect();
  const wharf = await buildWharf({
    config: loadConfig({
      WHARF_DATA_DIR: dataDir,
      WHARF_LOG_LEVEL: 'silent',
      WHARF_EXTERNAL_URL: 'http://wharf.test',
      WHARF_LOGIN_MAX_FAILURES: '2',
    }),
    logger: createLogger('silent'),
    knex,
    passwordHasher: new PasswordHasher(gate, scryptWorkers),
  });
  await wharf.users.addUser('carol', PASSWORD);
  const login = await passwordGrant(wharf, PASSWORD).expect(200);
  return {
    wharf,
    knex,
    refreshToken: (login.body as { refresh_token: string }).refresh_token,
    stop: async () => {
      await wharf.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

describe('POST /oauth/token when every hashing slot and waiting place is taken', () => {
  // One slot and one waiting place, without a wait limit: the spec fills both by hand.
  const gate = new ConcurrencyGate(1, 1);
  let w: GatedWharf;
  let releases: (() => void)[] = [];
  beforeAll(async () => {
    w = await startGatedWharf(gate);
  });
  beforeEach(() => {
    releases = [holdSlot(gate), holdSlot(gate)];
  });
  afterEach(() => {
    for (const release of releases) release();
  });
  afterAll(async () => {
    await w.stop();
  });

  it('answers 503 temporarily_unavailable with Retry-After at once, without reading the users table', async () => {
    let res: request.Response | undefined;
    const reads = await usersQueries(w.knex, async () => {
      res = await passwordGrant(w.wharf, PASSWORD);
    });
    expect({
      status: res?.status,
      body: res?.body as unknown,
      retryAfter: res?.headers['retry-after'],
      reads,
    }).toEqual({
      status: 503,
      body: {
        error: 'temporarily_unavailable',
        error_description: 'Too many logins at once; retry shortly',
      },
      retryAfter: '1',
      reads: 0,
    });
  });

  it('refusals are not failed logins: after more 503s than the lockout allows, the right password logs in once a slot frees', async () => {
    for (let i = 0; i < 3; i += 1) await passwordGrant(w.wharf, 'wrong').expect(503);
    for (const release of releases) release();
    await passwordGrant(w.wharf, PASSWORD).expect(200);
  });

  it('a refresh grant needs no hashing and is answered meanwhile', async () => {
    await request(w.wharf.app)
      .post('/oauth/token')
      .set('Authorization', CF_BASIC)
      .type('form')
      .send({ grant_type: 'refresh_token', refresh_token: w.refreshToken })
      .expect(200);
  });
});

describe('POST /oauth/token waiting for a hashing slot', () => {
  const gate = new ConcurrencyGate(1, 4, { maxWaitMs: 1000 });
  let w: GatedWharf;
  beforeAll(async () => {
    w = await startGatedWharf(gate);
  });
  afterAll(async () => {
    await w.stop();
  });

  it('a login still waiting when the wait limit is up answers 503; once the slot frees, logins are checked again', async () => {
    const release = holdSlot(gate);
    try {
      const res = await passwordGrant(w.wharf, PASSWORD);
      expect({ status: res.status, error: (res.body as { error?: string }).error }).toEqual({
        status: 503,
        error: 'temporarily_unavailable',
      });
    } finally {
      release();
    }
    await passwordGrant(w.wharf, 'wrong').expect(401);
    await passwordGrant(w.wharf, PASSWORD).expect(200);
  });

  it('a login whose slot frees within the wait limit is checked normally', async () => {
    const release = holdSlot(gate);
    const answered = passwordGrant(w.wharf, PASSWORD).then((res) => res.status);
    // Free the slot only once the login waits in the gate's line.
    await eventually(() => (gate.waitingCount() === 1 ? true : undefined), 5000, 'login waiting');
    release();
    expect(await answered).toBe(200);
  });
});
