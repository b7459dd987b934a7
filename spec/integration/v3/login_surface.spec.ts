import request from 'supertest';
import { CF_JSON } from '../../support/cf-expect';
import { createOrg, createSpace, grantOrgRole, grantSpaceRole } from '../../support/orgs';
import { bearer, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

const BASE = 'http://wharf.test';

let w: TestWharf;
let orgGuid: string;
let otherOrgGuid: string;
let devSpaceGuid: string;
let memberToken: string;

/** A v3 error exactly as the v6 CLI decodes it: `{"errors":[{code,title,detail}]}`. */
function expectV3Error(
  res: request.Response,
  status: number,
  error: { code: number; title: string; detail: string },
): void {
  expect({ status: res.status, type: res.headers['content-type'], body: res.body }).toEqual({
    status,
    type: CF_JSON,
    body: { errors: [error] },
  });
}

beforeAll(async () => {
  w = await startTestWharf();
  orgGuid = await createOrg(w, 'acme');
  otherOrgGuid = await createOrg(w, 'zeta');
  devSpaceGuid = await createSpace(w, orgGuid, 'dev');
  await createSpace(w, orgGuid, 'prod');
  await createSpace(w, otherOrgGuid, 'dev');
  const member = await w.createUser('member');
  await grantOrgRole(w, orgGuid, 'users', member.guid);
  await grantSpaceRole(w, devSpaceGuid, 'developers', member.guid);
  memberToken = w.tokenFor(member);
});
afterAll(async () => {
  await w.stop();
});

describe('GET / (login step 1)', () => {
  it('links cloud_controller_v3 with an href and a semver >= 3.63.0 (share-service needs it)', async () => {
    const res = await request(w.app).get('/');

    expect(res.status).toBe(200);
    expect(res.body.links.cloud_controller_v3).toEqual({
      href: `${BASE}/v3`,
      meta: { version: '3.158.0' },
    });
    expect(res.body.links.uaa).toEqual({ href: BASE });
  });
});

describe('GET /v3 (login step 2)', () => {
  it('answers the links document with absolute hrefs for the four resources the CLI uses', async () => {
    const res = await request(w.app).get('/v3');

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      links: {
        self: { href: `${BASE}/v3` },
        organizations: { href: `${BASE}/v3/organizations` },
        spaces: { href: `${BASE}/v3/spaces` },
        isolation_segments: { href: `${BASE}/v3/isolation_segments` },
        service_instances: { href: `${BASE}/v3/service_instances` },
      },
    });
  });

  it('when a v3 route does not exist, answers 404 in the v3 error shape', async () => {
    const res = await request(w.app).get('/v3/apps').set(bearer(w.adminToken));

    expectV3Error(res, 404, { code: 10000, title: 'CF-NotFound', detail: 'Unknown request' });
  });
});

describe('GET /v3/organizations', () => {
  it('?names=ORG (login -o): answers only that org with guid, name and relationships.quota', async () => {
    const res = await request(w.app).get('/v3/organizations?names=acme').set(bearer(w.adminToken));

    expect(res.status).toBe(200);
    expect(res.body.pagination).toEqual({
      total_results: 1,
      total_pages: 1,
      first: { href: `${BASE}/v3/organizations?names=acme&page=1&per_page=50` },
      last: { href: `${BASE}/v3/organizations?names=acme&page=1&per_page=50` },
      next: null,
      previous: null,
    });
    const quotas = await request(w.app)
      .get('/v2/quota_definitions?q=name:default')
      .set(bearer(w.adminToken));
    expect(res.body.resources).toEqual([
      {
        guid: orgGuid,
        created_at: expect.stringMatching(/Z$/),
        updated_at: expect.stringMatching(/Z$/),
        name: 'acme',
        suspended: false,
        relationships: { quota: { data: { guid: quotas.body.resources[0].metadata.guid } } },
        metadata: { labels: {}, annotations: {} },
        links: { self: { href: `${BASE}/v3/organizations/${orgGuid}` } },
      },
    ]);
  });

  it('?order_by=name (login without -o): answers every visible org by name', async () => {
    const res = await request(w.app)
      .get('/v3/organizations?order_by=name')
      .set(bearer(w.adminToken));

    expect(res.body.resources.map((o: { name: string }) => o.name)).toEqual(['acme', 'zeta']);
  });

  it('for a member, answers only the orgs the member belongs to (one org: login auto-targets it)', async () => {
    const res = await request(w.app)
      .get('/v3/organizations?order_by=name')
      .set(bearer(memberToken));

    expect(res.body.resources.map((o: { guid: string }) => o.guid)).toEqual([orgGuid]);
  });

  it('when no org has the name, answers an empty resources array (login: Organization not found)', async () => {
    const res = await request(w.app).get('/v3/organizations?names=nope').set(bearer(w.adminToken));

    expect(res.status).toBe(200);
    expect(res.body.resources).toEqual([]);
    expect(res.body.pagination.total_results).toBe(0);
  });

  it('pages with per_page and links next until the last page', async () => {
    const first = await request(w.app)
      .get('/v3/organizations?order_by=-name&per_page=1')
      .set(bearer(w.adminToken));

    expect(first.body.resources.map((o: { name: string }) => o.name)).toEqual(['zeta']);
    expect(first.body.pagination.next).toEqual({
      href: `${BASE}/v3/organizations?order_by=-name&page=2&per_page=1`,
    });
    const second = await request(w.app)
      .get(first.body.pagination.next.href.slice(BASE.length))
      .set(bearer(w.adminToken));
    expect(second.body.resources.map((o: { name: string }) => o.name)).toEqual(['acme']);
    expect(second.body.pagination.next).toBeNull();
  });

  it.each([
    ['an unknown parameter', 'colour=red', "Unknown query parameter(s): 'colour'"],
    ['per_page above 5000', 'per_page=5001', 'Per page must be between 1 and 5000'],
    ['a non-numeric page', 'page=x', 'Page must be a positive integer'],
    [
      'an unknown order',
      'order_by=size',
      "Order by can only be: 'name', 'created_at', 'updated_at'",
    ],
  ])('with %s, answers 400 CF-BadQueryParameter in the v3 shape', async (_case, qs, detail) => {
    const res = await request(w.app).get(`/v3/organizations?${qs}`).set(bearer(w.adminToken));

    expect(res.status).toBe(400);
    expect(res.body.errors).toHaveLength(1);
    expect(res.body.errors[0]).toMatchObject({ code: 10005, title: 'CF-BadQueryParameter' });
    expect(res.body.errors[0].detail).toContain(detail);
  });

  it('without a token, answers 401 CF-NotAuthenticated in the v3 shape', async () => {
    expectV3Error(await request(w.app).get('/v3/organizations'), 401, {
      code: 10002,
      title: 'CF-NotAuthenticated',
      detail: 'Authentication error',
    });
  });

  it('with a bad token, answers 401 CF-InvalidAuthToken in the v3 shape', async () => {
    expectV3Error(await request(w.app).get('/v3/organizations').set(bearer('garbage')), 401, {
      code: 1000,
      title: 'CF-InvalidAuthToken',
      detail: 'Invalid Auth Token',
    });
  });
});

describe('GET /v3/spaces', () => {
  it('?names=SPACE&organization_guids=OGUID (login -s): answers that space with its organization', async () => {
    const res = await request(w.app)
      .get(`/v3/spaces?names=dev&organization_guids=${orgGuid}`)
      .set(bearer(w.adminToken));

    expect(res.status).toBe(200);
    expect(res.body.resources).toEqual([
      {
        guid: devSpaceGuid,
        created_at: expect.stringMatching(/Z$/),
        updated_at: expect.stringMatching(/Z$/),
        name: 'dev',
        relationships: { organization: { data: { guid: orgGuid } }, quota: { data: null } },
        metadata: { labels: {}, annotations: {} },
        links: {
          self: { href: `${BASE}/v3/spaces/${devSpaceGuid}` },
          organization: { href: `${BASE}/v3/organizations/${orgGuid}` },
        },
      },
    ]);
  });

  it('?organization_guids=OGUID (login without -s): answers the org spaces only', async () => {
    const res = await request(w.app)
      .get(`/v3/spaces?organization_guids=${orgGuid}`)
      .set(bearer(w.adminToken));

    expect(res.body.resources.map((s: { name: string }) => s.name).sort()).toEqual(['dev', 'prod']);
  });

  it('for a developer, answers only the one space of theirs (login auto-targets it)', async () => {
    const res = await request(w.app)
      .get(`/v3/spaces?organization_guids=${orgGuid}`)
      .set(bearer(memberToken));

    expect(res.body.resources.map((s: { guid: string }) => s.guid)).toEqual([devSpaceGuid]);
  });
});

describe('isolation segments (cf org, cf space)', () => {
  it('GET /v3/isolation_segments?organization_guids=OGUID answers an empty list', async () => {
    const res = await request(w.app)
      .get(`/v3/isolation_segments?organization_guids=${orgGuid}`)
      .set(bearer(w.adminToken));

    expect(res.status).toBe(200);
    expect(res.body.resources).toEqual([]);
    expect(res.body.pagination.total_results).toBe(0);
  });

  it('GET /v3/spaces/:guid/relationships/isolation_segment answers data null', async () => {
    const res = await request(w.app)
      .get(`/v3/spaces/${devSpaceGuid}/relationships/isolation_segment`)
      .set(bearer(memberToken));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: null,
      links: {
        self: { href: `${BASE}/v3/spaces/${devSpaceGuid}/relationships/isolation_segment` },
      },
    });
  });

  it('for a space the caller cannot see, answers 404 CF-ResourceNotFound', async () => {
    const res = await request(w.app)
      .get(`/v3/spaces/${devSpaceGuid}/relationships/isolation_segment`)
      .set(bearer(w.tokenFor(await w.createUser('outsider'))));

    expectV3Error(res, 404, {
      code: 10010,
      title: 'CF-ResourceNotFound',
      detail: 'Space not found',
    });
  });

  it('GET /v3/isolation_segments/:guid answers 404 CF-ResourceNotFound', async () => {
    const res = await request(w.app)
      .get('/v3/isolation_segments/3c1d1b0e-1111-4c6b-9d59-1b2e3f4a5b6c')
      .set(bearer(w.adminToken));

    expectV3Error(res, 404, {
      code: 10010,
      title: 'CF-ResourceNotFound',
      detail: 'Isolation segment not found',
    });
  });
});
