import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { buildWharf } from '../../../src/app';
import type { Wharf } from '../../../src/app';
import { USER_CHECK_TTL_MS } from '../../../src/auth/users-service';
import { DEFAULT_USER_SCOPES } from '../../../src/auth/types';
import { ManualClock } from '../../../src/clock';
import { loadConfig } from '../../../src/config';
import { createLogger } from '../../../src/logger';
import { expectCfError, expectCfJson, INVALID_AUTH_TOKEN } from '../../support/cf-expect';
import { bearer, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import { createTestDatabase } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';

const CF_BASIC = 'Basic Y2Y6';
const INVALID_REFRESH = { error: 'invalid_token', error_description: 'Invalid refresh token' };

function grant(app: Wharf['app'], form: Record<string, string>): request.Test {
  return request(app).post('/oauth/token').type('form').set('Authorization', CF_BASIC).send(form);
}

async function login(
  app: Wharf['app'],
  username: string,
  password: string,
): Promise<{
  access: string;
  refresh: string;
}> {
  const res = await grant(app, { grant_type: 'password', username, password });
  expect(res.status).toBe(200);
  return { access: String(res.body.access_token), refresh: String(res.body.refresh_token) };
}

function refresh(app: Wharf['app'], token: string): request.Test {
  return grant(app, { grant_type: 'refresh_token', refresh_token: token });
}

describe('refresh tokens: rotation, families and password changes', () => {
  let w: TestWharf;
  beforeAll(async () => {
    w = await startTestWharf();
  });
  afterAll(async () => {
    await w.stop();
  });

  it('when a refresh token is used, it is spent: a new one is issued and works once', async () => {
    await w.users.addUser('rotating', 'rotating-password', DEFAULT_USER_SCOPES);
    const first = await login(w.app, 'rotating', 'rotating-password');
    const second = await refresh(w.app, first.refresh);
    expect(second.status).toBe(200);
    expect(second.body.refresh_token).not.toBe(first.refresh);
    const third = await refresh(w.app, String(second.body.refresh_token));
    expect(third.status).toBe(200);
  });

  it('when a spent refresh token is presented again, answers 401 and revokes its whole family', async () => {
    await w.users.addUser('stolen', 'stolen-password', DEFAULT_USER_SCOPES);
    const original = await login(w.app, 'stolen', 'stolen-password');
    const legit = await refresh(w.app, original.refresh);
    expect(legit.status).toBe(200);
    const replay = await refresh(w.app, original.refresh);
    expect({ status: replay.status, body: replay.body }).toEqual({
      status: 401,
      body: INVALID_REFRESH,
    });
    // The token the legitimate holder got from the first use dies with its family.
    const next = await refresh(w.app, String(legit.body.refresh_token));
    expect({ status: next.status, body: next.body }).toEqual({
      status: 401,
      body: INVALID_REFRESH,
    });
    // Another login is another family and is unaffected.
    const other = await login(w.app, 'stolen', 'stolen-password');
    expect((await refresh(w.app, other.refresh)).status).toBe(200);
  });

  it('when a refresh asks for a scope the user lacks, answers 400 and the token is not spent', async () => {
    await w.users.addUser('narrow', 'narrow-password', DEFAULT_USER_SCOPES);
    const tokens = await login(w.app, 'narrow', 'narrow-password');
    const bad = await grant(w.app, {
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh,
      scope: 'cloud_controller.admin',
    });
    expect(bad.status).toBe(400);
    expect((await refresh(w.app, tokens.refresh)).status).toBe(200);
  });

  it('when the password changes, every refresh token issued before is refused; a new login works', async () => {
    await w.users.addUser('changer', 'old-password', DEFAULT_USER_SCOPES);
    const before1 = await login(w.app, 'changer', 'old-password');
    const before2 = await login(w.app, 'changer', 'old-password');
    expect(await w.users.setPassword('changer', 'new-password')).toBe(true);
    for (const token of [before1.refresh, before2.refresh]) {
      const res = await refresh(w.app, token);
      expect({ status: res.status, body: res.body }).toEqual({
        status: 401,
        body: INVALID_REFRESH,
      });
    }
    const after = await login(w.app, 'changer', 'new-password');
    expect((await refresh(w.app, after.refresh)).status).toBe(200);
  });

  it('when the user is deleted, its refresh tokens are refused and its access token gets 401', async () => {
    const user = await w.users.addUser('leaver', 'leaver-password', DEFAULT_USER_SCOPES);
    const tokens = await login(w.app, 'leaver', 'leaver-password');
    expectCfJson(await request(w.app).get('/v2/organizations').set(bearer(tokens.access)), 200);
    expect(
      (await request(w.app).delete(`/v2/users/${user.guid}`).set(bearer(w.adminToken))).status,
    ).toBe(204);
    expect((await refresh(w.app, tokens.refresh)).status).toBe(401);
    expectCfError(
      await request(w.app).get('/v2/organizations').set(bearer(tokens.access)),
      401,
      INVALID_AUTH_TOKEN,
    );
    expect(await w.knex('users').where({ guid: user.guid })).toEqual([]);
    expect(await w.knex('refresh_tokens').where({ user_id: user.id })).toEqual([]);
  });
});

describe('two processes sharing one database', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-revocation-'));
  const clock = new ManualClock(new Date());
  let a: Wharf;
  let b: Wharf;
  let database: TestDatabase;
  const build = async (): Promise<Wharf> =>
    buildWharf({
      config: loadConfig({ WHARF_DATA_DIR: dataDir, WHARF_EXTERNAL_URL: 'http://wharf.test' }),
      logger: createLogger('silent'),
      knex: database.connect(),
      clock,
    });
  beforeAll(async () => {
    database = await createTestDatabase(dataDir);
    a = await build();
    b = await build();
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('when one process deletes a user, the other refuses its access token within the check interval', async () => {
    await a.users.addUser('admin', 'admin-password', [
      'cloud_controller.admin',
      'cloud_controller.read',
      'cloud_controller.write',
    ]);
    const user = await a.users.addUser('shared', 'shared-password', DEFAULT_USER_SCOPES);
    const admin = await login(a.app, 'admin', 'admin-password');
    const tokens = await login(a.app, 'shared', 'shared-password');
    expectCfJson(await request(b.app).get('/v2/organizations').set(bearer(tokens.access)), 200);
    expect(
      (await request(a.app).delete(`/v2/users/${user.guid}`).set(bearer(admin.access))).status,
    ).toBe(204);
    // Process a knows at once.
    expect((await request(a.app).get('/v2/organizations').set(bearer(tokens.access))).status).toBe(
      401,
    );
    clock.advance(USER_CHECK_TTL_MS);
    expectCfError(
      await request(b.app).get('/v2/organizations').set(bearer(tokens.access)),
      401,
      INVALID_AUTH_TOKEN,
    );
    expect(await b.knex('users').where({ guid: user.guid })).toEqual([]);
  });
});
