import request from 'supertest';
import {
  badQueryParameter,
  expectCfError,
  expectCfJson,
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
  GUID,
} from '../../support/orgs';
import { bearer, CORE_TABLES, snapshot, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import type { User } from '../../../src/auth/types';

const RW = ['cloud_controller.read', 'cloud_controller.write'];

function spaceResource(
  guid: string,
  orgGuid: string,
  fields: Record<string, unknown> = {},
): Record<string, unknown> {
  const url = `/v2/spaces/${guid}`;
  return {
    metadata: {
      guid,
      url,
      created_at: expect.stringMatching(CF_TIMESTAMP),
      updated_at: expect.stringMatching(CF_TIMESTAMP),
    },
    entity: {
      name: expect.any(String),
      organization_guid: orgGuid,
      space_quota_definition_guid: null,
      isolation_segment_guid: null,
      allow_ssh: true,
      organization_url: `/v2/organizations/${orgGuid}`,
      developers_url: `${url}/developers`,
      managers_url: `${url}/managers`,
      auditors_url: `${url}/auditors`,
      services_url: `${url}/services`,
      service_instances_url: `${url}/service_instances`,
      ...fields,
    },
  };
}

function names(body: { resources: { entity: { name: string } }[] }): string[] {
  return body.resources.map((r) => r.entity.name);
}

function guids(body: { resources: { metadata: { guid: string } }[] }): string[] {
  return body.resources.map((r) => r.metadata.guid);
}

const spaceNotFound = (
  guid: string,
): { description: string; error_code: string; code: number } => ({
  description: `The app space could not be found: ${guid}`,
  error_code: 'CF-SpaceNotFound',
  code: 40004,
});

type Actor = { user: User; token: string };

describe('/v2/spaces', () => {
  let w: TestWharf;
  let orgManager: Actor;
  let spaceManager: Actor;
  let developer: Actor;
  let auditor: Actor;
  let orgUser: Actor;
  let outsider: Actor;
  let adminReadOnly: Actor;
  let org: string;
  let otherOrg: string;
  let dev: string;
  let prod: string;
  let elsewhere: string;
  beforeAll(async () => {
    w = await startTestWharf();
    orgManager = await w.userWithToken('org-manager', RW);
    spaceManager = await w.userWithToken('space-manager', RW);
    developer = await w.userWithToken('developer', RW);
    auditor = await w.userWithToken('space-auditor', RW);
    orgUser = await w.userWithToken('org-user', RW);
    outsider = await w.userWithToken('outsider', RW);
    adminReadOnly = await w.userWithToken('aro', ['cloud_controller.admin_read_only']);
    org = await createOrg(w, 'org');
    otherOrg = await createOrg(w, 'other-org');
    dev = await createSpace(w, org, 'dev');
    prod = await createSpace(w, org, 'prod');
    elsewhere = await createSpace(w, otherOrg, 'elsewhere');
    await grantOrgRole(w, org, 'managers', orgManager.user.guid);
    for (const a of [spaceManager, developer, auditor, orgUser])
      await grantOrgRole(w, org, 'users', a.user.guid);
    await grantSpaceRole(w, dev, 'managers', spaceManager.user.guid);
    await grantSpaceRole(w, dev, 'developers', developer.user.guid);
    await grantSpaceRole(w, dev, 'auditors', auditor.user.guid);
  });
  afterAll(async () => {
    await w.stop();
  });

  describe('POST /v2/spaces', () => {
    it('when an admin creates a space, answers 201 with the whole envelope and Location', async () => {
      const res = await request(w.app)
        .post('/v2/spaces')
        .set(bearer(w.adminToken))
        .send({ name: 'created', organization_guid: org });
      expectCfJson(res, 201);
      const guid = String(res.body.metadata.guid);
      expect(guid).toMatch(GUID);
      expect(res.headers.location).toBe(`/v2/spaces/${guid}`);
      expect(res.body).toEqual(spaceResource(guid, org, { name: 'created' }));
      const read = await request(w.app).get(`/v2/spaces/${guid}`).set(bearer(w.adminToken));
      expect(read.body).toEqual(res.body);
    });

    it('when allow_ssh is false, answers it back', async () => {
      const res = await request(w.app)
        .post('/v2/spaces')
        .set(bearer(w.adminToken))
        .send({ name: 'no-ssh', organization_guid: org, allow_ssh: false });
      expect(res.body).toEqual(
        spaceResource(res.body.metadata.guid, org, { name: 'no-ssh', allow_ssh: false }),
      );
    });

    it('when an org manager creates a space in their organization, answers 201', async () => {
      const res = await request(w.app)
        .post('/v2/spaces')
        .set(bearer(orgManager.token))
        .send({ name: 'by-manager', organization_guid: org });
      expectCfJson(res, 201);
    });

    it('when the same name exists in another organization, answers 201 (unique per organization)', async () => {
      const third = await createOrg(w, 'third-org');
      const res = await request(w.app)
        .post('/v2/spaces')
        .set(bearer(w.adminToken))
        .send({ name: 'dev', organization_guid: third });
      expectCfJson(res, 201);
    });

    it('when the name is taken in the organization, answers 400 40002 and creates nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .post('/v2/spaces')
        .set(bearer(w.adminToken))
        .send({ name: 'prod', organization_guid: org });
      expectCfError(res, 400, {
        description: 'The app space name is taken: prod',
        error_code: 'CF-SpaceNameTaken',
        code: 40002,
      });
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it.each<[string, () => Actor]>([
      ['a space manager', () => spaceManager],
      ['a developer', () => developer],
      ['an org user', () => orgUser],
      ['a user without roles', () => outsider],
    ])('when %s creates a space, answers 403 10003 and creates nothing', async (_name, actor) => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .post('/v2/spaces')
        .set(bearer(actor().token))
        .send({ name: 'sneaky', organization_guid: org });
      expectCfError(res, 403, NOT_AUTHORIZED);
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the organization does not exist, answers 400 1002 and creates nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .post('/v2/spaces')
        .set(bearer(w.adminToken))
        .send({ name: 'orphan', organization_guid: 'no-org' });
      expectCfError(res, 400, {
        description: 'Could not find Organization with guid: no-org',
        error_code: 'CF-InvalidRelation',
        code: 1002,
      });
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it.each<[string, string, string]>([
      [
        'no organization_guid',
        '{"name":"x"}',
        'Field: organization_guid, Error: Missing field organization_guid',
      ],
      [
        'neither field',
        '{}',
        'Field: name, Error: Missing field name; Field: organization_guid, Error: Missing field organization_guid',
      ],
      [
        'a string allow_ssh',
        `{"name":"x","organization_guid":"o","allow_ssh":"yes"}`,
        'Field: allow_ssh, Error: Expected boolean, received string',
      ],
    ])(
      'when the body has %s, answers 400 1001 naming every bad field and creates nothing',
      async (_name, body, detail) => {
        const before = await snapshot(w.knex, CORE_TABLES);
        const res = await request(w.app)
          .post('/v2/spaces')
          .set(bearer(w.adminToken))
          .set('Content-Type', 'application/x-www-form-urlencoded')
          .send(body);
        expectCfError(res, 400, messageParseError(detail));
        expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
      },
    );

    it('when the body is invalid JSON, answers 400 1001 and creates nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .post('/v2/spaces')
        .set(bearer(w.adminToken))
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('name=x&organization_guid=y');
      expect({ status: res.status, code: res.body.code, error_code: res.body.error_code }).toEqual({
        status: 400,
        code: 1001,
        error_code: 'CF-MessageParseError',
      });
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });
  });

  describe('GET /v2/spaces', () => {
    it.each<[string, () => string, string[]]>([
      ['an admin', () => w.adminToken, ['dev', 'prod', 'elsewhere']],
      ['an admin_read_only token', () => adminReadOnly.token, ['dev', 'prod', 'elsewhere']],
      ['an org manager (every space of the org)', () => orgManager.token, ['dev', 'prod']],
      ['a space manager', () => spaceManager.token, ['dev']],
      ['a developer', () => developer.token, ['dev']],
      ['a space auditor', () => auditor.token, ['dev']],
      ['an org user without space roles', () => orgUser.token, []],
      ['a user without roles', () => outsider.token, []],
    ])('when %s lists, answers only the visible spaces', async (_name, token, expected) => {
      const res = await request(w.app)
        .get(
          `/v2/spaces?q=name%20IN%20dev,prod,elsewhere&q=organization_guid%20IN%20${org},${otherOrg}`,
        )
        .set(bearer(token()));
      expectCfJson(res, 200);
      expect(names(res.body)).toEqual(expected);
    });

    it('matches names case-insensitively as CC does (the cf CLI sends them lower-cased)', async () => {
      const res = await request(w.app)
        .get(`/v2/spaces?q=organization_guid:${otherOrg}&q=name:ElseWhere`)
        .set(bearer(w.adminToken));
      expectCfJson(res, 200);
      expect(names(res.body)).toEqual(['elsewhere']);
    });

    it('answers the whole list envelope', async () => {
      const res = await request(w.app)
        .get(`/v2/spaces?q=organization_guid:${otherOrg}&q=name:elsewhere`)
        .set(bearer(w.adminToken));
      expect(res.body).toEqual({
        total_results: 1,
        total_pages: 1,
        prev_url: null,
        next_url: null,
        resources: [spaceResource(elsewhere, otherOrg, { name: 'elsewhere' })],
      });
    });

    it.each<[string, () => string, () => string[]]>([
      ['name', () => 'q=name:prod', () => [prod]],
      [
        'organization_guid',
        () => `q=organization_guid:${otherOrg}&q=name:elsewhere`,
        () => [elsewhere],
      ],
      [
        'organization_guid IN',
        () => `q=organization_guid%20IN%20${org},${otherOrg}&q=name%20IN%20dev,elsewhere`,
        () => [dev, elsewhere],
      ],
      ['developer_guid', () => `q=developer_guid:${developer.user.guid}`, () => [dev]],
      ['manager_guid', () => `q=manager_guid:${spaceManager.user.guid}`, () => [dev]],
      ['auditor_guid', () => `q=auditor_guid:${auditor.user.guid}`, () => [dev]],
      ['a role the user lacks', () => `q=developer_guid:${auditor.user.guid}`, () => []],
      ['; joined', () => `q=organization_guid:${org};name:prod`, () => [prod]],
    ])('when filtering on %s, answers the matching spaces', async (_name, query, expected) => {
      const res = await request(w.app).get(`/v2/spaces?${query()}`).set(bearer(w.adminToken));
      expectCfJson(res, 200);
      expect(guids(res.body)).toEqual(expected());
    });

    it.each<[string, string]>([
      ['an organization field spaces do not have', 'status'],
      ['a guid field of another resource', 'space_guid'],
    ])('when filtering on %s, answers 400 10005', async (_name, field) => {
      const res = await request(w.app).get(`/v2/spaces?q=${field}:x`).set(bearer(w.adminToken));
      expectCfError(res, 400, badQueryParameter(field));
    });

    describe('paging and ordering', () => {
      let pagedOrg: string;
      beforeAll(async () => {
        pagedOrg = await createOrg(w, 'paged');
        for (const name of ['s3', 's1', 's4', 's2']) await createSpace(w, pagedOrg, name);
      });

      it('when following next_url, visits every page with the filter kept', async () => {
        const first = `/v2/spaces?q=organization_guid:${pagedOrg}&results-per-page=3`;
        const { urls, pages } = await followPages(w, w.adminToken, first);
        expect(urls).toEqual([
          first,
          `/v2/spaces?order-direction=asc&page=2&q=organization_guid%3A${pagedOrg}&results-per-page=3`,
        ]);
        expect(pages.flatMap((p) => names(p))).toEqual(['s3', 's1', 's4', 's2']);
        expect(pages.map((p) => p.total_pages)).toEqual([2, 2]);
      });

      it.each<[string, string[]]>([
        ['order-by=name', ['s1', 's2', 's3', 's4']],
        ['order-by=name&order-direction=desc', ['s4', 's3', 's2', 's1']],
        ['order-direction=desc', ['s2', 's4', 's1', 's3']],
      ])('when %s, answers in that order', async (query, expected) => {
        const res = await request(w.app)
          .get(`/v2/spaces?q=organization_guid:${pagedOrg}&${query}`)
          .set(bearer(w.adminToken));
        expect(names(res.body)).toEqual(expected);
      });

      it('when order-by names a field outside the allowlist, answers 400 10012', async () => {
        const res = await request(w.app)
          .get('/v2/spaces?order-by=organization_guid')
          .set(bearer(w.adminToken));
        expectCfError(res, 400, {
          description: 'Cannot order by: organization_guid',
          error_code: 'CF-OrderByParameterInvalid',
          code: 10012,
        });
      });
    });
  });

  describe('GET /v2/spaces/:guid', () => {
    it.each<[string, () => string]>([
      ['an admin', () => w.adminToken],
      ['an org manager', () => orgManager.token],
      ['a space manager', () => spaceManager.token],
      ['a developer', () => developer.token],
      ['a space auditor', () => auditor.token],
    ])('when %s reads it, answers 200 with the whole envelope', async (_name, token) => {
      const res = await request(w.app).get(`/v2/spaces/${dev}`).set(bearer(token()));
      expectCfJson(res, 200);
      expect(res.body).toEqual(spaceResource(dev, org, { name: 'dev' }));
    });

    it.each<[string, () => string]>([
      ['an org user without a space role', () => orgUser.token],
      ['a user without roles', () => outsider.token],
    ])('when %s reads it, answers 403 10003', async (_name, token) => {
      expectCfError(
        await request(w.app).get(`/v2/spaces/${dev}`).set(bearer(token())),
        403,
        NOT_AUTHORIZED,
      );
    });

    it('when the guid is unknown, answers 404 40004', async () => {
      expectCfError(
        await request(w.app).get('/v2/spaces/nope').set(bearer(w.adminToken)),
        404,
        spaceNotFound('nope'),
      );
    });
  });

  describe('PUT /v2/spaces/:guid', () => {
    let space: string;
    beforeEach(async () => {
      space = await createSpace(w, org, `put-${Date.now()}-${Math.random()}`);
      await grantSpaceRole(w, space, 'managers', spaceManager.user.guid);
      await grantSpaceRole(w, space, 'developers', developer.user.guid);
    });

    it.each<[string, () => string]>([
      ['an admin', () => w.adminToken],
      ['an org manager', () => orgManager.token],
      ['a space manager', () => spaceManager.token],
    ])(
      'when %s renames it and turns off ssh, answers 201 with the new entity',
      async (_name, token) => {
        const res = await request(w.app)
          .put(`/v2/spaces/${space}`)
          .set(bearer(token()))
          .send({ name: `renamed-${space}`, allow_ssh: false });
        expectCfJson(res, 201);
        expect(res.body).toEqual(
          spaceResource(space, org, { name: `renamed-${space}`, allow_ssh: false }),
        );
      },
    );

    it.each<[string, () => string]>([
      ['a developer', () => developer.token],
      ['an org user', () => orgUser.token],
      ['a user without roles', () => outsider.token],
    ])('when %s renames it, answers 403 10003 and changes nothing', async (_name, token) => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .put(`/v2/spaces/${space}`)
        .set(bearer(token()))
        .send({ name: 'mine' });
      expectCfError(res, 403, NOT_AUTHORIZED);
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the new name is taken in the organization, answers 400 40002 and changes nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .put(`/v2/spaces/${space}`)
        .set(bearer(w.adminToken))
        .send({ name: 'dev' });
      expectCfError(res, 400, {
        description: 'The app space name is taken: dev',
        error_code: 'CF-SpaceNameTaken',
        code: 40002,
      });
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the body is invalid, answers 400 1001 and changes nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .put(`/v2/spaces/${space}`)
        .set(bearer(w.adminToken))
        .send({ name: '' });
      expectCfError(res, 400, messageParseError('Field: name, Error: name can not be blank'));
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the guid is unknown, answers 404 40004', async () => {
      const res = await request(w.app)
        .put('/v2/spaces/nope')
        .set(bearer(w.adminToken))
        .send({ name: 'x' });
      expectCfError(res, 404, spaceNotFound('nope'));
    });
  });

  describe('DELETE /v2/spaces/:guid', () => {
    it.each<[string, () => string]>([
      ['an admin', () => w.adminToken],
      ['an org manager', () => orgManager.token],
    ])('when %s deletes it, answers 204 and it is gone with its roles', async (_name, token) => {
      const space = await createSpace(w, org, `doomed-${Math.random()}`);
      await grantSpaceRole(w, space, 'developers', developer.user.guid);
      const spaceId = (await w.knex('spaces').where({ guid: space }).first('id'))?.id;
      const res = await request(w.app).delete(`/v2/spaces/${space}`).set(bearer(token()));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect({
        space: await w.knex('spaces').where({ id: spaceId }),
        roles: await w.knex('space_roles').where({ space_id: spaceId }),
      }).toEqual({ space: [], roles: [] });
      expectCfError(
        await request(w.app).get(`/v2/spaces/${space}`).set(bearer(w.adminToken)),
        404,
        spaceNotFound(space),
      );
    });

    it.each<[string, () => string]>([
      ['a space manager', () => spaceManager.token],
      ['a developer', () => developer.token],
      ['a user without roles', () => outsider.token],
    ])('when %s deletes it, answers 403 10003 and deletes nothing', async (_name, token) => {
      const before = await snapshot(w.knex, CORE_TABLES);
      expectCfError(
        await request(w.app).delete(`/v2/spaces/${dev}`).set(bearer(token())),
        403,
        NOT_AUTHORIZED,
      );
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the guid is unknown, answers 404 40004', async () => {
      expectCfError(
        await request(w.app).delete('/v2/spaces/nope').set(bearer(w.adminToken)),
        404,
        spaceNotFound('nope'),
      );
    });
  });

  describe('space roles', () => {
    let space: string;
    let target: Actor;
    beforeAll(async () => {
      space = await createSpace(w, org, 'roles-space');
      await grantSpaceRole(w, space, 'managers', spaceManager.user.guid);
      await grantSpaceRole(w, space, 'developers', developer.user.guid);
      target = await w.userWithToken('target', RW);
      await grantOrgRole(w, org, 'users', target.user.guid);
    });
    afterEach(async () => {
      for (const role of ['developers', 'managers', 'auditors']) {
        await request(w.app)
          .delete(`/v2/spaces/${space}/${role}/${target.user.guid}`)
          .set(bearer(w.adminToken));
      }
    });

    it.each(['developers', 'managers', 'auditors'])(
      'when an admin PUTs an org member as %s, answers 201 with the space and lists the user there',
      async (role) => {
        const res = await request(w.app)
          .put(`/v2/spaces/${space}/${role}/${target.user.guid}`)
          .set(bearer(w.adminToken));
        expectCfJson(res, 201);
        expect(res.body).toEqual(spaceResource(space, org, { name: 'roles-space' }));
        const list = await request(w.app)
          .get(`/v2/spaces/${space}/${role}`)
          .set(bearer(w.adminToken));
        expectCfJson(list, 200);
        expect(guids(list.body)).toContain(target.user.guid);
        const seen = await request(w.app).get(`/v2/spaces/${space}`).set(bearer(target.token));
        expectCfJson(seen, 200);
      },
    );

    it('when the developers are listed, answers the whole list envelope of users', async () => {
      const res = await request(w.app)
        .get(`/v2/spaces/${space}/developers`)
        .set(bearer(developer.token));
      expect(res.body).toEqual({
        total_results: 1,
        total_pages: 1,
        prev_url: null,
        next_url: null,
        resources: [
          {
            metadata: {
              guid: developer.user.guid,
              url: `/v2/users/${developer.user.guid}`,
              created_at: expect.stringMatching(CF_TIMESTAMP),
              updated_at: expect.stringMatching(CF_TIMESTAMP),
            },
            entity: expect.objectContaining({ admin: false, active: true, username: 'developer' }),
          },
        ],
      });
    });

    it.each<[string, () => string]>([
      ['a space manager', () => spaceManager.token],
      ['an org manager', () => orgManager.token],
    ])('when %s grants and revokes a role, answers 201 then 204', async (_name, token) => {
      const put = await request(w.app)
        .put(`/v2/spaces/${space}/auditors/${target.user.guid}`)
        .set(bearer(token()));
      expect(put.status).toBe(201);
      const del = await request(w.app)
        .delete(`/v2/spaces/${space}/auditors/${target.user.guid}`)
        .set(bearer(token()));
      expect(del.status).toBe(204);
      const list = await request(w.app)
        .get(`/v2/spaces/${space}/auditors`)
        .set(bearer(w.adminToken));
      expect(guids(list.body)).not.toContain(target.user.guid);
    });

    it('when a role is removed, the user loses sight of the space', async () => {
      await grantSpaceRole(w, space, 'developers', target.user.guid);
      expectCfJson(await request(w.app).get(`/v2/spaces/${space}`).set(bearer(target.token)), 200);
      await request(w.app)
        .delete(`/v2/spaces/${space}/developers/${target.user.guid}`)
        .set(bearer(w.adminToken));
      expectCfError(
        await request(w.app).get(`/v2/spaces/${space}`).set(bearer(target.token)),
        403,
        NOT_AUTHORIZED,
      );
    });

    it.each<[string, () => string]>([
      ['a developer', () => developer.token],
      ['an org user', () => orgUser.token],
    ])('when %s grants a role, answers 403 10003 and changes nothing', async (_name, token) => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .put(`/v2/spaces/${space}/developers/${target.user.guid}`)
        .set(bearer(token()));
      expectCfError(res, 403, NOT_AUTHORIZED);
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the user is not a member of the organization, answers 400 1002 and changes nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .put(`/v2/spaces/${space}/developers/${outsider.user.guid}`)
        .set(bearer(w.adminToken));
      expectCfError(res, 400, {
        description: `User ${outsider.user.guid} is not a member of the space's organization`,
        error_code: 'CF-InvalidRelation',
        code: 1002,
      });
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the user is unknown, answers 400 1002 and changes nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .put(`/v2/spaces/${space}/managers/ghost`)
        .set(bearer(w.adminToken));
      expectCfError(res, 400, {
        description: 'Could not find User with guid: ghost',
        error_code: 'CF-InvalidRelation',
        code: 1002,
      });
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when role holders are listed by someone who cannot see the space, answers 403 10003', async () => {
      const res = await request(w.app)
        .get(`/v2/spaces/${space}/developers`)
        .set(bearer(orgUser.token));
      expectCfError(res, 403, NOT_AUTHORIZED);
    });

    it('when the space is unknown, answers 404 40004', async () => {
      const res = await request(w.app)
        .put(`/v2/spaces/nope/developers/${target.user.guid}`)
        .set(bearer(w.adminToken));
      expectCfError(res, 404, spaceNotFound('nope'));
    });
  });
});
