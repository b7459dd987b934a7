import request from 'supertest';
import {
  badQueryParameter,
  expectCfError,
  expectCfJson,
  INSUFFICIENT_SCOPE,
  NOT_AUTHENTICATED,
  NOT_AUTHORIZED,
} from '../../support/cf-expect';
import { grantOrgRole, grantSpaceRole } from '../../support/orgs';
import { bearer, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import { catalogHelpers, cfError, guidsOf, labelsOf } from '../../support/catalog-world';

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

describe('GET /v2/spaces/:guid/services', () => {
  let spaceA1: string;
  let spaceA2: string;
  let spaceA1Broker: string;
  let devToken: string;
  let managerToken: string;
  let orgUserToken: string;
  let mixedPublicPlan: string;
  let spacePlan: string;
  const A1_MARKETPLACE = ['m-public', 'm-org-a', 'm-space-a1', 'm-mixed'];

  beforeAll(async () => {
    const orgA = await createOrg('market-org-a');
    const orgB = await createOrg('market-org-b');
    spaceA1 = await createSpace(orgA, 'a1');
    spaceA2 = await createSpace(orgA, 'a2');
    const dev = await w.userWithToken('market-dev', ['openid', 'cloud_controller.read']);
    devToken = dev.token;
    await grantOrgRole(w, orgA, 'users', dev.user.guid);
    await grantSpaceRole(w, spaceA1, 'developers', dev.user.guid);
    const manager = await w.userWithToken('market-org-manager', [
      'openid',
      'cloud_controller.read',
    ]);
    managerToken = manager.token;
    await grantOrgRole(w, orgA, 'managers', manager.user.guid);
    const orgUser = await w.userWithToken('market-org-user', ['openid', 'cloud_controller.read']);
    orgUserToken = orgUser.token;
    await grantOrgRole(w, orgA, 'users', orgUser.user.guid);

    await createPlan(await createService({ label: 'm-public', description: 'd' }));
    await addVisibility(
      await createPlan(await createService({ label: 'm-org-a', description: 'd' }), {
        public: false,
      }),
      orgA,
    );
    await addVisibility(
      await createPlan(await createService({ label: 'm-org-b', description: 'd' }), {
        public: false,
      }),
      orgB,
    );
    await createPlan(await createService({ label: 'm-inactive', description: 'd' }), {
      active: false,
    });
    const spaceId = async (guid: string): Promise<number> =>
      Number((await w.knex('spaces').where({ guid }).first('id')).id);
    const brokerA1 = await insertBroker('market-broker-a1', await spaceId(spaceA1));
    spaceA1Broker = brokerA1.guid;
    const brokerA2 = await insertBroker('market-broker-a2', await spaceId(spaceA2));
    spacePlan = (
      await insertBrokerPlan(
        await createService({
          label: 'm-space-a1',
          description: 'd',
          service_broker_guid: brokerA1.guid,
        }),
        'a1-plan',
        { public: false },
      )
    ).guid;
    await insertBrokerPlan(
      await createService({
        label: 'm-space-a2',
        description: 'd',
        service_broker_guid: brokerA2.guid,
      }),
      'a2-plan',
      { public: false },
    );
    await createService({ label: 'm-empty', description: 'd' });
    const mixed = await createService({ label: 'm-mixed', description: 'd' });
    mixedPublicPlan = await createPlan(mixed, { name: 'public-one' });
    await createPlan(mixed, { name: 'private-one', public: false });
  });

  it('when a space developer asks, answers 200 with public, org-visible and the space’s private-broker services only', async () => {
    const res = await request(w.app).get(`/v2/spaces/${spaceA1}/services`).set(bearer(devToken));
    const one = await request(w.app)
      .get(`/v2/services/${guidsOf(res.body)[0] ?? ''}`)
      .set(bearer(w.adminToken));

    expectCfJson(res, 200);
    expect(res.body).toEqual({
      total_results: 4,
      total_pages: 1,
      prev_url: null,
      next_url: null,
      resources: [one.body, expect.anything(), expect.anything(), expect.anything()],
    });
    expect(labelsOf(res.body)).toEqual(A1_MARKETPLACE);
  });

  it('when the space is another one of the same organization, answers its own private-broker services instead', async () => {
    const res = await request(w.app)
      .get(`/v2/spaces/${spaceA2}/services`)
      .set(bearer(w.adminToken));

    expectCfJson(res, 200);
    expect(labelsOf(res.body)).toEqual(['m-public', 'm-org-a', 'm-space-a2', 'm-mixed']);
  });

  it.each([
    ['an admin', (): string => w.adminToken],
    ['an organization manager', (): string => managerToken],
  ])('when %s asks, answers the space’s marketplace, not everything', async (_who, token) => {
    const res = await request(w.app).get(`/v2/spaces/${spaceA1}/services`).set(bearer(token()));

    expectCfJson(res, 200);
    expect(labelsOf(res.body)).toEqual(A1_MARKETPLACE);
  });

  it('when inline-relations-depth=1, embeds only the plans the space may use', async () => {
    const res = await request(w.app)
      .get(
        `/v2/spaces/${spaceA1}/services?inline-relations-depth=1&q=${encodeURIComponent('label IN m-mixed,m-space-a1')}`,
      )
      .set(bearer(devToken));
    const publicPlan = await request(w.app)
      .get(`/v2/service_plans/${mixedPublicPlan}`)
      .set(bearer(w.adminToken));
    const brokerPlan = await request(w.app)
      .get(`/v2/service_plans/${spacePlan}`)
      .set(bearer(w.adminToken));

    expectCfJson(res, 200);
    expect(
      res.body.resources.map((r: { entity: { service_plans: unknown } }) => r.entity.service_plans),
    ).toEqual([[brokerPlan.body], [publicPlan.body]]);
  });

  it.each<[string, () => string, string[]]>([
    ['label:', () => 'label:m-org-a', ['m-org-a']],
    ['label IN', () => 'label IN m-public,m-org-b,m-mixed', ['m-public', 'm-mixed']],
    ['label >=', () => 'label>=m-p', ['m-public', 'm-space-a1']],
    ['label <', () => 'label<m-p', ['m-org-a', 'm-mixed']],
    ['service_broker_guid', () => `service_broker_guid:${spaceA1Broker}`, ['m-space-a1']],
    ['active:false', () => 'active:false', A1_MARKETPLACE],
    ['active:true', () => 'active:true', []],
  ])(
    'when filtered by %s, answers only matching services of the marketplace',
    async (_name, q, expected) => {
      const res = await request(w.app)
        .get(`/v2/spaces/${spaceA1}/services?q=${encodeURIComponent(q())}`)
        .set(bearer(devToken));

      expectCfJson(res, 200);
      expect(labelsOf(res.body)).toEqual(expected);
    },
  );

  it('when results-per-page=3, answers two pages whose links keep the space path and q', async () => {
    const q = encodeURIComponent('active:false');
    const first = await request(w.app)
      .get(`/v2/spaces/${spaceA1}/services?results-per-page=3&q=${q}`)
      .set(bearer(devToken));
    expect(first.body).toMatchObject({
      total_results: 4,
      total_pages: 2,
      prev_url: null,
      next_url: `/v2/spaces/${spaceA1}/services?order-direction=asc&page=2&q=${q}&results-per-page=3`,
    });
    const second = await request(w.app).get(first.body.next_url).set(bearer(devToken));

    expect(second.body).toMatchObject({
      next_url: null,
      prev_url: `/v2/spaces/${spaceA1}/services?order-direction=asc&page=1&q=${q}&results-per-page=3`,
    });
    expect([...labelsOf(first.body), ...labelsOf(second.body)]).toEqual(A1_MARKETPLACE);
  });

  it('when q names a field services do not have, answers 400 CF-BadQueryParameter', async () => {
    const res = await request(w.app)
      .get(`/v2/spaces/${spaceA1}/services?q=name:x`)
      .set(bearer(devToken));

    expectCfError(res, 400, badQueryParameter('name'));
  });

  it('when an organization user without a role in the space asks, answers 403 CF-NotAuthorized', async () => {
    const res = await request(w.app)
      .get(`/v2/spaces/${spaceA1}/services`)
      .set(bearer(orgUserToken));

    expectCfError(res, 403, NOT_AUTHORIZED);
  });

  it('when a user of no organization asks, answers 403 CF-NotAuthorized', async () => {
    const res = await request(w.app).get(`/v2/spaces/${spaceA1}/services`).set(bearer(userToken));

    expectCfError(res, 403, NOT_AUTHORIZED);
  });

  it('when the space is unknown, answers 404 CF-SpaceNotFound', async () => {
    const res = await request(w.app).get('/v2/spaces/nope/services').set(bearer(w.adminToken));

    expectCfError(
      res,
      404,
      cfError(40004, 'CF-SpaceNotFound', 'The app space could not be found: nope'),
    );
  });

  it('when there is no token, answers 401 CF-NotAuthenticated', async () => {
    expectCfError(
      await request(w.app).get(`/v2/spaces/${spaceA1}/services`),
      401,
      NOT_AUTHENTICATED,
    );
  });

  it('when the token lacks cloud_controller.read, answers 403 CF-InsufficientScope', async () => {
    const { token } = await w.userWithToken('market-openid-only', ['openid']);

    expectCfError(
      await request(w.app).get(`/v2/spaces/${spaceA1}/services`).set(bearer(token)),
      403,
      INSUFFICIENT_SCOPE,
    );
  });
});
