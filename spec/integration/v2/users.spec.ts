import request from 'supertest';
import {
  badQueryParameter,
  expectCfError,
  expectCfJson,
  INSUFFICIENT_SCOPE,
  INVALID_AUTH_TOKEN,
  messageParseError,
  NOT_AUTHORIZED,
} from '../../support/cf-expect';
import {
  CF_TIMESTAMP,
  createOrg,
  createSpace,
  followPages,
  grantOrgRole,
  grantSpaceRole,
} from '../../support/orgs';
import { bearer, CORE_TABLES, snapshot, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import type { User } from '../../../src/auth/types';

const RW = ['cloud_controller.read', 'cloud_controller.write'];

function userResource(guid: string, entity: Record<string, unknown> = {}): Record<string, unknown> {
  const url = `/v2/users/${guid}`;
  return {
    metadata: {
      guid,
      url,
      created_at: expect.stringMatching(CF_TIMESTAMP),
      updated_at: expect.stringMatching(CF_TIMESTAMP),
    },
    entity: {
      admin: false,
      active: true,
      default_space_guid: null,
      ...entity,
      spaces_url: `${url}/spaces`,
      organizations_url: `${url}/organizations`,
      managed_organizations_url: `${url}/managed_organizations`,
      billing_managed_organizations_url: `${url}/billing_managed_organizations`,
      audited_organizations_url: `${url}/audited_organizations`,
      managed_spaces_url: `${url}/managed_spaces`,
      audited_spaces_url: `${url}/audited_spaces`,
    },
  };
}

function guids(body: { resources: { metadata: { guid: string } }[] }): string[] {
  return body.resources.map((r) => r.metadata.guid);
}

const userNotFound = (guid: string): { description: string; error_code: string; code: number } => ({
  description: `The user could not be found: ${guid}`,
  error_code: 'CF-UserNotFound',
  code: 20003,
});

type Actor = { user: User; token: string };

describe('/v2/users', () => {
  let w: TestWharf;
  let alice: Actor;
  let bob: Actor;
  let readOnly: Actor;
  let adminReadOnly: Actor;
  let globalAuditor: Actor;
  let org: string;
  let space: string;
  beforeAll(async () => {
    w = await startTestWharf();
    alice = await w.userWithToken('alice', RW);
    bob = await w.userWithToken('bob', RW);
    readOnly = await w.userWithToken('reader', ['cloud_controller.read']);
    adminReadOnly = await w.userWithToken('aro', ['cloud_controller.admin_read_only']);
    globalAuditor = await w.userWithToken('auditor', ['cloud_controller.global_auditor']);
    org = await createOrg(w, 'org');
    space = await createSpace(w, org, 'space');
    await grantOrgRole(w, org, 'users', alice.user.guid);
    await grantOrgRole(w, org, 'managers', bob.user.guid);
    await grantSpaceRole(w, space, 'developers', alice.user.guid);
  });
  afterAll(async () => {
    await w.stop();
  });

  describe('GET /v2/users', () => {
    it('when an admin lists, answers every user in creation order with the whole envelope', async () => {
      const res = await request(w.app).get('/v2/users').set(bearer(w.adminToken));
      expectCfJson(res, 200);
      expect(res.body).toEqual({
        total_results: 6,
        total_pages: 1,
        prev_url: null,
        next_url: null,
        resources: [
          userResource(w.admin.guid, { admin: true, username: 'admin' }),
          userResource(alice.user.guid, { username: 'alice' }),
          userResource(bob.user.guid, { username: 'bob' }),
          userResource(readOnly.user.guid, { username: 'reader' }),
          userResource(adminReadOnly.user.guid, { username: 'aro' }),
          userResource(globalAuditor.user.guid, { username: 'auditor' }),
        ],
      });
    });

    it.each<[string, () => string]>([
      ['admin_read_only', () => adminReadOnly.token],
      ['global_auditor', () => globalAuditor.token],
    ])(
      'when a %s token lists (read operations on all rows, §2.2), answers 200',
      async (_name, token) => {
        const res = await request(w.app).get('/v2/users').set(bearer(token()));
        expectCfJson(res, 200);
        expect(res.body.total_results).toBe(6);
      },
    );

    it.each<[string, () => string]>([
      ['a read/write user', () => alice.token],
      [
        'a user with only cloud_controller.read (scope is enough, the role is not)',
        () => readOnly.token,
      ],
    ])('when %s lists, answers 403 10003', async (_name, token) => {
      expectCfError(
        await request(w.app).get('/v2/users').set(bearer(token())),
        403,
        NOT_AUTHORIZED,
      );
    });

    it('when the token lacks cloud_controller.read, answers 403 10007', async () => {
      const { user, token } = await w.userWithToken('openid-only', ['openid']);
      try {
        expectCfError(
          await request(w.app).get('/v2/users').set(bearer(token)),
          403,
          INSUFFICIENT_SCOPE,
        );
      } finally {
        await w.users.delete(user.guid);
      }
    });

    it.each<[string, () => string, () => string[]]>([
      [
        'organization_guid',
        () => `q=organization_guid:${org}`,
        () => [alice.user.guid, bob.user.guid],
      ],
      ['space_guid', () => `q=space_guid:${space}`, () => [alice.user.guid]],
      ['space_guid IN', () => `q=space_guid%20IN%20${space},other`, () => [alice.user.guid]],
      [
        'both, AND-ed',
        () => `q=organization_guid:${org}&q=space_guid:${space}`,
        () => [alice.user.guid],
      ],
      ['an organization nobody is in', () => 'q=organization_guid:nope', () => []],
    ])('when filtering on %s, answers the matching users', async (_name, query, expected) => {
      const res = await request(w.app).get(`/v2/users?${query()}`).set(bearer(w.adminToken));
      expectCfJson(res, 200);
      expect(guids(res.body)).toEqual(expected());
    });

    it('when results span pages, next_url leads through every user once', async () => {
      const { urls, pages } = await followPages(w, w.adminToken, '/v2/users?results-per-page=4');
      expect(urls).toEqual([
        '/v2/users?results-per-page=4',
        '/v2/users?order-direction=asc&page=2&results-per-page=4',
      ]);
      const all = pages.flatMap((p) => guids(p));
      expect(all).toEqual([
        w.admin.guid,
        alice.user.guid,
        bob.user.guid,
        readOnly.user.guid,
        adminReadOnly.user.guid,
        globalAuditor.user.guid,
      ]);
    });

    it.each<[string, string, number, { description: string; error_code: string; code: number }]>([
      ['an unknown q field', 'q=username:alice', 400, badQueryParameter('username')],
      [
        'an order-by (users declare none)',
        'order-by=name',
        400,
        {
          description: 'Cannot order by: name',
          error_code: 'CF-OrderByParameterInvalid',
          code: 10012,
        },
      ],
    ])('when the query has %s, answers the CF error', async (_name, query, status, body) => {
      expectCfError(
        await request(w.app).get(`/v2/users?${query}`).set(bearer(w.adminToken)),
        status,
        body,
      );
    });
  });

  describe('POST /v2/users', () => {
    it('when an admin registers an external identity, answers 201 with the envelope and Location', async () => {
      const res = await request(w.app)
        .post('/v2/users')
        .set(bearer(w.adminToken))
        .send({ guid: 'uaa-user-1' });
      expectCfJson(res, 201);
      expect(res.headers.location).toBe('/v2/users/uaa-user-1');
      expect(res.body).toEqual(userResource('uaa-user-1'));
      const row = await w
        .knex('users')
        .where({ guid: 'uaa-user-1' })
        .first('username', 'password_hash', 'origin');
      expect(row).toEqual({ username: null, password_hash: null, origin: 'external' });
    });

    it('when the guid is already registered, answers 400 naming it and creates nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .post('/v2/users')
        .set(bearer(w.adminToken))
        .send({ guid: alice.user.guid });
      expect(res.status).toBe(400);
      expect(res.body.description).toContain(alice.user.guid);
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it.each<[string, string, string]>([
      ['no guid', '{}', 'Field: guid, Error: Missing field guid'],
      [
        'an empty guid',
        '{"guid":""}',
        'Field: guid, Error: String must contain at least 1 character(s)',
      ],
      ['invalid JSON', '{guid}', ''],
    ])(
      'when the body has %s, answers 400 1001 and creates nothing',
      async (_name, body, detail) => {
        const before = await snapshot(w.knex, CORE_TABLES);
        const res = await request(w.app)
          .post('/v2/users')
          .set(bearer(w.adminToken))
          .set('Content-Type', 'application/json')
          .send(body);
        if (detail === '') {
          expect({ status: res.status, code: res.body.code }).toEqual({ status: 400, code: 1001 });
        } else {
          expectCfError(res, 400, messageParseError(detail));
        }
        expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
      },
    );

    it('when a non-admin registers a user, answers 403 10003 and creates nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .post('/v2/users')
        .set(bearer(bob.token))
        .send({ guid: 'sneaky' });
      expectCfError(res, 403, NOT_AUTHORIZED);
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });
  });

  describe('GET /v2/users/:guid', () => {
    it.each<[string, () => string]>([
      ['the user themselves', () => alice.token],
      ['an admin', () => w.adminToken],
      ['an admin_read_only token', () => adminReadOnly.token],
    ])('when %s reads it, answers 200 with the whole envelope', async (_name, token) => {
      const res = await request(w.app).get(`/v2/users/${alice.user.guid}`).set(bearer(token()));
      expectCfJson(res, 200);
      expect(res.body).toEqual(userResource(alice.user.guid, { username: 'alice' }));
    });

    it('when another user reads it, answers 403 10003', async () => {
      expectCfError(
        await request(w.app).get(`/v2/users/${alice.user.guid}`).set(bearer(bob.token)),
        403,
        NOT_AUTHORIZED,
      );
    });

    it('when the guid is unknown, answers 404 20003', async () => {
      expectCfError(
        await request(w.app).get('/v2/users/ghost').set(bearer(w.adminToken)),
        404,
        userNotFound('ghost'),
      );
    });
  });

  describe('DELETE /v2/users/:guid', () => {
    it('when an admin deletes a user, answers 204 and the user and their roles are gone', async () => {
      const carol = await w.userWithToken('carol', RW);
      await grantOrgRole(w, org, 'managers', carol.user.guid);
      await grantSpaceRole(w, space, 'auditors', carol.user.guid);
      const id = (await w.knex('users').where({ guid: carol.user.guid }).first('id'))?.id;
      const res = await request(w.app)
        .delete(`/v2/users/${carol.user.guid}`)
        .set(bearer(w.adminToken));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect({
        user: await w.knex('users').where({ id }),
        orgRoles: await w.knex('organization_roles').where({ user_id: id }),
        spaceRoles: await w.knex('space_roles').where({ user_id: id }),
      }).toEqual({ user: [], orgRoles: [], spaceRoles: [] });
      expectCfError(
        await request(w.app).get(`/v2/users/${carol.user.guid}`).set(bearer(w.adminToken)),
        404,
        userNotFound(carol.user.guid),
      );
    });

    it('when a deleted user of Wharf’s UAA calls again with a still-valid token, answers 401 1000 everywhere and re-creates no row', async () => {
      const dave = await w.userWithToken('dave', RW);
      await grantOrgRole(w, org, 'users', dave.user.guid);
      // Used once before the delete, so the token sits in every cache.
      expectCfJson(await request(w.app).get('/v2/organizations').set(bearer(dave.token)), 200);
      expect((await request(w.app).get('/services').set(bearer(dave.token))).status).toBe(200);
      const del = await request(w.app)
        .delete(`/v2/users/${dave.user.guid}`)
        .set(bearer(w.adminToken));
      expect(del.status).toBe(204);
      expectCfError(
        await request(w.app).get('/v2/organizations').set(bearer(dave.token)),
        401,
        INVALID_AUTH_TOKEN,
      );
      const services = await request(w.app).get('/services').set(bearer(dave.token));
      expect({ status: services.status, body: services.body }).toEqual({
        status: 401,
        body: { message: 'Invalid token: token rejected' },
      });
      expect(await w.knex('users').where({ guid: dave.user.guid })).toEqual([]);
    });

    it('when a non-admin deletes a user, answers 403 10003 and deletes nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      expectCfError(
        await request(w.app).delete(`/v2/users/${alice.user.guid}`).set(bearer(bob.token)),
        403,
        NOT_AUTHORIZED,
      );
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the guid is unknown, answers 404 20003', async () => {
      expectCfError(
        await request(w.app).delete('/v2/users/ghost').set(bearer(w.adminToken)),
        404,
        userNotFound('ghost'),
      );
    });
  });
});
