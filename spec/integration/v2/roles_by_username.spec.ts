import request from 'supertest';
import {
  expectCfError,
  expectCfJson,
  messageParseError,
  NOT_AUTHORIZED,
} from '../../support/cf-expect';
import { createOrg, createSpace, grantOrgRole } from '../../support/orgs';
import { bearer, CORE_TABLES, snapshot, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import type { User } from '../../../src/auth/types';

let w: TestWharf;
let orgGuid: string;
let spaceGuid: string;
let bob: User;
let managerToken: string;
let outsiderToken: string;

const userNotFound = (name: string): { description: string; error_code: string; code: number } => ({
  description: `The user could not be found: ${name}`,
  error_code: 'CF-UserNotFound',
  code: 20003,
});

async function roleHolders(path: string): Promise<string[]> {
  const res = await request(w.app).get(path).set(bearer(w.adminToken));
  const resources: { entity: { username: string } }[] = res.body.resources;
  return resources.map((r) => r.entity.username).sort();
}

async function setFlag(name: string, enabled: boolean): Promise<void> {
  await request(w.app)
    .put(`/v2/config/feature_flags/${name}`)
    .set(bearer(w.adminToken))
    .send({ enabled });
}

beforeAll(async () => {
  w = await startTestWharf();
  orgGuid = await createOrg(w, 'acme');
  spaceGuid = await createSpace(w, orgGuid, 'dev');
  bob = await w.createUser('bob');
  const manager = await w.createUser('manager');
  await grantOrgRole(w, orgGuid, 'managers', manager.guid);
  managerToken = w.tokenFor(manager);
  outsiderToken = w.tokenFor(await w.createUser('outsider'));
});
afterAll(async () => {
  await w.stop();
});

describe('PUT /v2/organizations/:guid/<role> {"username"} (cf create-org, cf set-org-role)', () => {
  it.each(['users', 'managers', 'billing_managers', 'auditors'])(
    'as admin, %s: answers 201 with the org and the user holds the role',
    async (role) => {
      const res = await request(w.app)
        .put(`/v2/organizations/${orgGuid}/${role}`)
        .set(bearer(w.adminToken))
        .send({ username: 'bob' });

      expectCfJson(res, 201);
      expect(res.body.metadata.guid).toBe(orgGuid);
      expect(await roleHolders(`/v2/organizations/${orgGuid}/${role}`)).toContain('bob');
      expect(await roleHolders(`/v2/organizations/${orgGuid}/users`)).toContain('bob');
    },
  );

  it('as an org manager, with the flag on, may add a member', async () => {
    const carol = await w.createUser('carol');
    const res = await request(w.app)
      .put(`/v2/organizations/${orgGuid}/users`)
      .set(bearer(managerToken))
      .send({ username: 'carol' });

    expectCfJson(res, 201);
    expect(await roleHolders(`/v2/organizations/${orgGuid}/users`)).toContain(carol.username);
  });

  it('as an org manager, with set_roles_by_username off, answers 403 CF-FeatureDisabled', async () => {
    await w.createUser('dora');
    await setFlag('set_roles_by_username', false);
    const before = await snapshot(w.knex, CORE_TABLES);
    try {
      const res = await request(w.app)
        .put(`/v2/organizations/${orgGuid}/users`)
        .set(bearer(managerToken))
        .send({ username: 'dora' });

      expectCfError(res, 403, {
        description: 'Feature Disabled: set_roles_by_username',
        error_code: 'CF-FeatureDisabled',
        code: 330002,
      });
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    } finally {
      await setFlag('set_roles_by_username', true);
    }
  });

  it('as admin, the flag off is skipped as in CC', async () => {
    await w.createUser('erik');
    await setFlag('set_roles_by_username', false);
    try {
      const res = await request(w.app)
        .put(`/v2/organizations/${orgGuid}/users`)
        .set(bearer(w.adminToken))
        .send({ username: 'erik' });
      expectCfJson(res, 201);
    } finally {
      await setFlag('set_roles_by_username', true);
    }
  });

  it('for an unknown user name, answers 404 CF-UserNotFound and changes nothing', async () => {
    const before = await snapshot(w.knex, CORE_TABLES);

    const res = await request(w.app)
      .put(`/v2/organizations/${orgGuid}/managers`)
      .set(bearer(w.adminToken))
      .send({ username: 'nobody' });

    expectCfError(res, 404, userNotFound('nobody'));
    expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
  });

  it('for another origin, answers 404 CF-UserNotFound (Wharf has only uaa users)', async () => {
    const res = await request(w.app)
      .put(`/v2/organizations/${orgGuid}/managers`)
      .set(bearer(w.adminToken))
      .send({ username: 'bob', origin: 'ldap' });

    expectCfError(res, 404, userNotFound('bob'));
  });

  it('for an unknown org, answers 404 CF-OrganizationNotFound', async () => {
    const res = await request(w.app)
      .put('/v2/organizations/nope/managers')
      .set(bearer(w.adminToken))
      .send({ username: 'bob' });

    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe('CF-OrganizationNotFound');
  });

  it('without a username, answers 400 1001', async () => {
    const res = await request(w.app)
      .put(`/v2/organizations/${orgGuid}/managers`)
      .set(bearer(w.adminToken))
      .send({});

    expectCfError(res, 400, messageParseError('Field: username, Error: Missing field username'));
  });

  it('as an outsider, answers 403 10003 and changes nothing', async () => {
    const before = await snapshot(w.knex, CORE_TABLES);

    const res = await request(w.app)
      .put(`/v2/organizations/${orgGuid}/managers`)
      .set(bearer(outsiderToken))
      .send({ username: 'bob' });

    expectCfError(res, 403, NOT_AUTHORIZED);
    expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
  });
});

describe('DELETE /v2/organizations/:guid/<role> {"username"} (cf unset-org-role)', () => {
  it('answers 204 and the role is gone', async () => {
    await request(w.app)
      .put(`/v2/organizations/${orgGuid}/auditors`)
      .set(bearer(w.adminToken))
      .send({ username: 'bob' });

    const res = await request(w.app)
      .delete(`/v2/organizations/${orgGuid}/auditors`)
      .set(bearer(w.adminToken))
      .send({ username: 'bob' });

    expect(res.status).toBe(204);
    expect(await roleHolders(`/v2/organizations/${orgGuid}/auditors`)).not.toContain('bob');
  });

  it('with unset_roles_by_username off, a manager gets 403 CF-FeatureDisabled', async () => {
    await setFlag('unset_roles_by_username', false);
    try {
      const res = await request(w.app)
        .delete(`/v2/organizations/${orgGuid}/auditors`)
        .set(bearer(managerToken))
        .send({ username: 'bob' });
      expect(res.status).toBe(403);
      expect(res.body.error_code).toBe('CF-FeatureDisabled');
    } finally {
      await setFlag('unset_roles_by_username', true);
    }
  });
});

describe('PUT|DELETE /v2/spaces/:guid/<role> {"username"} (cf set-space-role by name)', () => {
  it.each(['developers', 'managers', 'auditors'])(
    '%s: answers 201 with the space and the user holds the role',
    async (role) => {
      const res = await request(w.app)
        .put(`/v2/spaces/${spaceGuid}/${role}`)
        .set(bearer(w.adminToken))
        .send({ username: 'bob' });

      expectCfJson(res, 201);
      expect(res.body.metadata.guid).toBe(spaceGuid);
      expect(await roleHolders(`/v2/spaces/${spaceGuid}/${role}`)).toContain('bob');
    },
  );

  it('for a user outside the org, answers 400 with code 1002 (the CLI prints its own message)', async () => {
    await w.createUser('stranger');

    const res = await request(w.app)
      .put(`/v2/spaces/${spaceGuid}/developers`)
      .set(bearer(w.adminToken))
      .send({ username: 'stranger' });

    expect(res.status).toBe(400);
    expect(res.body.code).toBe(1002);
  });

  it('DELETE answers 204 and the role is gone', async () => {
    const res = await request(w.app)
      .delete(`/v2/spaces/${spaceGuid}/auditors`)
      .set(bearer(w.adminToken))
      .send({ username: 'bob' });

    expect(res.status).toBe(204);
    expect(await roleHolders(`/v2/spaces/${spaceGuid}/auditors`)).not.toContain('bob');
  });
});

describe('GET /v2/users/:guid/organizations|spaces and the role lists', () => {
  it('lists the orgs and spaces where the user holds each role, to the user', async () => {
    const token = w.tokenFor(bob);
    const get = async (list: string): Promise<string[]> => {
      const res = await request(w.app).get(`/v2/users/${bob.guid}/${list}`).set(bearer(token));
      expectCfJson(res, 200);
      const resources: { metadata: { guid: string } }[] = res.body.resources;
      return resources.map((r) => r.metadata.guid);
    };

    expect(await get('organizations')).toEqual([orgGuid]);
    expect(await get('managed_organizations')).toEqual([orgGuid]);
    expect(await get('audited_organizations')).toEqual([]);
    expect(await get('spaces')).toEqual([spaceGuid]);
    expect(await get('managed_spaces')).toEqual([spaceGuid]);
    expect(await get('audited_spaces')).toEqual([]);
  });

  it("another user's lists answer 403 10003", async () => {
    const res = await request(w.app)
      .get(`/v2/users/${bob.guid}/organizations`)
      .set(bearer(outsiderToken));

    expectCfError(res, 403, NOT_AUTHORIZED);
  });

  it('an unknown user answers 404 CF-UserNotFound', async () => {
    const res = await request(w.app).get('/v2/users/nope/spaces').set(bearer(w.adminToken));

    expectCfError(res, 404, userNotFound('nope'));
  });
});
