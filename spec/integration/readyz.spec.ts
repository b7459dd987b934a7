import path from 'node:path';
import request from 'supertest';
import { createKnex } from '../../src/db/knex';
import { expectCfError } from '../support/cf-expect';
import { testDatabaseKind } from '../support/test-database';
import { bearer, startTestWharf } from '../support/test-wharf';
import type { TestWharf } from '../support/test-wharf';

jest.setTimeout(60_000);

const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/wharf-readyz-spec.sock' };

function unavailable(description: string): {
  code: number;
  error_code: string;
  description: string;
} {
  return { description, error_code: 'CF-ServiceUnavailable', code: 10015 };
}

function createOrg(w: TestWharf, name: string): request.Test {
  return request(w.app).post('/v2/organizations').set(bearer(w.adminToken)).send({ name });
}

describe('GET /readyz', () => {
  it('when the database takes writes and the engine answers, answers 200 with both checks ok', async () => {
    const w = await startTestWharf();
    try {
      const res = await request(w.app).get('/readyz');
      expect({ status: res.status, body: res.body }).toEqual({
        status: 200,
        body: { status: 'ok', checks: { database: 'ok', engine: 'ok' } },
      });
    } finally {
      await w.stop();
    }
  });

  it('when the container engine cannot be reached, answers 503 naming the engine', async () => {
    const w = await startTestWharf(NO_ENGINE);
    try {
      const res = await request(w.app).get('/readyz');
      expect({ status: res.status, body: res.body }).toEqual({
        status: 503,
        body: { status: 'unavailable', checks: { database: 'ok', engine: 'unreachable' } },
      });
    } finally {
      await w.stop();
    }
  });
});

/**
 * The three states are produced with SQLite's own switches on the live connection (query_only,
 * max_page_count, a second writer holding the lock). PostgreSQL has no per-pool equivalent a spec
 * can flip safely, so these cases are defined on SQLite runs only; PostgreSQL's error codes for the
 * same states (25006, 53100, 55P03) are mapped by the table in spec/unit/db/unavailable.spec.ts.
 */
const describeOnSqlite = testDatabaseKind() === 'sqlite' ? describe : (): void => undefined;

describeOnSqlite('a database that cannot be written', () => {
  let w: TestWharf;
  beforeEach(async () => {
    w = await startTestWharf(NO_ENGINE);
  });
  afterEach(async () => {
    await w.stop();
  });

  it('when it is read-only, /readyz says so, writes answer 503 10015 and change nothing, reads still work', async () => {
    // The one pooled connection turns read-only: every write fails with SQLITE_READONLY.
    await w.knex.raw('PRAGMA query_only = ON');
    const ready = await request(w.app).get('/readyz');
    expect({ status: ready.status, database: ready.body.checks?.database }).toEqual({
      status: 503,
      database: 'read-only',
    });
    const res = await createOrg(w, 'never-written');
    expectCfError(res, 503, unavailable('The database is read-only; no change can be saved'));
    expect(res.headers['retry-after']).toBe('5');
    const list = await request(w.app).get('/v2/organizations').set(bearer(w.adminToken));
    expect(list.status).toBe(200);
    expect(list.body.total_results).toBe(0);
    await w.knex.raw('PRAGMA query_only = OFF');
    expect((await request(w.app).get('/readyz')).body.checks.database).toBe('ok');
    expect((await createOrg(w, 'written-later')).status).toBe(201);
  });

  it('when it is full, writes answer 503 10015 instead of 500', async () => {
    const pages = await w.knex.raw<{ page_count: number }[]>('PRAGMA page_count');
    const count = pages[0]?.page_count ?? 0;
    expect(count).toBeGreaterThan(0);
    await w.knex.raw(`PRAGMA max_page_count = ${count}`);
    let res = await createOrg(w, 'org-0');
    for (let i = 1; i < 500 && res.status === 201; i++)
      res = await createOrg(w, `org-${i}-${'x'.repeat(200)}`);
    expectCfError(res, 503, unavailable('The database is full; no change can be saved'));
  });

  it('when another connection holds it locked, writes answer 503 10015 once the busy timeout passes', async () => {
    const other = createKnex({
      databaseUrl: undefined,
      sqliteFile: path.join(w.dataDir, 'wharf.sqlite'),
    });
    try {
      await other.transaction(async (trx) => {
        await trx.raw('select 1');
        // A write in the open transaction holds SQLite's write lock until the transaction ends.
        await trx('knex_migrations_lock').update({ is_locked: 0 });
        const res = await createOrg(w, 'blocked');
        expectCfError(
          res,
          503,
          unavailable('The database is locked by another writer; try again shortly'),
        );
        const ready = await request(w.app).get('/readyz');
        expect(ready.status).toBe(503);
        expect(ready.body.checks.database).not.toBe('ok');
      });
    } finally {
      await other.destroy();
    }
    expect(await w.knex('organizations').where({ name: 'blocked' })).toEqual([]);
  });
});
