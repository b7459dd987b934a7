import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  badQueryParameter,
  expectCfError,
  expectCfJson,
  INSUFFICIENT_SCOPE,
  messageParseError,
  NOT_AUTHENTICATED,
  NOT_AUTHORIZED,
} from '../../support/cf-expect';
import type { CfErrorBody } from '../../support/cf-expect';
import { bearer, CORE_TABLES, snapshot, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import { catalogHelpers, cfError, guidsOf } from '../../support/catalog-world';

const TIMESTAMP = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** Every table an error could touch: the core's and the catalog's. */
const CATALOG_TABLES = [
  ...CORE_TABLES,
  'feature_flags',
  'services',
  'service_plans',
  'service_plan_visibilities',
  'service_instances',
  'service_keys',
  'service_brokers',
] as const;

let w: TestWharf;
let userToken: string;

beforeAll(async () => {
  w = await startTestWharf();
  userToken = w.tokenFor(await w.createUser('plain-user'));
});
afterAll(async () => {
  await w.stop();
});

const {
  createService,
  createPlan,
  createOrg,
  createSpace,
  addVisibility,
  insertBroker,
  insertBrokerPlan,
} = catalogHelpers(() => w);

async function privatePlan(label: string): Promise<string> {
  return createPlan(await createService({ label, description: 'd' }), { public: false });
}

describe('POST /v2/service_plan_visibilities', () => {
  it('when an admin makes a non-public plan visible to an organization, answers 201 with Location and the whole envelope', async () => {
    const plan = await privatePlan('vis-create');
    const org = await createOrg('vis-create-org');

    const res = await request(w.app)
      .post('/v2/service_plan_visibilities')
      .set(bearer(w.adminToken))
      .send({ service_plan_guid: plan, organization_guid: org });

    expectCfJson(res, 201);
    const guid = String(res.body.metadata.guid);
    expect(guid).toMatch(UUID);
    expect(res.headers.location).toBe(`/v2/service_plan_visibilities/${guid}`);
    expect(res.body).toEqual({
      metadata: {
        guid,
        url: `/v2/service_plan_visibilities/${guid}`,
        created_at: TIMESTAMP,
        updated_at: TIMESTAMP,
      },
      entity: {
        service_plan_guid: plan,
        organization_guid: org,
        service_plan_url: `/v2/service_plans/${plan}`,
        organization_url: `/v2/organizations/${org}`,
      },
    });
    expect(Object.keys(res.body.entity)).toEqual([
      'service_plan_guid',
      'organization_guid',
      'service_plan_url',
      'organization_url',
    ]);
  });

  it('when the plan is public, answers 400 CF-ServicePlanVisibilityInvalid 260001 and stores nothing', async () => {
    const plan = await createPlan(await createService({ label: 'vis-public', description: 'd' }));
    const org = await createOrg('vis-public-org');
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .post('/v2/service_plan_visibilities')
      .set(bearer(w.adminToken))
      .send({ service_plan_guid: plan, organization_guid: org });

    expectCfError(
      res,
      400,
      cfError(
        260001,
        'CF-ServicePlanVisibilityInvalid',
        'Service Plan Visibility is invalid: service_plan is publicly available',
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the plan is from a space-scoped broker, answers 400 CF-ServicePlanVisibilityInvalid and stores nothing', async () => {
    const org = await createOrg('vis-private-broker-org');
    const space = await createSpace(org, 'vis-private-broker-space');
    const spaceId: number = (await w.knex('spaces').where({ guid: space }).first('id')).id;
    const broker = await insertBroker('vis-space-broker', spaceId);
    const service = await createService({
      label: 'vis-space-brokered',
      description: 'd',
      service_broker_guid: broker.guid,
    });
    const plan = await insertBrokerPlan(service, 'space-plan', { public: false });
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .post('/v2/service_plan_visibilities')
      .set(bearer(w.adminToken))
      .send({ service_plan_guid: plan.guid, organization_guid: org });

    expectCfError(
      res,
      400,
      cfError(
        260001,
        'CF-ServicePlanVisibilityInvalid',
        'Service Plan Visibility is invalid: service_plan is from a private broker',
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the plan of a global broker is not public, answers 201', async () => {
    const broker = await insertBroker('vis-global-broker');
    const service = await createService({
      label: 'vis-global-brokered',
      description: 'd',
      service_broker_guid: broker.guid,
    });
    const plan = await insertBrokerPlan(service, 'global-plan', { public: false });

    const res = await request(w.app)
      .post('/v2/service_plan_visibilities')
      .set(bearer(w.adminToken))
      .send({ service_plan_guid: plan.guid, organization_guid: await createOrg('vis-global-org') });

    expectCfJson(res, 201);
  });

  it('when the pair already exists, answers 400 CF-ServicePlanVisibilityAlreadyExists 260002 and stores nothing', async () => {
    const plan = await privatePlan('vis-duplicate');
    const org = await createOrg('vis-duplicate-org');
    await addVisibility(plan, org);
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .post('/v2/service_plan_visibilities')
      .set(bearer(w.adminToken))
      .send({ service_plan_guid: plan, organization_guid: org });

    expectCfError(
      res,
      400,
      cfError(
        260002,
        'CF-ServicePlanVisibilityAlreadyExists',
        `This combination of ServicePlan and Organization is already taken: service_plan_guid ${plan} and organization_guid ${org}`,
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the plan is unknown, answers 400 CF-InvalidRelation 1002 and stores nothing', async () => {
    const org = await createOrg('vis-unknown-plan-org');
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .post('/v2/service_plan_visibilities')
      .set(bearer(w.adminToken))
      .send({ service_plan_guid: 'no-plan', organization_guid: org });

    expectCfError(
      res,
      400,
      cfError(1002, 'CF-InvalidRelation', 'Could not find ServicePlan with guid: no-plan'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the organization is unknown, answers 400 CF-InvalidRelation 1002 and stores nothing', async () => {
    const plan = await privatePlan('vis-unknown-org');
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .post('/v2/service_plan_visibilities')
      .set(bearer(w.adminToken))
      .send({ service_plan_guid: plan, organization_guid: 'no-org' });

    expectCfError(
      res,
      400,
      cfError(1002, 'CF-InvalidRelation', 'Could not find Organization with guid: no-org'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'service_plan_guid is missing',
      { organization_guid: 'o' },
      'Field: service_plan_guid, Error: Missing field service_plan_guid',
    ],
    [
      'organization_guid is missing',
      { service_plan_guid: 'p' },
      'Field: organization_guid, Error: Missing field organization_guid',
    ],
    [
      'organization_guid is a number',
      { service_plan_guid: 'p', organization_guid: 7 },
      'Field: organization_guid, Error: Expected string, received number',
    ],
  ])(
    'when %s, answers 400 CF-MessageParseError naming the field and stores nothing',
    async (_name, body, detail) => {
      const before = await snapshot(w.knex, CATALOG_TABLES);
      const res = await request(w.app)
        .post('/v2/service_plan_visibilities')
        .set(bearer(w.adminToken))
        .send(body);

      expectCfError(res, 400, messageParseError(detail));
      expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
    },
  );

  it.each<[string, () => Promise<Record<string, string>>, number, CfErrorBody]>([
    ['there is no token', () => Promise.resolve({}), 401, NOT_AUTHENTICATED],
    ['the caller is not an admin', () => Promise.resolve(bearer(userToken)), 403, NOT_AUTHORIZED],
    [
      'the caller is admin_read_only',
      async () =>
        bearer(
          (
            await w.userWithToken(`ro-${randomUUID()}`, [
              'openid',
              'cloud_controller.admin_read_only',
            ])
          ).token,
        ),
      403,
      INSUFFICIENT_SCOPE,
    ],
  ])('when %s, answers the auth error and stores nothing', async (_name, auth, status, body) => {
    const plan = await privatePlan(`vis-auth-${randomUUID()}`);
    const org = await createOrg(`vis-auth-org-${randomUUID()}`);
    const headers = await auth();
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .post('/v2/service_plan_visibilities')
      .set(headers)
      .send({ service_plan_guid: plan, organization_guid: org });

    expectCfError(res, status, body);
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });
});

describe('GET /v2/service_plan_visibilities', () => {
  let planA: string;
  let planB: string;
  let org1: string;
  let org2: string;
  const vis: string[] = [];

  beforeAll(async () => {
    await w.knex('service_plan_visibilities').delete();
    planA = await privatePlan('vis-list-a');
    planB = await privatePlan('vis-list-b');
    org1 = await createOrg('vis-list-org-1');
    org2 = await createOrg('vis-list-org-2');
    vis.push(await addVisibility(planA, org1));
    vis.push(await addVisibility(planA, org2));
    vis.push(await addVisibility(planB, org1));
  });

  it('when an admin lists, answers every visibility in creation order', async () => {
    const res = await request(w.app).get('/v2/service_plan_visibilities').set(bearer(w.adminToken));
    const one = await request(w.app)
      .get(`/v2/service_plan_visibilities/${vis[0]}`)
      .set(bearer(w.adminToken));

    expectCfJson(res, 200);
    expect(res.body).toEqual({
      total_results: 3,
      total_pages: 1,
      prev_url: null,
      next_url: null,
      resources: [one.body, expect.anything(), expect.anything()],
    });
    expect(guidsOf(res.body)).toEqual(vis);
  });

  it.each([
    ['cloud_controller.admin_read_only', ['openid', 'cloud_controller.admin_read_only']],
    ['cloud_controller.global_auditor', ['openid', 'cloud_controller.global_auditor']],
  ])('when the caller has %s, answers every visibility', async (scope, scopes) => {
    const { token } = await w.userWithToken(`vis-list-${scope}`, scopes);
    const res = await request(w.app).get('/v2/service_plan_visibilities').set(bearer(token));

    expectCfJson(res, 200);
    expect(guidsOf(res.body)).toEqual(vis);
  });

  it('when a user who is not an admin lists, answers an empty list', async () => {
    const res = await request(w.app).get('/v2/service_plan_visibilities').set(bearer(userToken));

    expectCfJson(res, 200);
    expect(res.body).toEqual({
      total_results: 0,
      total_pages: 1,
      prev_url: null,
      next_url: null,
      resources: [],
    });
  });

  it.each<[string, () => string[], () => string[]]>([
    ['organization_guid:', () => [`organization_guid:${org1}`], () => [vis[0]!, vis[2]!]],
    ['organization_guid IN', () => [`organization_guid IN ${org2},nope`], () => [vis[1]!]],
    ['service_plan_guid:', () => [`service_plan_guid:${planA}`], () => [vis[0]!, vis[1]!]],
    [
      'service_plan_guid AND organization_guid',
      () => [`service_plan_guid:${planA}`, `organization_guid:${org1}`],
      () => [vis[0]!],
    ],
    [
      'both joined by ;',
      () => [`service_plan_guid:${planB};organization_guid:${org1}`],
      () => [vis[2]!],
    ],
  ])(
    'when filtered by %s, answers exactly the matching visibilities',
    async (_name, q, expected) => {
      const query = q()
        .map((f) => `q=${encodeURIComponent(f)}`)
        .join('&');
      const res = await request(w.app)
        .get(`/v2/service_plan_visibilities?${query}`)
        .set(bearer(w.adminToken));

      expectCfJson(res, 200);
      expect(guidsOf(res.body)).toEqual(expected());
    },
  );

  it('when results-per-page=2, answers two pages linked by next_url and prev_url', async () => {
    const first = await request(w.app)
      .get('/v2/service_plan_visibilities?results-per-page=2')
      .set(bearer(w.adminToken));
    expect(first.body).toMatchObject({
      total_results: 3,
      total_pages: 2,
      prev_url: null,
      next_url: '/v2/service_plan_visibilities?order-direction=asc&page=2&results-per-page=2',
    });
    const second = await request(w.app).get(first.body.next_url).set(bearer(w.adminToken));

    expect(second.body).toMatchObject({
      next_url: null,
      prev_url: '/v2/service_plan_visibilities?order-direction=asc&page=1&results-per-page=2',
    });
    expect([...guidsOf(first.body), ...guidsOf(second.body)]).toEqual(vis);
  });

  it('when q names an unknown field, answers 400 CF-BadQueryParameter', async () => {
    const res = await request(w.app)
      .get('/v2/service_plan_visibilities?q=service_guid:x')
      .set(bearer(w.adminToken));

    expectCfError(res, 400, badQueryParameter('service_guid'));
  });

  it('when there is no token, answers 401 CF-NotAuthenticated', async () => {
    expectCfError(
      await request(w.app).get('/v2/service_plan_visibilities'),
      401,
      NOT_AUTHENTICATED,
    );
  });

  it('when the token lacks cloud_controller.read, answers 403 CF-InsufficientScope', async () => {
    const { token } = await w.userWithToken('vis-openid-only', ['openid']);
    expectCfError(
      await request(w.app).get('/v2/service_plan_visibilities').set(bearer(token)),
      403,
      INSUFFICIENT_SCOPE,
    );
  });
});

describe('GET /v2/service_plan_visibilities/:guid', () => {
  it('when an admin reads one, answers 200 with the created envelope', async () => {
    const created = await request(w.app)
      .post('/v2/service_plan_visibilities')
      .set(bearer(w.adminToken))
      .send({
        service_plan_guid: await privatePlan('vis-read'),
        organization_guid: await createOrg('vis-read-org'),
      });

    const res = await request(w.app)
      .get(`/v2/service_plan_visibilities/${created.body.metadata.guid}`)
      .set(bearer(w.adminToken));

    expectCfJson(res, 200);
    expect(res.body).toEqual(created.body);
  });

  it('when the caller has admin_read_only, answers 200', async () => {
    const guid = await addVisibility(
      await privatePlan('vis-read-ro'),
      await createOrg('vis-read-ro-org'),
    );
    const { token } = await w.userWithToken('vis-read-ro-user', [
      'openid',
      'cloud_controller.admin_read_only',
    ]);

    expectCfJson(
      await request(w.app).get(`/v2/service_plan_visibilities/${guid}`).set(bearer(token)),
      200,
    );
  });

  it('when a user who is not an admin reads one, answers 403 CF-NotAuthorized', async () => {
    const guid = await addVisibility(
      await privatePlan('vis-read-user'),
      await createOrg('vis-read-user-org'),
    );

    expectCfError(
      await request(w.app).get(`/v2/service_plan_visibilities/${guid}`).set(bearer(userToken)),
      403,
      NOT_AUTHORIZED,
    );
  });

  it('when the guid is unknown, answers 404 CF-ServicePlanVisibilityNotFound 260003', async () => {
    const res = await request(w.app)
      .get('/v2/service_plan_visibilities/nope')
      .set(bearer(w.adminToken));

    expectCfError(
      res,
      404,
      cfError(
        260003,
        'CF-ServicePlanVisibilityNotFound',
        'The service plan visibility could not be found: nope',
      ),
    );
  });
});

describe('PUT /v2/service_plan_visibilities/:guid', () => {
  it('when an admin moves a visibility to another organization, answers 201 with the new envelope', async () => {
    const plan = await privatePlan('vis-put');
    const guid = await addVisibility(plan, await createOrg('vis-put-from'));
    const to = await createOrg('vis-put-to');
    const before = await request(w.app)
      .get(`/v2/service_plan_visibilities/${guid}`)
      .set(bearer(w.adminToken));

    const res = await request(w.app)
      .put(`/v2/service_plan_visibilities/${guid}`)
      .set(bearer(w.adminToken))
      .send({ organization_guid: to });

    expectCfJson(res, 201);
    expect(res.body).toEqual({
      metadata: { ...before.body.metadata, updated_at: TIMESTAMP },
      entity: {
        service_plan_guid: plan,
        organization_guid: to,
        service_plan_url: `/v2/service_plans/${plan}`,
        organization_url: `/v2/organizations/${to}`,
      },
    });
  });

  it('when the new pair already exists, answers 400 CF-ServicePlanVisibilityAlreadyExists and changes nothing', async () => {
    const plan = await privatePlan('vis-put-dup');
    const orgA = await createOrg('vis-put-dup-a');
    const orgB = await createOrg('vis-put-dup-b');
    await addVisibility(plan, orgA);
    const guid = await addVisibility(plan, orgB);
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .put(`/v2/service_plan_visibilities/${guid}`)
      .set(bearer(w.adminToken))
      .send({ organization_guid: orgA });

    expectCfError(
      res,
      400,
      cfError(
        260002,
        'CF-ServicePlanVisibilityAlreadyExists',
        `This combination of ServicePlan and Organization is already taken: service_plan_guid ${plan} and organization_guid ${orgA}`,
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the new plan is public, answers 400 CF-ServicePlanVisibilityInvalid and changes nothing', async () => {
    const guid = await addVisibility(
      await privatePlan('vis-put-public'),
      await createOrg('vis-put-public-org'),
    );
    const publicPlan = await createPlan(
      await createService({ label: 'vis-put-public-target', description: 'd' }),
    );
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .put(`/v2/service_plan_visibilities/${guid}`)
      .set(bearer(w.adminToken))
      .send({ service_plan_guid: publicPlan });

    expectCfError(
      res,
      400,
      cfError(
        260001,
        'CF-ServicePlanVisibilityInvalid',
        'Service Plan Visibility is invalid: service_plan is publicly available',
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the new organization is unknown, answers 400 CF-InvalidRelation and changes nothing', async () => {
    const guid = await addVisibility(
      await privatePlan('vis-put-unknown-org'),
      await createOrg('vis-put-unknown-org-from'),
    );
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .put(`/v2/service_plan_visibilities/${guid}`)
      .set(bearer(w.adminToken))
      .send({ organization_guid: 'no-org' });

    expectCfError(
      res,
      400,
      cfError(1002, 'CF-InvalidRelation', 'Could not find Organization with guid: no-org'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the guid is unknown, answers 404 CF-ServicePlanVisibilityNotFound and changes nothing', async () => {
    const before = await snapshot(w.knex, CATALOG_TABLES);
    const res = await request(w.app)
      .put('/v2/service_plan_visibilities/nope')
      .set(bearer(w.adminToken))
      .send({ organization_guid: 'x' });

    expectCfError(
      res,
      404,
      cfError(
        260003,
        'CF-ServicePlanVisibilityNotFound',
        'The service plan visibility could not be found: nope',
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the caller is not an admin, answers 403 CF-NotAuthorized and changes nothing', async () => {
    const guid = await addVisibility(
      await privatePlan('vis-put-forbidden'),
      await createOrg('vis-put-forbidden-org'),
    );
    const other = await createOrg('vis-put-forbidden-other');
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .put(`/v2/service_plan_visibilities/${guid}`)
      .set(bearer(userToken))
      .send({ organization_guid: other });

    expectCfError(res, 403, NOT_AUTHORIZED);
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });
});

describe('DELETE /v2/service_plan_visibilities/:guid', () => {
  it('when an admin deletes one, answers 204 and removes only that row', async () => {
    const plan = await privatePlan('vis-delete');
    const guid = await addVisibility(plan, await createOrg('vis-delete-org'));
    const kept = await addVisibility(plan, await createOrg('vis-delete-kept'));

    const res = await request(w.app)
      .delete(`/v2/service_plan_visibilities/${guid}`)
      .set(bearer(w.adminToken));

    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await w.knex('service_plan_visibilities').where({ guid }).first()).toBeUndefined();
    expect(await w.knex('service_plan_visibilities').where({ guid: kept }).first()).toBeDefined();
  });

  it('when the guid is unknown, answers 404 CF-ServicePlanVisibilityNotFound', async () => {
    const res = await request(w.app)
      .delete('/v2/service_plan_visibilities/nope')
      .set(bearer(w.adminToken));

    expectCfError(
      res,
      404,
      cfError(
        260003,
        'CF-ServicePlanVisibilityNotFound',
        'The service plan visibility could not be found: nope',
      ),
    );
  });

  it('when the caller is not an admin, answers 403 CF-NotAuthorized and changes nothing', async () => {
    const guid = await addVisibility(
      await privatePlan('vis-delete-forbidden'),
      await createOrg('vis-delete-forbidden-org'),
    );
    const before = await snapshot(w.knex, CATALOG_TABLES);

    expectCfError(
      await request(w.app).delete(`/v2/service_plan_visibilities/${guid}`).set(bearer(userToken)),
      403,
      NOT_AUTHORIZED,
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });
});
