import request from 'supertest';
import {
  expectCfError,
  expectCfJson,
  INSUFFICIENT_SCOPE,
  INVALID_AUTH_TOKEN,
  messageParseError,
  NOT_AUTHENTICATED,
  NOT_AUTHORIZED,
} from '../../support/cf-expect';
import { bearer, CORE_TABLES, snapshot, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

const TABLES = [...CORE_TABLES, 'feature_flags', 'services', 'service_plans'] as const;

/** CC's whole v2 set with CC's defaults, in CC's order (cf-cli-v6-requests.md §5 names ten of them). */
const CC_DEFAULTS: [string, boolean][] = [
  ['user_org_creation', false],
  ['private_domain_creation', true],
  ['app_bits_upload', true],
  ['app_scaling', true],
  ['route_creation', true],
  ['service_instance_creation', true],
  ['diego_docker', false],
  ['diego_cnb', false],
  ['set_roles_by_username', true],
  ['unset_roles_by_username', true],
  ['task_creation', true],
  ['env_var_visibility', true],
  ['space_scoped_private_broker_creation', true],
  ['space_developer_env_var_visibility', true],
  ['service_instance_sharing', false],
  ['hide_marketplace_from_unauthenticated_users', false],
  ['resource_matching', true],
  ['route_sharing', false],
];

const DEFAULT_FLAGS = CC_DEFAULTS.map(([name, enabled]) => ({
  name,
  enabled,
  error_message: null,
  url: `/v2/config/feature_flags/${name}`,
}));
const CREATION_INDEX = CC_DEFAULTS.findIndex(([name]) => name === 'service_instance_creation');

const FLAG_NOT_FOUND = (
  name: string,
): { description: string; error_code: string; code: number } => ({
  description: `The feature flag could not be found: ${name}`,
  error_code: 'CF-FeatureFlagNotFound',
  code: 330000,
});

let w: TestWharf;
let userToken: string;

beforeAll(async () => {
  w = await startTestWharf();
  userToken = w.tokenFor(await w.createUser('plain-user'));
});
afterAll(async () => {
  await w.stop();
});

async function setFlag(name: string, body: Record<string, unknown>): Promise<void> {
  const res = await request(w.app)
    .put(`/v2/config/feature_flags/${name}`)
    .set(bearer(w.adminToken))
    .send(body);
  expect(res.status).toBe(200);
}

describe('GET /v2/config/feature_flags', () => {
  it('when any authenticated user lists the flags, answers 200 with every flag at its default', async () => {
    const res = await request(w.app).get('/v2/config/feature_flags').set(bearer(userToken));

    expectCfJson(res, 200);
    expect(res.body).toEqual(DEFAULT_FLAGS);
  });

  it('when there is no token, answers 401 CF-NotAuthenticated', async () => {
    expectCfError(await request(w.app).get('/v2/config/feature_flags'), 401, NOT_AUTHENTICATED);
  });

  it('when the token is not valid, answers 401 CF-InvalidAuthToken', async () => {
    const res = await request(w.app).get('/v2/config/feature_flags').set(bearer('garbage'));

    expectCfError(res, 401, INVALID_AUTH_TOKEN);
  });
});

describe('GET /v2/config/feature_flags/:name', () => {
  it.each(DEFAULT_FLAGS.map((flag) => [flag.name, flag] as const))(
    'when %s is read, answers 200 with its default',
    async (name, flag) => {
      const res = await request(w.app)
        .get(`/v2/config/feature_flags/${name}`)
        .set(bearer(userToken));

      expectCfJson(res, 200);
      expect(res.body).toEqual(flag);
    },
  );

  it('when the flag is unknown, answers 404 CF-FeatureFlagNotFound 330000', async () => {
    const res = await request(w.app)
      .get('/v2/config/feature_flags/no_such_flag')
      .set(bearer(userToken));

    expectCfError(res, 404, FLAG_NOT_FOUND('no_such_flag'));
  });

  it('when there is no token, answers 401 CF-NotAuthenticated', async () => {
    const res = await request(w.app).get('/v2/config/feature_flags/service_instance_creation');

    expectCfError(res, 401, NOT_AUTHENTICATED);
  });
});

describe('PUT /v2/config/feature_flags/:name', () => {
  afterEach(async () => {
    for (const flag of DEFAULT_FLAGS) await setFlag(flag.name, { enabled: flag.enabled });
  });

  it('when an admin sets a flag with an error message, answers 200 with it and every read agrees', async () => {
    const res = await request(w.app)
      .put('/v2/config/feature_flags/service_instance_creation')
      .set(bearer(w.adminToken))
      .send({ enabled: false, error_message: 'Ask the platform team' });

    const expected = {
      name: 'service_instance_creation',
      enabled: false,
      error_message: 'Ask the platform team',
      url: '/v2/config/feature_flags/service_instance_creation',
    };
    expectCfJson(res, 200);
    expect(res.body).toEqual(expected);
    const one = await request(w.app)
      .get('/v2/config/feature_flags/service_instance_creation')
      .set(bearer(userToken));
    expect(one.body).toEqual(expected);
    const all = await request(w.app).get('/v2/config/feature_flags').set(bearer(userToken));
    expect(all.body).toEqual(
      DEFAULT_FLAGS.map((flag, i) => (i === CREATION_INDEX ? expected : flag)),
    );
  });

  it('when the flag is set again without error_message, answers it cleared as CC does', async () => {
    await setFlag('service_instance_creation', { enabled: false, error_message: 'old' });

    const res = await request(w.app)
      .put('/v2/config/feature_flags/service_instance_creation')
      .set(bearer(w.adminToken))
      .send({ enabled: true });

    expect(res.body).toEqual({
      ...DEFAULT_FLAGS[CREATION_INDEX],
      enabled: true,
      error_message: null,
    });
  });

  it.each<[string, unknown, string]>([
    ['enabled is missing', { error_message: 'x' }, 'Field: enabled, Error: Missing field enabled'],
    [
      'enabled is a string',
      { enabled: 'true' },
      'Field: enabled, Error: Expected boolean, received string',
    ],
    [
      'error_message is a number',
      { enabled: true, error_message: 5 },
      'Field: error_message, Error: Expected string, received number',
    ],
  ])(
    'when %s, answers 400 CF-MessageParseError naming the field and changes nothing',
    async (_name, body, detail) => {
      const before = await snapshot(w.knex, TABLES);
      const res = await request(w.app)
        .put('/v2/config/feature_flags/hide_marketplace_from_unauthenticated_users')
        .set(bearer(w.adminToken))
        .send(JSON.stringify(body))
        .set('Content-Type', 'application/json');

      expectCfError(res, 400, messageParseError(detail));
      expect(await snapshot(w.knex, TABLES)).toEqual(before);
    },
  );

  it('when the flag is unknown, answers 404 CF-FeatureFlagNotFound and changes nothing', async () => {
    const before = await snapshot(w.knex, TABLES);
    const res = await request(w.app)
      .put('/v2/config/feature_flags/nope')
      .set(bearer(w.adminToken))
      .send({ enabled: true });

    expectCfError(res, 404, FLAG_NOT_FOUND('nope'));
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });

  it('when the caller is not an admin, answers 403 CF-NotAuthorized and changes nothing', async () => {
    const before = await snapshot(w.knex, TABLES);
    const res = await request(w.app)
      .put('/v2/config/feature_flags/hide_marketplace_from_unauthenticated_users')
      .set(bearer(userToken))
      .send({ enabled: true });

    expectCfError(res, 403, NOT_AUTHORIZED);
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });

  it('when there is no token, answers 401 CF-NotAuthenticated and changes nothing', async () => {
    const before = await snapshot(w.knex, TABLES);
    const res = await request(w.app)
      .put('/v2/config/feature_flags/hide_marketplace_from_unauthenticated_users')
      .send({ enabled: true });

    expectCfError(res, 401, NOT_AUTHENTICATED);
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });
});

describe('hide_marketplace_from_unauthenticated_users', () => {
  let serviceGuid: string;

  beforeAll(async () => {
    const service = await request(w.app)
      .post('/v2/services')
      .set(bearer(w.adminToken))
      .send({ label: 'marketplace-entry', description: 'd', active: true });
    serviceGuid = String(service.body.metadata.guid);
    const plan = await request(w.app)
      .post('/v2/service_plans')
      .set(bearer(w.adminToken))
      .send({ name: 'free', description: 'd', service_guid: serviceGuid });
    expect(plan.status).toBe(201);
  });

  afterEach(async () => {
    await setFlag('hide_marketplace_from_unauthenticated_users', { enabled: false });
  });

  it('when off, answers anonymous service and plan lists with the public catalog', async () => {
    const services = await request(w.app).get('/v2/services');
    const plans = await request(w.app).get('/v2/service_plans');

    expectCfJson(services, 200);
    expect(
      services.body.resources.map((r: { metadata: { guid: string } }) => r.metadata.guid),
    ).toEqual([serviceGuid]);
    expectCfJson(plans, 200);
    expect(plans.body.total_results).toBe(1);
  });

  it('when on, answers anonymous GET /v2/services 401 CF-NotAuthenticated', async () => {
    await setFlag('hide_marketplace_from_unauthenticated_users', { enabled: true });

    expectCfError(await request(w.app).get('/v2/services'), 401, NOT_AUTHENTICATED);
  });

  it('when on, answers anonymous GET /v2/service_plans 401 CF-NotAuthenticated', async () => {
    await setFlag('hide_marketplace_from_unauthenticated_users', { enabled: true });

    expectCfError(await request(w.app).get('/v2/service_plans'), 401, NOT_AUTHENTICATED);
  });

  it('when on, still answers an authenticated reader 200 with the services they can see', async () => {
    await setFlag('hide_marketplace_from_unauthenticated_users', { enabled: true });

    const res = await request(w.app).get('/v2/services').set(bearer(userToken));

    expectCfJson(res, 200);
    expect(res.body.resources.map((r: { metadata: { guid: string } }) => r.metadata.guid)).toEqual([
      serviceGuid,
    ]);
  });

  it('when on, answers a token without cloud_controller.read 403 CF-InsufficientScope, as the list then needs the scope', async () => {
    const { token } = await w.userWithToken('marketplace-openid-only', ['openid']);
    const off = await request(w.app).get('/v2/services').set(bearer(token));
    expectCfJson(off, 200);
    await setFlag('hide_marketplace_from_unauthenticated_users', { enabled: true });

    const on = await request(w.app).get('/v2/services').set(bearer(token));

    expectCfError(on, 403, INSUFFICIENT_SCOPE);
  });

  it('when switched on and off again, answers anonymous callers 200 again', async () => {
    await setFlag('hide_marketplace_from_unauthenticated_users', { enabled: true });
    await setFlag('hide_marketplace_from_unauthenticated_users', { enabled: false });

    expectCfJson(await request(w.app).get('/v2/services'), 200);
  });
});
