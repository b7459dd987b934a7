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

/** Every organization uses the one default quota definition (read in beforeAll). */
let defaultQuotaGuid = '';

function orgEntity(guid: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  const url = `/v2/organizations/${guid}`;
  return {
    name: expect.any(String),
    billing_enabled: false,
    quota_definition_guid: defaultQuotaGuid,
    quota_definition_url: `/v2/quota_definitions/${defaultQuotaGuid}`,
    status: 'active',
    default_isolation_segment_guid: null,
    spaces_url: `${url}/spaces`,
    users_url: `${url}/users`,
    managers_url: `${url}/managers`,
    billing_managers_url: `${url}/billing_managers`,
    auditors_url: `${url}/auditors`,
    ...fields,
  };
}

function orgResource(guid: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    metadata: {
      guid,
      url: `/v2/organizations/${guid}`,
      created_at: expect.stringMatching(CF_TIMESTAMP),
      updated_at: expect.stringMatching(CF_TIMESTAMP),
    },
    entity: orgEntity(guid, fields),
  };
}

function names(body: { resources: { entity: { name: string } }[] }): string[] {
  return body.resources.map((r) => r.entity.name);
}

const orgNotFound = (guid: string): { description: string; error_code: string; code: number } => ({
  description: `The organization could not be found: ${guid}`,
  error_code: 'CF-OrganizationNotFound',
  code: 30003,
});

describe('/v2/organizations', () => {
  let w: TestWharf;
  let manager: { user: User; token: string };
  let member: { user: User; token: string };
  let outsider: { user: User; token: string };
  let adminReadOnly: { user: User; token: string };
  let globalAuditor: { user: User; token: string };
  let acme: string;
  let other: string;
  beforeAll(async () => {
    w = await startTestWharf();
    defaultQuotaGuid = String(
      (await w.knex('quota_definitions').where({ name: 'default' }).first()).guid,
    );
    manager = await w.userWithToken('manager', RW);
    member = await w.userWithToken('member', RW);
    outsider = await w.userWithToken('outsider', RW);
    adminReadOnly = await w.userWithToken('aro', ['cloud_controller.admin_read_only']);
    globalAuditor = await w.userWithToken('auditor', ['cloud_controller.global_auditor']);
    acme = await createOrg(w, 'acme');
    other = await createOrg(w, 'other');
    await grantOrgRole(w, acme, 'managers', manager.user.guid);
    await grantOrgRole(w, acme, 'users', member.user.guid);
  });
  afterAll(async () => {
    await w.stop();
  });

  describe('POST /v2/organizations', () => {
    it('when an admin creates an organization, answers 201 with the whole envelope and Location', async () => {
      const before = (await w.knex('organizations').count({ n: '*' }))[0];
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(w.adminToken))
        .send({ name: 'created-1' });
      expectCfJson(res, 201);
      const guid = String(res.body.metadata.guid);
      expect(guid).toMatch(GUID);
      expect(res.headers.location).toBe(`/v2/organizations/${guid}`);
      expect(res.body).toEqual(orgResource(guid, { name: 'created-1' }));
      expect(res.body.metadata.created_at).toBe(res.body.metadata.updated_at);
      const after = (await w.knex('organizations').count({ n: '*' }))[0];
      expect(Number(after?.n)).toBe(Number(before?.n) + 1);
      const read = await request(w.app).get(`/v2/organizations/${guid}`).set(bearer(w.adminToken));
      expect(read.body).toEqual(res.body);
    });

    it('when status and billing_enabled are given, answers them back', async () => {
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(w.adminToken))
        .send({ name: 'created-2', status: 'suspended', billing_enabled: true });
      expectCfJson(res, 201);
      expect(res.body.entity).toEqual(
        orgEntity(res.body.metadata.guid, {
          name: 'created-2',
          status: 'suspended',
          billing_enabled: true,
        }),
      );
    });

    it('when the body is JSON labelled application/x-www-form-urlencoded (cf-nodejs-client), accepts it', async () => {
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(w.adminToken))
        .set('Content-Type', 'application/x-www-form-urlencoded')
        .send('{"name":"form-labelled"}');
      expectCfJson(res, 201);
      expect(res.body.entity.name).toBe('form-labelled');
    });

    it('when the body has no Content-Type at all, still parses it as JSON', async () => {
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(w.adminToken))
        .set('Content-Type', '')
        .send('{"name":"no-content-type"}');
      expectCfJson(res, 201);
      expect(res.body.entity.name).toBe('no-content-type');
    });

    it('when the body has unknown keys and null values, ignores them', async () => {
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(w.adminToken))
        .send({ name: 'lenient', colour: 'blue', status: null, quota_definition_guid: 'q' });
      expectCfJson(res, 201);
      expect(res.body.entity).toEqual(orgEntity(res.body.metadata.guid, { name: 'lenient' }));
    });

    it('when the name is taken, answers 400 30002 and creates nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(w.adminToken))
        .send({ name: 'acme' });
      expectCfError(res, 400, {
        description: 'The organization name is taken: acme',
        error_code: 'CF-OrganizationNameTaken',
        code: 30002,
      });
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it.each<[string, string, string]>([
      ['no name', '{}', 'Field: name, Error: Missing field name'],
      ['a null name', '{"name":null}', 'Field: name, Error: Missing field name'],
      ['a blank name', '{"name":"   "}', 'Field: name, Error: name can not be blank'],
      ['a numeric name', '{"name":7}', 'Field: name, Error: Expected string, received number'],
      ['an empty body', '', 'request body must be a JSON object'],
      ['a JSON array', '[{"name":"x"}]', 'request body must be a JSON object'],
      ['a JSON string', '"x"', 'request body must be a JSON object'],
    ])(
      'when the body has %s, answers 400 1001 and creates nothing',
      async (_name, body, detail) => {
        const before = await snapshot(w.knex, CORE_TABLES);
        const res = await request(w.app)
          .post('/v2/organizations')
          .set(bearer(w.adminToken))
          .set('Content-Type', 'application/json')
          .send(body);
        expectCfError(res, 400, messageParseError(detail));
        expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
      },
    );

    it('when the body is invalid JSON, answers 400 1001 naming the parse error and creates nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(w.adminToken))
        .set('Content-Type', 'application/json')
        .send('{"name": "broken"');
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
      expect(res.body).toEqual({
        description: expect.stringMatching(/^Request invalid due to parse error: .*JSON/),
        error_code: 'CF-MessageParseError',
        code: 1001,
      });
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the body is larger than 1 MiB, answers 400 1001 and creates nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(w.adminToken))
        .send({ name: 'huge', padding: 'x'.repeat(1024 * 1024) });
      expectCfError(res, 400, messageParseError('request body larger than 1048576 bytes'));
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when an org manager (not admin) creates an organization, answers 403 10003 and creates nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(manager.token))
        .send({ name: 'mine' });
      expectCfError(res, 403, NOT_AUTHORIZED);
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });
  });

  describe('GET /v2/organizations', () => {
    it('when an admin lists, answers every organization in creation order in the list envelope', async () => {
      const res = await request(w.app)
        .get('/v2/organizations?q=name%20IN%20acme,other')
        .set(bearer(w.adminToken));
      expectCfJson(res, 200);
      expect(res.body).toEqual({
        total_results: 2,
        total_pages: 1,
        prev_url: null,
        next_url: null,
        resources: [orgResource(acme, { name: 'acme' }), orgResource(other, { name: 'other' })],
      });
    });

    it.each([
      ['q=name:ACME', 'name:ACME'],
      ['q=name IN Acme,OTHER', 'name IN Acme,OTHER'],
    ])(
      'matches names case-insensitively as CC does (the cf CLI sends them lower-cased): %s',
      async (_label, q) => {
        const res = await request(w.app)
          .get('/v2/organizations')
          .query({ q })
          .set(bearer(w.adminToken));
        expectCfJson(res, 200);
        expect(names(res.body).filter((n) => n === 'acme' || n === 'other')).toEqual(
          q.includes('OTHER') ? ['acme', 'other'] : ['acme'],
        );
      },
    );

    it.each<[string, () => string, string[]]>([
      ['an org manager', () => manager.token, ['acme']],
      ['an org user', () => member.token, ['acme']],
      ['a user without roles', () => outsider.token, []],
    ])(
      'when %s lists, answers only the organizations they belong to',
      async (_name, token, expected) => {
        const res = await request(w.app).get('/v2/organizations').set(bearer(token()));
        expectCfJson(res, 200);
        expect({ total: res.body.total_results, names: names(res.body) }).toEqual({
          total: expected.length,
          names: expected,
        });
      },
    );

    it('when nobody visible matches, answers an empty list with total_pages 1', async () => {
      const res = await request(w.app).get('/v2/organizations').set(bearer(outsider.token));
      expect(res.body).toEqual({
        total_results: 0,
        total_pages: 1,
        prev_url: null,
        next_url: null,
        resources: [],
      });
    });

    it.each<[string, () => string]>([
      ['admin_read_only', () => adminReadOnly.token],
      ['global_auditor', () => globalAuditor.token],
    ])('when a %s token lists, answers every organization', async (_name, token) => {
      const res = await request(w.app)
        .get('/v2/organizations?q=name%20IN%20acme,other')
        .set(bearer(token()));
      expectCfJson(res, 200);
      expect(names(res.body)).toEqual(['acme', 'other']);
    });

    describe('q filters', () => {
      let spaceInOther: string;
      beforeAll(async () => {
        spaceInOther = await createSpace(w, other, 'only-space');
        await grantOrgRole(w, other, 'auditors', outsider.user.guid);
        await grantOrgRole(w, other, 'billing_managers', member.user.guid);
        await createOrg(w, 'frozen', { status: 'suspended' });
      });
      afterAll(async () => {
        await request(w.app)
          .delete(`/v2/organizations/${other}/users/${outsider.user.guid}`)
          .set(bearer(w.adminToken));
        await request(w.app)
          .delete(`/v2/organizations/${other}/users/${member.user.guid}`)
          .set(bearer(w.adminToken));
      });

      it.each<[string, () => string, string[]]>([
        ['name equality', () => 'q=name:acme', ['acme']],
        ['name IN', () => 'q=name%20IN%20other,acme,nope', ['acme', 'other']],
        ['name >=', () => 'q=name>=other&q=name<=other~', ['other']],
        ['name < and > together', () => 'q=name>a&q=name<b', ['acme']],
        ['status', () => 'q=status:suspended', ['created-2', 'frozen']],
        ['space_guid', () => `q=space_guid:${spaceInOther}`, ['other']],
        ['manager_guid', () => `q=manager_guid:${manager.user.guid}`, ['acme']],
        ['user_guid (managers are users too)', () => `q=user_guid:${manager.user.guid}`, ['acme']],
        ['auditor_guid', () => `q=auditor_guid:${outsider.user.guid}`, ['other']],
        ['billing_manager_guid', () => `q=billing_manager_guid:${member.user.guid}`, ['other']],
        [
          'user_guid IN',
          () => `q=user_guid%20IN%20${member.user.guid},${outsider.user.guid}`,
          ['acme', 'other'],
        ],
        ['repeated q, AND-ed', () => `q=user_guid:${member.user.guid}&q=name:other`, ['other']],
        ['; joined q, AND-ed', () => `q=user_guid:${member.user.guid};name:acme`, ['acme']],
        ['a value nobody has', () => 'q=name:nobody', []],
      ])(
        'when filtering on %s, answers the matching organizations',
        async (_name, query, expected) => {
          const res = await request(w.app)
            .get(`/v2/organizations?${query()}`)
            .set(bearer(w.adminToken));
          expectCfJson(res, 200);
          expect(names(res.body)).toEqual(expected);
        },
      );

      it('when a non-admin filters, the filter narrows only what they can see', async () => {
        const res = await request(w.app)
          .get('/v2/organizations?q=name%20IN%20acme,other')
          .set(bearer(manager.token));
        expect(names(res.body)).toEqual(['acme']);
      });
    });

    describe('paging and ordering', () => {
      beforeAll(async () => {
        for (const name of ['p-c', 'p-a', 'p-e', 'p-b', 'p-d']) await createOrg(w, name);
      });
      const Q = 'q=name%20IN%20p-a,p-b,p-c,p-d,p-e';

      it('when results span pages, next_url and prev_url keep q and the page size, and lead through every page', async () => {
        const { urls, pages } = await followPages(
          w,
          w.adminToken,
          `/v2/organizations?${Q}&results-per-page=2`,
        );
        expect(urls).toEqual([
          `/v2/organizations?${Q}&results-per-page=2`,
          '/v2/organizations?order-direction=asc&page=2&q=name%20IN%20p-a%2Cp-b%2Cp-c%2Cp-d%2Cp-e&results-per-page=2',
          '/v2/organizations?order-direction=asc&page=3&q=name%20IN%20p-a%2Cp-b%2Cp-c%2Cp-d%2Cp-e&results-per-page=2',
        ]);
        expect(pages.map((p) => [p.total_results, p.total_pages])).toEqual([
          [5, 3],
          [5, 3],
          [5, 3],
        ]);
        expect(pages.flatMap((p) => names(p))).toEqual(['p-c', 'p-a', 'p-e', 'p-b', 'p-d']);
        const last = await request(w.app)
          .get(urls[2] ?? '')
          .set(bearer(w.adminToken));
        expect(last.body.prev_url).toBe(
          '/v2/organizations?order-direction=asc&page=2&q=name%20IN%20p-a%2Cp-b%2Cp-c%2Cp-d%2Cp-e&results-per-page=2',
        );
      });

      it('when order-direction=desc, answers newest first', async () => {
        const res = await request(w.app)
          .get(`/v2/organizations?${Q}&order-direction=desc`)
          .set(bearer(w.adminToken));
        expect(names(res.body)).toEqual(['p-d', 'p-b', 'p-e', 'p-a', 'p-c']);
      });

      it.each<[string, string[]]>([
        ['asc', ['p-a', 'p-b', 'p-c', 'p-d', 'p-e']],
        ['desc', ['p-e', 'p-d', 'p-c', 'p-b', 'p-a']],
      ])(
        'when order-by=name and order-direction=%s, answers by name',
        async (direction, expected) => {
          const res = await request(w.app)
            .get(`/v2/organizations?${Q}&order-by=name&order-direction=${direction}`)
            .set(bearer(w.adminToken));
          expectCfJson(res, 200);
          expect(names(res.body)).toEqual(expected);
        },
      );

      it('when ordered by name across pages, next_url keeps order-by', async () => {
        const { urls, pages } = await followPages(
          w,
          w.adminToken,
          `/v2/organizations?${Q}&order-by=name&results-per-page=3`,
        );
        expect(urls[1]).toBe(
          '/v2/organizations?order-by=name&order-direction=asc&page=2&q=name%20IN%20p-a%2Cp-b%2Cp-c%2Cp-d%2Cp-e&results-per-page=3',
        );
        expect(pages.flatMap((p) => names(p))).toEqual(['p-a', 'p-b', 'p-c', 'p-d', 'p-e']);
      });

      it('when the page is past the end, answers no resources but the real totals', async () => {
        const res = await request(w.app)
          .get(`/v2/organizations?${Q}&results-per-page=2&page=9`)
          .set(bearer(w.adminToken));
        expect({ ...res.body, prev_url: res.body.prev_url }).toEqual({
          total_results: 5,
          total_pages: 3,
          prev_url:
            '/v2/organizations?order-direction=asc&page=8&q=name%20IN%20p-a%2Cp-b%2Cp-c%2Cp-d%2Cp-e&results-per-page=2',
          next_url: null,
          resources: [],
        });
      });
    });

    it.each<[string, string, number, { description: string; error_code: string; code: number }]>([
      ['an unknown q field', 'q=label:x', 400, badQueryParameter('label')],
      ['a q without operator', 'q=name', 400, badQueryParameter('name')],
      [
        'results-per-page over 100',
        'results-per-page=101',
        400,
        badQueryParameter('results_per_page must be <= 100'),
      ],
      ['a non-integer page', 'page=abc', 400, badQueryParameter('page must be an integer')],
      [
        'a page beyond 2^53',
        'page=99999999999999999999',
        400,
        badQueryParameter('page must be <= 9007199254740991'),
      ],
      [
        'a bad order-direction',
        'order-direction=sideways',
        400,
        badQueryParameter("order_direction must be 'asc' or 'desc' but was 'sideways'"),
      ],
      [
        'inline-relations-depth 3',
        'inline-relations-depth=3',
        400,
        badQueryParameter('inline_relations_depth must be <= 2'),
      ],
      [
        'an order-by outside the allowlist',
        'order-by=created_at',
        400,
        {
          description: 'Cannot order by: created_at',
          error_code: 'CF-OrderByParameterInvalid',
          code: 10012,
        },
      ],
    ])('when the query has %s, answers the CF error', async (_name, query, status, body) => {
      const res = await request(w.app).get(`/v2/organizations?${query}`).set(bearer(w.adminToken));
      expectCfError(res, status, body);
    });
  });

  describe('GET /v2/organizations/:guid', () => {
    it.each<[string, () => string]>([
      ['an admin', () => w.adminToken],
      ['an org manager', () => manager.token],
      ['an org user', () => member.token],
      ['an admin_read_only token', () => adminReadOnly.token],
    ])('when %s reads it, answers 200 with the whole envelope', async (_name, token) => {
      const res = await request(w.app).get(`/v2/organizations/${acme}`).set(bearer(token()));
      expectCfJson(res, 200);
      expect(res.body).toEqual(orgResource(acme, { name: 'acme' }));
    });

    it('when a user without a role reads it, answers 403 10003', async () => {
      const res = await request(w.app).get(`/v2/organizations/${acme}`).set(bearer(outsider.token));
      expectCfError(res, 403, NOT_AUTHORIZED);
    });

    it('when the guid is unknown, answers 404 30003', async () => {
      const res = await request(w.app)
        .get('/v2/organizations/no-such-guid')
        .set(bearer(w.adminToken));
      expectCfError(res, 404, orgNotFound('no-such-guid'));
    });
  });

  describe('PUT /v2/organizations/:guid', () => {
    let org: string;
    beforeEach(async () => {
      org = await createOrg(w, `put-${Date.now()}-${Math.random()}`);
      await grantOrgRole(w, org, 'managers', manager.user.guid);
      await grantOrgRole(w, org, 'users', member.user.guid);
    });

    it('when an admin renames it, answers 201 with the new name and status changes applied', async () => {
      const res = await request(w.app)
        .put(`/v2/organizations/${org}`)
        .set(bearer(w.adminToken))
        .send({ name: `renamed-${org}`, status: 'suspended', billing_enabled: true });
      expectCfJson(res, 201);
      expect(res.body).toEqual(
        orgResource(org, { name: `renamed-${org}`, status: 'suspended', billing_enabled: true }),
      );
      const read = await request(w.app).get(`/v2/organizations/${org}`).set(bearer(w.adminToken));
      expect(read.body.entity.name).toBe(`renamed-${org}`);
    });

    it('when an org manager renames it, answers 201', async () => {
      const res = await request(w.app)
        .put(`/v2/organizations/${org}`)
        .set(bearer(manager.token))
        .send({ name: `mgr-${org}` });
      expectCfJson(res, 201);
      expect(res.body.entity.name).toBe(`mgr-${org}`);
    });

    it.each<[string, Record<string, unknown>]>([
      ['reactivate or suspend it (status)', { status: 'suspended' }],
      ['turn on billing (billing_enabled)', { billing_enabled: true }],
    ])(
      'when an org manager tries to %s, answers 403 10003 and changes nothing',
      async (_name, body) => {
        const before = await snapshot(w.knex, CORE_TABLES);
        const res = await request(w.app)
          .put(`/v2/organizations/${org}`)
          .set(bearer(manager.token))
          .send(body);
        expectCfError(res, 403, NOT_AUTHORIZED);
        expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
      },
    );

    it('when an org manager renames a suspended organization, answers 403 10003 and changes nothing', async () => {
      await request(w.app)
        .put(`/v2/organizations/${org}`)
        .set(bearer(w.adminToken))
        .send({ status: 'suspended' });
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .put(`/v2/organizations/${org}`)
        .set(bearer(manager.token))
        .send({ name: `x-${org}` });
      expectCfError(res, 403, NOT_AUTHORIZED);
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it.each<[string, () => string]>([
      ['an org user', () => member.token],
      ['a user without roles', () => outsider.token],
    ])('when %s renames it, answers 403 10003 and changes nothing', async (_name, token) => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .put(`/v2/organizations/${org}`)
        .set(bearer(token()))
        .send({ name: 'taken-over' });
      expectCfError(res, 403, NOT_AUTHORIZED);
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the new name is taken, answers 400 30002 and changes nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .put(`/v2/organizations/${org}`)
        .set(bearer(w.adminToken))
        .send({ name: 'acme' });
      expectCfError(res, 400, {
        description: 'The organization name is taken: acme',
        error_code: 'CF-OrganizationNameTaken',
        code: 30002,
      });
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the body is invalid, answers 400 1001 and changes nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .put(`/v2/organizations/${org}`)
        .set(bearer(w.adminToken))
        .send({ status: 'frozen' });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(1001);
      expect(res.body.description).toMatch(
        /^Request invalid due to parse error: Field: status, Error: /,
      );
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the guid is unknown, answers 404 30003', async () => {
      const res = await request(w.app)
        .put('/v2/organizations/nope')
        .set(bearer(w.adminToken))
        .send({ name: 'x' });
      expectCfError(res, 404, orgNotFound('nope'));
    });
  });

  describe('DELETE /v2/organizations/:guid', () => {
    it('when an admin deletes an empty organization, answers 204 and it is gone with its roles', async () => {
      const org = await createOrg(w, 'doomed-empty');
      await grantOrgRole(w, org, 'managers', manager.user.guid);
      const orgId = (await w.knex('organizations').where({ guid: org }).first('id'))?.id;
      const res = await request(w.app).delete(`/v2/organizations/${org}`).set(bearer(w.adminToken));
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      expect(res.headers['x-vcap-request-id']).toBeDefined();
      expectCfError(
        await request(w.app).get(`/v2/organizations/${org}`).set(bearer(w.adminToken)),
        404,
        orgNotFound(org),
      );
      expect(await w.knex('organization_roles').where({ organization_id: orgId })).toEqual([]);
    });

    it('when the organization has spaces, answers 400 10006 and deletes nothing', async () => {
      const org = await createOrg(w, 'doomed-full');
      await createSpace(w, org, 'dev');
      const before = await snapshot(w.knex, CORE_TABLES);
      for (const query of ['', '?recursive=false']) {
        const res = await request(w.app)
          .delete(`/v2/organizations/${org}${query}`)
          .set(bearer(w.adminToken));
        expectCfError(res, 400, {
          description: 'Please delete the spaces associations for your organizations.',
          error_code: 'CF-AssociationNotEmpty',
          code: 10006,
        });
      }
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when recursive=true, answers 204 and removes its spaces, space roles and org roles', async () => {
      const org = await createOrg(w, 'doomed-recursive');
      const space = await createSpace(w, org, 'dev');
      await grantOrgRole(w, org, 'users', member.user.guid);
      await grantSpaceRole(w, space, 'developers', member.user.guid);
      const orgId = (await w.knex('organizations').where({ guid: org }).first('id'))?.id;
      const spaceId = (await w.knex('spaces').where({ guid: space }).first('id'))?.id;
      const others = await snapshot(w.knex, ['users', 'oauth_clients']);

      const res = await request(w.app)
        .delete(`/v2/organizations/${org}?recursive=true`)
        .set(bearer(w.adminToken));
      expect(res.status).toBe(204);
      expect({
        org: await w.knex('organizations').where({ id: orgId }),
        spaces: await w.knex('spaces').where({ organization_id: orgId }),
        spaceRoles: await w.knex('space_roles').where({ space_id: spaceId }),
        orgRoles: await w.knex('organization_roles').where({ organization_id: orgId }),
      }).toEqual({ org: [], spaces: [], spaceRoles: [], orgRoles: [] });
      expect(await snapshot(w.knex, ['users', 'oauth_clients'])).toEqual(others);
    });

    it('when an org manager deletes it, answers 403 10003 and deletes nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .delete(`/v2/organizations/${acme}`)
        .set(bearer(manager.token));
      expectCfError(res, 403, NOT_AUTHORIZED);
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the guid is unknown, answers 404 30003', async () => {
      const res = await request(w.app).delete('/v2/organizations/nope').set(bearer(w.adminToken));
      expectCfError(res, 404, orgNotFound('nope'));
    });
  });

  describe('GET /v2/organizations/:guid/spaces', () => {
    let org: string;
    let dev: string;
    beforeAll(async () => {
      org = await createOrg(w, 'with-spaces');
      dev = await createSpace(w, org, 'dev');
      await createSpace(w, org, 'prod');
      await createSpace(w, acme, 'acme-only');
      await grantOrgRole(w, org, 'managers', manager.user.guid);
      await grantOrgRole(w, org, 'users', member.user.guid);
      await grantSpaceRole(w, dev, 'developers', member.user.guid);
    });

    it.each<[string, () => string, string[]]>([
      ['an admin', () => w.adminToken, ['dev', 'prod']],
      ['an org manager', () => manager.token, ['dev', 'prod']],
      ['an org user, who sees only spaces they have a role in', () => member.token, ['dev']],
    ])(
      'when %s lists, answers the visible spaces of that organization only',
      async (_name, token, expected) => {
        const res = await request(w.app)
          .get(`/v2/organizations/${org}/spaces`)
          .set(bearer(token()));
        expectCfJson(res, 200);
        expect(names(res.body)).toEqual(expected);
        expect(
          res.body.resources.every(
            (r: { entity: { organization_guid: string } }) => r.entity.organization_guid === org,
          ),
        ).toBe(true);
      },
    );

    it('when filtered by name, answers the match and keeps the nested path in next_url', async () => {
      const res = await request(w.app)
        .get(`/v2/organizations/${org}/spaces?q=name%20IN%20dev,prod&results-per-page=1`)
        .set(bearer(w.adminToken));
      expect(names(res.body)).toEqual(['dev']);
      expect(res.body.next_url).toBe(
        `/v2/organizations/${org}/spaces?order-direction=asc&page=2&q=name%20IN%20dev%2Cprod&results-per-page=1`,
      );
    });

    it('when a user without a role in the organization lists, answers 403 10003', async () => {
      const res = await request(w.app)
        .get(`/v2/organizations/${org}/spaces`)
        .set(bearer(outsider.token));
      expectCfError(res, 403, NOT_AUTHORIZED);
    });

    it('when the organization is unknown, answers 404 30003', async () => {
      const res = await request(w.app)
        .get('/v2/organizations/nope/spaces')
        .set(bearer(w.adminToken));
      expectCfError(res, 404, orgNotFound('nope'));
    });
  });

  describe('organization roles', () => {
    let org: string;
    let space: string;
    let target: { user: User; token: string };
    beforeAll(async () => {
      org = await createOrg(w, 'roles-org');
      space = await createSpace(w, org, 'roles-space');
      await grantOrgRole(w, org, 'managers', manager.user.guid);
      await grantOrgRole(w, org, 'users', member.user.guid);
      target = await w.userWithToken('target', RW);
    });
    afterEach(async () => {
      await request(w.app)
        .delete(`/v2/organizations/${org}/users/${target.user.guid}`)
        .set(bearer(w.adminToken));
    });

    function holders(role: string, token = w.adminToken): Promise<request.Response> {
      return request(w.app).get(`/v2/organizations/${org}/${role}`).set(bearer(token));
    }

    it.each(['users', 'managers', 'billing_managers', 'auditors'])(
      'when an admin PUTs a user as %s, answers 201 with the organization and lists the user there',
      async (role) => {
        const res = await request(w.app)
          .put(`/v2/organizations/${org}/${role}/${target.user.guid}`)
          .set(bearer(w.adminToken));
        expectCfJson(res, 201);
        expect(res.body).toEqual(orgResource(org, { name: 'roles-org' }));
        const list = await holders(role);
        expectCfJson(list, 200);
        expect(
          list.body.resources.map((r: { metadata: { guid: string } }) => r.metadata.guid),
        ).toContain(target.user.guid);
        // Any org role makes the user a member, as in CC.
        const users = await holders('users');
        expect(
          users.body.resources.map((r: { metadata: { guid: string } }) => r.metadata.guid),
        ).toContain(target.user.guid);
      },
    );

    it('when role holders are listed, answers the whole user envelope', async () => {
      await grantOrgRole(w, org, 'auditors', target.user.guid);
      const res = await holders('auditors');
      expect(res.body).toEqual({
        total_results: 1,
        total_pages: 1,
        prev_url: null,
        next_url: null,
        resources: [
          {
            metadata: {
              guid: target.user.guid,
              url: `/v2/users/${target.user.guid}`,
              created_at: expect.stringMatching(CF_TIMESTAMP),
              updated_at: expect.stringMatching(CF_TIMESTAMP),
            },
            entity: {
              admin: false,
              active: true,
              default_space_guid: null,
              username: 'target',
              spaces_url: `/v2/users/${target.user.guid}/spaces`,
              organizations_url: `/v2/users/${target.user.guid}/organizations`,
              managed_organizations_url: `/v2/users/${target.user.guid}/managed_organizations`,
              billing_managed_organizations_url: `/v2/users/${target.user.guid}/billing_managed_organizations`,
              audited_organizations_url: `/v2/users/${target.user.guid}/audited_organizations`,
              managed_spaces_url: `/v2/users/${target.user.guid}/managed_spaces`,
              audited_spaces_url: `/v2/users/${target.user.guid}/audited_spaces`,
            },
          },
        ],
      });
    });

    it('when the same role is PUT twice, answers 201 both times and stores it once', async () => {
      for (let i = 0; i < 2; i++) {
        const res = await request(w.app)
          .put(`/v2/organizations/${org}/managers/${target.user.guid}`)
          .set(bearer(w.adminToken));
        expect(res.status).toBe(201);
      }
      const userId = (await w.knex('users').where({ guid: target.user.guid }).first('id'))?.id;
      const rows = await w
        .knex('organization_roles')
        .where({ user_id: userId })
        .orderBy('role')
        .select('role');
      expect(rows).toEqual([{ role: 'managers' }, { role: 'users' }]);
    });

    it('when an org manager grants a role, answers 201', async () => {
      const res = await request(w.app)
        .put(`/v2/organizations/${org}/auditors/${target.user.guid}`)
        .set(bearer(manager.token));
      expect(res.status).toBe(201);
    });

    it('when the managers role is removed, answers 204 and the user stays a member', async () => {
      await grantOrgRole(w, org, 'managers', target.user.guid);
      const res = await request(w.app)
        .delete(`/v2/organizations/${org}/managers/${target.user.guid}`)
        .set(bearer(w.adminToken));
      expect(res.status).toBe(204);
      const managers = await holders('managers');
      const users = await holders('users');
      expect(
        managers.body.resources.map((r: { metadata: { guid: string } }) => r.metadata.guid),
      ).not.toContain(target.user.guid);
      expect(
        users.body.resources.map((r: { metadata: { guid: string } }) => r.metadata.guid),
      ).toContain(target.user.guid);
    });

    it('when membership (users) is removed, answers 204 and every org and space role of the user goes', async () => {
      await grantOrgRole(w, org, 'managers', target.user.guid);
      await grantSpaceRole(w, space, 'developers', target.user.guid);
      const res = await request(w.app)
        .delete(`/v2/organizations/${org}/users/${target.user.guid}`)
        .set(bearer(w.adminToken));
      expect(res.status).toBe(204);
      const userId = (await w.knex('users').where({ guid: target.user.guid }).first('id'))?.id;
      expect({
        org: await w.knex('organization_roles').where({ user_id: userId }),
        space: await w.knex('space_roles').where({ user_id: userId }),
      }).toEqual({ org: [], space: [] });
    });

    it('when an org user lists the managers, answers 200; a user without a role gets 403 10003', async () => {
      expectCfJson(await holders('managers', member.token), 200);
      expectCfError(await holders('managers', outsider.token), 403, NOT_AUTHORIZED);
    });

    it('when role holders are filtered and paged, answers the matching users', async () => {
      await grantOrgRole(w, org, 'users', target.user.guid);
      const res = await request(w.app)
        .get(`/v2/organizations/${org}/users?q=space_guid:${space}`)
        .set(bearer(w.adminToken));
      expect(res.body.total_results).toBe(0);
      await grantSpaceRole(w, space, 'auditors', target.user.guid);
      const filtered = await request(w.app)
        .get(`/v2/organizations/${org}/users?q=space_guid:${space}`)
        .set(bearer(w.adminToken));
      expect(
        filtered.body.resources.map((r: { metadata: { guid: string } }) => r.metadata.guid),
      ).toEqual([target.user.guid]);
      const paged = await request(w.app)
        .get(`/v2/organizations/${org}/users?results-per-page=1`)
        .set(bearer(w.adminToken));
      expect({
        total: paged.body.total_results,
        pages: paged.body.total_pages,
        next: paged.body.next_url,
      }).toEqual({
        total: 3,
        pages: 3,
        next: `/v2/organizations/${org}/users?order-direction=asc&page=2&results-per-page=1`,
      });
    });

    it.each<[string, () => string]>([
      ['an org user', () => member.token],
      ['a user without a role', () => outsider.token],
    ])('when %s grants a role, answers 403 10003 and changes nothing', async (_name, token) => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .put(`/v2/organizations/${org}/managers/${target.user.guid}`)
        .set(bearer(token()));
      expectCfError(res, 403, NOT_AUTHORIZED);
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the user is unknown, answers 400 1002 and changes nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .put(`/v2/organizations/${org}/users/ghost`)
        .set(bearer(w.adminToken));
      expectCfError(res, 400, {
        description: 'Could not find User with guid: ghost',
        error_code: 'CF-InvalidRelation',
        code: 1002,
      });
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the organization is unknown, answers 404 30003', async () => {
      const res = await request(w.app)
        .put(`/v2/organizations/nope/users/${target.user.guid}`)
        .set(bearer(w.adminToken));
      expectCfError(res, 404, orgNotFound('nope'));
    });
  });
});
