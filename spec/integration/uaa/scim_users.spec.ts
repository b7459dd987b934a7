import request from 'supertest';
import { expectCfJson } from '../../support/cf-expect';
import { createOrg, createSpace } from '../../support/orgs';
import { ConcurrencyGate, PasswordHasher, scryptWorkers } from '../../../src/auth';
import { eventually } from '../../support/instances';
import { bearer, CORE_TABLES, snapshot, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

const TABLES = [...CORE_TABLES, 'scim_user_registrations'] as const;

/** `cf create-user USER PASSWORD`'s exact UAA body (cf-cli-v6-requests.md §2.10). */
function createUserBody(name: string, password = 'pa55word'): Record<string, unknown> {
  return {
    userName: name,
    password,
    origin: '',
    name: { familyName: name, givenName: name },
    emails: [{ value: name, primary: true }],
  };
}

let w: TestWharf;
let plainToken: string;

beforeAll(async () => {
  w = await startTestWharf();
  plainToken = w.tokenFor(await w.createUser('plain'));
});
afterAll(async () => {
  await w.stop();
});

function expectUaaError(
  res: request.Response,
  status: number,
  error: string,
  description: string,
): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { error, error_description: description },
  });
}

describe('cf create-user, then set-org-role, then login as that user', () => {
  it('creates the UAA user, registers it with CC, gives it a role and lets it log in', async () => {
    const created = await request(w.app)
      .post('/Users')
      .set(bearer(w.adminToken))
      .send(createUserBody('carol'));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ userName: 'carol', origin: 'uaa', active: true });
    const id: string = created.body.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);

    const registered = await request(w.app)
      .post('/v2/users')
      .set(bearer(w.adminToken))
      .send({ guid: id });
    expectCfJson(registered, 201);
    expect(registered.body.metadata.guid).toBe(id);

    const orgGuid = await createOrg(w, 'carols-org');
    const flag = await request(w.app)
      .get('/v2/config/feature_flags/set_roles_by_username')
      .set(bearer(w.adminToken));
    expect(flag.body.enabled).toBe(true);
    for (const role of ['managers', 'users']) {
      const res = await request(w.app)
        .put(`/v2/organizations/${orgGuid}/${role}`)
        .set(bearer(w.adminToken))
        .send({ username: 'carol' });
      expectCfJson(res, 201);
    }

    const login = await request(w.app)
      .post('/oauth/token')
      .set('Authorization', 'Basic Y2Y6')
      .type('form')
      .send({ grant_type: 'password', username: 'carol', password: 'pa55word' });
    expect(login.status).toBe(200);
    expect(login.body.token_type).toBe('bearer');
    const orgs = await request(w.app)
      .get('/v3/organizations?order_by=name')
      .set(bearer(login.body.access_token));
    expect(orgs.body.resources.map((o: { name: string }) => o.name)).toEqual(['carols-org']);
  });

  it('a second POST /v2/users for the same guid answers 400, as CC does for a taken guid', async () => {
    const created = await request(w.app)
      .post('/Users')
      .set(bearer(w.adminToken))
      .send(createUserBody('dave'));
    await request(w.app)
      .post('/v2/users')
      .set(bearer(w.adminToken))
      .send({ guid: created.body.id });

    const again = await request(w.app)
      .post('/v2/users')
      .set(bearer(w.adminToken))
      .send({ guid: created.body.id });

    expect(again.status).toBe(400);
    expect(again.body.code).toBe(1002);
  });
});

describe('POST /Users', () => {
  it('when the user name is taken, answers 409 scim_resource_already_exists and creates nothing', async () => {
    await request(w.app).post('/Users').set(bearer(w.adminToken)).send(createUserBody('erin'));
    const before = await snapshot(w.knex, TABLES);

    const res = await request(w.app)
      .post('/Users')
      .set(bearer(w.adminToken))
      .send(createUserBody('erin', 'other'));

    expectUaaError(res, 409, 'scim_resource_already_exists', 'Username already in use: erin');
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });

  it.each<[string, Record<string, unknown>]>([
    ['no userName', { password: 'x' }],
    ['no password', { userName: 'frank' }],
    ['an empty password', { userName: 'frank', password: '' }],
    ['another origin', { userName: 'frank', password: 'x', origin: 'ldap' }],
  ])('with %s, answers 400 invalid_scim_resource and creates nothing', async (_case, body) => {
    const before = await snapshot(w.knex, TABLES);

    const res = await request(w.app).post('/Users').set(bearer(w.adminToken)).send(body);

    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_scim_resource');
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });

  it('with a body that is not JSON, answers 400 invalid_scim_resource', async () => {
    const res = await request(w.app)
      .post('/Users')
      .set(bearer(w.adminToken))
      .set('Content-Type', 'application/json')
      .send('{nope');

    expectUaaError(res, 400, 'invalid_scim_resource', 'Request body is not JSON');
  });

  it('without scim.write, answers 403 insufficient_scope and creates nothing', async () => {
    const before = await snapshot(w.knex, TABLES);

    const res = await request(w.app)
      .post('/Users')
      .set(bearer(plainToken))
      .send(createUserBody('gina'));

    expectUaaError(res, 403, 'insufficient_scope', 'Insufficient scope for this resource');
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });

  it('without a token, answers 401 unauthorized', async () => {
    const res = await request(w.app).post('/Users').send(createUserBody('gina'));

    expectUaaError(
      res,
      401,
      'unauthorized',
      'Full authentication is required to access this resource',
    );
  });
});

describe('GET /Users?attributes=id,userName&filter=userName Eq "USER" (set-org-role by guid)', () => {
  it('finds exactly that user, case-insensitively, with only the asked attributes', async () => {
    const created = await request(w.app)
      .post('/Users')
      .set(bearer(w.adminToken))
      .send(createUserBody('Henry'));

    const res = await request(w.app)
      .get('/Users?attributes=id,userName&filter=userName+Eq+%22henry%22')
      .set(bearer(w.adminToken));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      resources: [{ id: created.body.id, userName: 'Henry' }],
      startIndex: 1,
      itemsPerPage: 100,
      totalResults: 1,
      schemas: ['urn:scim:schemas:core:1.0'],
    });
  });

  it('answers no resources for a name nobody has (CLI: User USER not found)', async () => {
    const res = await request(w.app)
      .get('/Users?attributes=id,userName&filter=userName+Eq+%22nobody%22')
      .set(bearer(w.adminToken));

    expect(res.body.resources).toEqual([]);
    expect(res.body.totalResults).toBe(0);
  });

  it('with a filter it cannot read, answers 400 invalid_filter', async () => {
    const res = await request(w.app)
      .get('/Users?filter=userName+co+%22h%22')
      .set(bearer(w.adminToken));

    expectUaaError(res, 400, 'invalid_filter', 'Invalid filter expression: [userName co "h"]');
  });

  it('without scim.read, answers 403 insufficient_scope', async () => {
    const res = await request(w.app).get('/Users').set(bearer(plainToken));

    expectUaaError(res, 403, 'insufficient_scope', 'Insufficient scope for this resource');
  });
});

describe('DELETE /Users/:id', () => {
  it('deletes the user and their roles, answering the deleted user', async () => {
    const created = await request(w.app)
      .post('/Users')
      .set(bearer(w.adminToken))
      .send(createUserBody('ivy'));
    const orgGuid = await createOrg(w, 'ivys-org');
    await createSpace(w, orgGuid, 'ivys-space');
    await request(w.app)
      .put(`/v2/organizations/${orgGuid}/users`)
      .set(bearer(w.adminToken))
      .send({ username: 'ivy' });

    const res = await request(w.app).delete(`/Users/${created.body.id}`).set(bearer(w.adminToken));

    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: created.body.id, userName: 'ivy' });
    expect(await w.knex('users').where({ guid: created.body.id }).first()).toBeUndefined();
    const holders = await request(w.app)
      .get(`/v2/organizations/${orgGuid}/users`)
      .set(bearer(w.adminToken));
    expect(holders.body.total_results).toBe(0);
  });

  it('for an unknown id, answers 404 scim_resource_not_found', async () => {
    const res = await request(w.app).delete('/Users/nope').set(bearer(w.adminToken));

    expectUaaError(res, 404, 'scim_resource_not_found', 'User nope does not exist');
  });

  it('without scim.write, answers 403 and deletes nothing', async () => {
    const before = await snapshot(w.knex, TABLES);

    const res = await request(w.app).delete(`/Users/${w.admin.guid}`).set(bearer(plainToken));

    expect(res.status).toBe(403);
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });
});

describe('POST /Users in a burst beyond the password-hashing gate', () => {
  // One hashing slot, held by the spec, and two waiting places: of a burst of five, two wait and
  // three are refused, whatever the machine's speed.
  const gate = new ConcurrencyGate(1, 2);
  let gated: TestWharf;
  beforeAll(async () => {
    gated = await startTestWharf({}, { passwordHasher: new PasswordHasher(gate, scryptWorkers) });
  });
  afterAll(async () => {
    await gated.stop();
  });

  it('refuses the excess with 503 temporarily_unavailable and creates exactly the users it accepted', async () => {
    let releaseSlot: () => void = () => undefined;
    const held = new Promise<void>((resolve) => {
      releaseSlot = resolve;
    });
    void gate.run(() => held);
    const names = Array.from({ length: 5 }, (_, i) => `burst-${i}`);
    let answered = 0;
    const burst = Promise.all(
      names.map((name) =>
        request(gated.app)
          .post('/Users')
          .set(bearer(gated.adminToken))
          .send(createUserBody(name))
          .then((res) => {
            answered += 1;
            return res;
          }),
      ),
    );
    await eventually(
      () => (gate.waitingCount() === 2 && answered === 3 ? true : undefined),
      10_000,
      'two waiting and three refused',
    );
    releaseSlot();
    const results = await burst;
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBe(2);
    expect(statuses.filter((s) => s === 503).length).toBe(3);
    const refused = results.filter((r) => r.status === 503);
    for (const r of refused) {
      expect(r.body).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'Too many password operations at once; retry shortly',
      });
      expect(r.headers['retry-after']).toBe('1');
    }
    const listed = await request(gated.app)
      .get('/Users')
      .query({ count: 500 })
      .set(bearer(gated.adminToken));
    expect(listed.status).toBe(200);
    const burstUsers = (listed.body.resources as { userName: string }[])
      .map((u) => u.userName)
      .filter((n) => n.startsWith('burst-'));
    expect(burstUsers.sort()).toEqual(names.filter((_, i) => statuses[i] === 201).sort());
  });
});
