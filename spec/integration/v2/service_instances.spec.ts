import request from 'supertest';
import {
  expectCfError,
  expectCfJson,
  INSUFFICIENT_SCOPE,
  messageParseError,
  NOT_AUTHENTICATED,
  NOT_AUTHORIZED,
  badQueryParameter,
} from '../../support/cf-expect';
import type { CfErrorBody } from '../../support/cf-expect';
import { FakeBroker, reply } from '../../support/fake-broker';
import type { FakeReply, RecordedRequest } from '../../support/fake-broker';
import {
  createTenant,
  drainJobs,
  eventually,
  INSTANCE_TABLES,
  instanceCatalog,
  originatingIdentity,
  reopenWharf,
  setUpBrokerWorld,
  sleep,
  stampRequests,
  startInstancesWharf,
} from '../../support/instances';
import type { BrokerWorld } from '../../support/instances';
import { createSpace, grantOrgRole, grantSpaceRole } from '../../support/orgs';
import { bearer, snapshot } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

const TIMESTAMP = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const INSTANCE = '/v2/service_instances/:instance_id';

/** Reference §3.5's entity keys for a managed instance, in CC's order. */
const ENTITY_KEYS = [
  'name',
  'credentials',
  'service_guid',
  'service_plan_guid',
  'space_guid',
  'gateway_data',
  'dashboard_url',
  'type',
  'last_operation',
  'tags',
  'maintenance_info',
  'space_url',
  'service_url',
  'service_plan_url',
  'service_bindings_url',
  'service_keys_url',
  'routes_url',
  'shared_from_url',
  'shared_to_url',
  'service_instance_parameters_url',
];

function cf(code: number, name: string, description: string): CfErrorBody {
  return { description, error_code: `CF-${name}`, code };
}

const INVALID_REQUEST = cf(10004, 'InvalidRequest', 'The request is invalid');
const NOT_A_PLAN = cf(
  60003,
  'ServiceInstanceInvalid',
  'The service instance is invalid: not a valid service plan',
);
const NOT_A_SPACE = cf(
  60003,
  'ServiceInstanceInvalid',
  'The service instance is invalid: not a valid space',
);
const NAME_EMPTY = cf(60001, 'ServiceInstanceNameEmpty', 'Service instance name is required.');
const NAME_TOO_LONG = cf(
  60009,
  'ServiceInstanceNameTooLong',
  'You have requested an invalid service instance name. Names are limited to 255 characters.',
);
const ORG_NOT_AUTHORIZED = cf(
  60010,
  'ServiceInstanceOrganizationNotAuthorized',
  'A service instance for the selected plan cannot be created in this organization. The plan is visible because another organization you belong to has access to it.',
);
const SPACE_CHANGE = cf(
  60014,
  'ServiceInstanceSpaceChangeNotAllowed',
  'Cannot update space for service instance.',
);
const PLAN_NOT_UPDATEABLE = cf(
  110004,
  'ServicePlanNotUpdateable',
  'The service does not support changing plans.',
);
const INVALID_PLAN_RELATION = cf(1002, 'InvalidRelation', 'Plan');
const FLAG_OFF = cf(330002, 'FeatureDisabled', 'Feature Disabled: service_instance_creation');
const ASYNC_NOT_ALLOWED = cf(
  270017,
  'ServiceBrokerRespondedAsyncWhenNotAllowed',
  'The service broker responded asynchronously to a request, but the accepts_incomplete query parameter was false or not given.',
);
const ASSOCIATIONS = cf(
  10006,
  'AssociationNotEmpty',
  'Please delete the service_bindings, service_keys, and routes associations for your service_instances.',
);
const nameTaken = (name: string): CfErrorBody =>
  cf(60002, 'ServiceInstanceNameTaken', `The service instance name is taken: ${name}`);
const notFound = (guid: string): CfErrorBody =>
  cf(60004, 'ServiceInstanceNotFound', `The service instance could not be found: ${guid}`);
const inProgress = (name: string): CfErrorBody =>
  cf(
    60016,
    'AsyncServiceInstanceOperationInProgress',
    `An operation for service instance ${name} is in progress.`,
  );
const tagsTooLong = (label: string): CfErrorBody =>
  cf(
    60015,
    'ServiceInstanceTagsTooLong',
    `Combined length of tags for service ${label} must be 2048 characters or less.`,
  );
/** A broker-layer error (§5.3): code 10001 and an `http` object. */
function brokerError(
  name: string,
  description: string,
  http: Record<string, unknown>,
): CfErrorBody {
  return { description, error_code: `CF-${name}`, code: 10001, http } as CfErrorBody;
}

let w: TestWharf;
let broker: FakeBroker;
let world: BrokerWorld;
let dev: string;
let arrivedAt: (r: RecordedRequest) => number;
const users: Record<
  | 'auditor'
  | 'orgManager'
  | 'outsider'
  | 'globalAuditor'
  | 'adminReadOnly'
  | 'readOnly'
  | 'permissionsOnly',
  { guid: string; token: string }
> = {} as never;

const PUBLIC_PLANS = [
  'svc-main-plan-1',
  'svc-main-plan-2',
  'svc-fixed-plan-1',
  'svc-fixed-plan-2',
  'svc-slow-plan-1',
  'svc-slow-plan-2',
];

async function addUser(
  name: string,
  scopes?: readonly string[],
): Promise<{ guid: string; token: string }> {
  const user = await w.createUser(name, scopes);
  return { guid: user.guid, token: w.tokenFor(user) };
}

beforeAll(async () => {
  w = await startInstancesWharf();
  broker = await FakeBroker.start({ catalog: instanceCatalog() });
  arrivedAt = stampRequests(broker);
  world = await setUpBrokerWorld(w, broker, { publicPlans: PUBLIC_PLANS });
  dev = world.developer.token;
  users.auditor = await addUser('space-auditor');
  users.orgManager = await addUser('org-manager');
  users.outsider = await addUser('outsider');
  users.globalAuditor = await addUser('global-auditor', [
    'openid',
    'cloud_controller.global_auditor',
  ]);
  users.adminReadOnly = await addUser('admin-read-only', [
    'openid',
    'cloud_controller.admin_read_only',
  ]);
  users.readOnly = await addUser('read-only', ['openid', 'cloud_controller.read']);
  users.permissionsOnly = await addUser('permissions-only', [
    'openid',
    'cloud_controller_service_permissions.read',
  ]);
  await grantOrgRole(w, world.orgGuid, 'users', users.auditor.guid);
  await grantSpaceRole(w, world.spaceGuid, 'auditors', users.auditor.guid);
  await grantOrgRole(w, world.orgGuid, 'managers', users.orgManager.guid);
  await grantOrgRole(w, world.orgGuid, 'users', users.permissionsOnly.guid);
  await grantSpaceRole(w, world.spaceGuid, 'auditors', users.permissionsOnly.guid);
});
afterAll(async () => {
  await w.stop();
  await broker.close();
});
beforeEach(() => {
  broker.reset();
});
afterEach(async () => {
  await drainJobs(w);
  // Hooks of the next describe run before its first beforeEach: leave no script behind.
  broker.reset();
});

let nameCounter = 0;
function uniqueName(prefix = 'si'): string {
  return `${prefix}-${++nameCounter}`;
}

function post(token: string, body: unknown, query = ''): request.Test {
  return request(w.app)
    .post(`/v2/service_instances${query}`)
    .set(bearer(token))
    .send(body as object);
}

function body(plan: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: uniqueName(),
    space_guid: world.spaceGuid,
    service_plan_guid: world.plans[plan],
    ...fields,
  };
}

/** A synchronously provisioned instance of `plan`, created by the space developer. */
async function provision(
  plan = 'svc-main-plan-1',
  fields: Record<string, unknown> = {},
): Promise<{ guid: string; name: string }> {
  const res = await post(dev, body(plan, fields));
  if (res.status !== 201) throw new Error(`provision: ${res.status} ${res.text}`);
  return { guid: String(res.body.metadata.guid), name: String(res.body.entity.name) };
}

async function get(guid: string, token = dev): Promise<request.Response> {
  return request(w.app).get(`/v2/service_instances/${guid}`).set(bearer(token));
}

/** Puts an instance into an operation in progress without a poll job (the broker is never asked). */
async function markInProgress(guid: string, type: 'create' | 'update' | 'delete'): Promise<void> {
  await w
    .knex('service_instances')
    .where({ guid })
    .update({ last_operation_type: type, last_operation_state: 'in progress' });
}

function instanceRequests(method?: string): RecordedRequest[] {
  return broker.requests.filter(
    (r) =>
      r.path.startsWith('/v2/service_instances') && (method === undefined || r.method === method),
  );
}

/** The instance guid Wharf chose, read from the provision request the broker received. */
function provisionedGuid(): string {
  const put = broker.requestsTo('PUT', INSTANCE)[0];
  if (!put) throw new Error('the broker received no provision request');
  return put.path.split('/')[3] ?? '';
}

async function expectUnchanged(
  before: Record<string, unknown[]>,
  tables: readonly string[] = INSTANCE_TABLES,
): Promise<void> {
  expect(await snapshot(w.knex, tables)).toEqual(before);
}

const TABLES_BUT_JOBS = INSTANCE_TABLES.filter((t) => t !== 'jobs');

describe('POST /v2/service_instances', () => {
  it('when a space developer logged in with the password grant creates an instance, the broker provisions it and Wharf answers 201, Location and the whole entity', async () => {
    const login = await request(w.app)
      .post('/oauth/token')
      .set('Authorization', `Basic ${Buffer.from('cf:').toString('base64')}`)
      .type('form')
      .send({ grant_type: 'password', username: 'pw-dev', password: 'pw-dev-password', scope: '' });
    expect(login.status).toBe(401);
    const user = await w.createUser('pw-dev');
    await grantOrgRole(w, world.orgGuid, 'users', user.guid);
    await grantSpaceRole(w, world.spaceGuid, 'developers', user.guid);
    const token = await request(w.app)
      .post('/oauth/token')
      .set('Authorization', `Basic ${Buffer.from('cf:').toString('base64')}`)
      .type('form')
      .send({ grant_type: 'password', username: 'pw-dev', password: 'pw-dev-password', scope: '' });
    expect(token.status).toBe(200);
    broker.on('PUT', INSTANCE, reply.json(201, { dashboard_url: 'https://dash.example/db' }));

    const res = await post(String(token.body.access_token), {
      name: 'orders-db',
      space_guid: world.spaceGuid,
      service_plan_guid: world.plans['svc-main-plan-1'],
      parameters: { size: 'large', replicas: 2 },
      tags: ['orders', 'sql'],
    });

    expectCfJson(res, 201);
    const guid = String(res.body.metadata.guid);
    expect(guid).toMatch(UUID);
    expect(res.headers.location).toBe(`/v2/service_instances/${guid}`);
    const url = `/v2/service_instances/${guid}`;
    expect(res.body).toEqual({
      metadata: { guid, url, created_at: TIMESTAMP, updated_at: TIMESTAMP },
      entity: {
        name: 'orders-db',
        credentials: {},
        service_guid: world.services['svc-main'],
        service_plan_guid: world.plans['svc-main-plan-1'],
        space_guid: world.spaceGuid,
        gateway_data: null,
        dashboard_url: 'https://dash.example/db',
        type: 'managed_service_instance',
        last_operation: {
          type: 'create',
          state: 'succeeded',
          description: '',
          updated_at: TIMESTAMP,
          created_at: TIMESTAMP,
        },
        tags: ['orders', 'sql'],
        maintenance_info: { version: '1.0.0' },
        space_url: `/v2/spaces/${world.spaceGuid}`,
        service_url: `/v2/services/${world.services['svc-main']}`,
        service_plan_url: `/v2/service_plans/${world.plans['svc-main-plan-1']}`,
        service_bindings_url: `${url}/service_bindings`,
        service_keys_url: `${url}/service_keys`,
        routes_url: `${url}/routes`,
        shared_from_url: `${url}/shared_from`,
        shared_to_url: `${url}/shared_to`,
        service_instance_parameters_url: `${url}/parameters`,
      },
    });
    expect(Object.keys(res.body.entity)).toEqual(ENTITY_KEYS);

    const puts = broker.requestsTo('PUT', INSTANCE);
    expect(puts).toHaveLength(1);
    const put = puts[0]!;
    expect(put.path).toBe(url);
    expect(put.query).toEqual({});
    const org = await request(w.app)
      .get(`/v2/organizations/${world.orgGuid}`)
      .set(bearer(w.adminToken));
    expect(put.json).toEqual({
      service_id: 'svc-main',
      plan_id: 'svc-main-plan-1',
      organization_guid: world.orgGuid,
      space_guid: world.spaceGuid,
      context: {
        platform: 'cloudfoundry',
        organization_guid: world.orgGuid,
        space_guid: world.spaceGuid,
        organization_name: org.body.entity.name,
        space_name: 'space-tenant',
        instance_name: 'orders-db',
      },
      parameters: { size: 'large', replicas: 2 },
    });
    expect(put.headers['x-broker-api-version']).toMatch(/^2\.\d+$/);
    expect(put.headers['content-type']).toBe('application/json');
    expect(originatingIdentity(put.headers['x-broker-api-originating-identity'])).toEqual({
      platform: 'cloudfoundry',
      identity: { user_id: user.guid },
    });

    const read = await get(guid);
    expectCfJson(read, 200);
    expect(read.body).toEqual(res.body);
  });

  it('when the instance has no tags, parameters or dashboard, they are [], not sent and null', async () => {
    const res = await post(dev, body('svc-fixed-plan-1', { name: 'plain' }));
    expectCfJson(res, 201);
    expect(res.body.entity).toMatchObject({
      tags: [],
      dashboard_url: null,
      maintenance_info: {},
      last_operation: { type: 'create', state: 'succeeded' },
    });
    expect(broker.requestsTo('PUT', INSTANCE)[0]?.json).not.toHaveProperty('parameters');
  });

  it('when accepts_incomplete=false is given explicitly, the broker is asked synchronously', async () => {
    const res = await post(dev, body('svc-main-plan-1'), '?accepts_incomplete=false');
    expectCfJson(res, 201);
    expect(broker.requestsTo('PUT', INSTANCE)[0]?.query).toEqual({});
  });

  it('when accepts_incomplete=true and the broker works asynchronously, answers 202 in progress, polls with the operation and Retry-After, then shows succeeded', async () => {
    broker.on(
      'PUT',
      INSTANCE,
      reply.json(202, { operation: 'op-create-1', dashboard_url: 'https://dash.example/async' }),
    );
    broker.on(
      'GET',
      `${INSTANCE}/last_operation`,
      reply.json(
        200,
        { state: 'in progress', description: 'Creating (10%)' },
        { 'Retry-After': '1' },
      ),
      reply.json(200, { state: 'in progress', description: 'Creating (60%)' }),
      reply.json(200, { state: 'in progress', description: 'Creating (90%)' }),
      reply.json(200, { state: 'succeeded', description: 'Created' }),
    );

    const res = await post(
      dev,
      body('svc-main-plan-1', { name: 'async-db' }),
      '?accepts_incomplete=true',
    );

    expectCfJson(res, 202);
    const guid = String(res.body.metadata.guid);
    expect(res.headers.location).toBe(`/v2/service_instances/${guid}`);
    expect(res.body.entity).toMatchObject({
      name: 'async-db',
      dashboard_url: 'https://dash.example/async',
      last_operation: {
        type: 'create',
        state: 'in progress',
        description: '',
        updated_at: TIMESTAMP,
        created_at: TIMESTAMP,
      },
    });
    expect(broker.requestsTo('PUT', INSTANCE)[0]?.query).toEqual({ accepts_incomplete: 'true' });

    // The first poll's Retry-After keeps its description on show for a second.
    const during = await eventually(async () => {
      const r = await get(guid);
      return r.body.entity.last_operation.description === 'Creating (10%)' ? r : undefined;
    });
    expect(during.body.entity.last_operation).toMatchObject({
      type: 'create',
      state: 'in progress',
    });

    const done = await eventually(async () => {
      const r = await get(guid);
      return r.body.entity.last_operation.state === 'succeeded' ? r : undefined;
    }, 5000);
    expect(done.body.entity.last_operation).toEqual({
      type: 'create',
      state: 'succeeded',
      description: 'Created',
      updated_at: TIMESTAMP,
      created_at: TIMESTAMP,
    });

    const polls = broker.requestsTo('GET', `${INSTANCE}/last_operation`);
    expect(polls).toHaveLength(4);
    for (const poll of polls) {
      expect(poll.path).toBe(`/v2/service_instances/${guid}/last_operation`);
      expect(poll.query).toEqual({
        service_id: 'svc-main',
        plan_id: 'svc-main-plan-1',
        operation: 'op-create-1',
      });
      // Polling is the platform's own doing: no originating identity (osb-api.md §2).
      expect(poll.headers['x-broker-api-originating-identity']).toBeUndefined();
    }
    const gaps = polls.slice(1).map((p, i) => arrivedAt(p) - arrivedAt(polls[i]!));
    expect(gaps[0]).toBeGreaterThanOrEqual(950);
    expect(gaps[1]).toBeLessThan(950);
    expect(gaps[2]).toBeLessThan(950);
  });

  it('when the broker answers 410 to a poll of a create, keeps polling (OSB §6.1) until succeeded', async () => {
    broker.on('PUT', INSTANCE, reply.json(202, {}));
    broker.on(
      'GET',
      `${INSTANCE}/last_operation`,
      reply.status(410, {}),
      reply.json(200, { state: 'succeeded' }),
    );
    const res = await post(dev, body('svc-main-plan-1'), '?accepts_incomplete=true');
    expectCfJson(res, 202);
    const guid = String(res.body.metadata.guid);
    await eventually(async () =>
      (await get(guid)).body.entity.last_operation.state === 'succeeded' ? true : undefined,
    );
    expect(broker.requestsTo('GET', `${INSTANCE}/last_operation`)).toHaveLength(2);
    expect(broker.requestsTo('GET', `${INSTANCE}/last_operation`)[0]?.query).not.toHaveProperty(
      'operation',
    );
  });

  it('when an async provision ends failed, shows last_operation failed with the broker text and deprovisions the orphan', async () => {
    broker.on('PUT', INSTANCE, reply.json(202, { operation: 'op-doomed' }));
    broker.on(
      'GET',
      `${INSTANCE}/last_operation`,
      reply.json(200, { state: 'in progress' }),
      reply.json(200, { state: 'failed', description: 'disk full' }),
    );
    broker.on('DELETE', INSTANCE, reply.json(202, { operation: 'cleanup' }));

    const res = await post(dev, body('svc-main-plan-1'), '?accepts_incomplete=true');
    expectCfJson(res, 202);
    const guid = String(res.body.metadata.guid);

    const failed = await eventually(async () => {
      const r = await get(guid);
      return r.body.entity.last_operation.state === 'failed' ? r : undefined;
    });
    expect(failed.body.entity.last_operation).toEqual({
      type: 'create',
      state: 'failed',
      description: 'disk full',
      updated_at: TIMESTAMP,
      created_at: TIMESTAMP,
    });
    const deletes = await eventually(() => {
      const d = broker.requestsTo('DELETE', INSTANCE);
      return d.length > 0 ? d : undefined;
    });
    expect(deletes[0]?.path).toBe(`/v2/service_instances/${guid}`);
    expect(deletes[0]?.query).toEqual({
      service_id: 'svc-main',
      plan_id: 'svc-main-plan-1',
      accepts_incomplete: 'true',
    });
    expect(deletes[0]?.headers['x-broker-api-originating-identity']).toBeUndefined();
    await drainJobs(w);
    // A 202 to the mitigation counts as done: no polling of the cleanup (cf-v2-api.md §4.4).
    expect(broker.requestsTo('DELETE', INSTANCE)).toHaveLength(1);
    expect(broker.requestsTo('GET', `${INSTANCE}/last_operation`)).toHaveLength(2);
  });

  it("when polling outlasts the plan's maximum_polling_duration, the operation fails with CC's text", async () => {
    broker.on('PUT', INSTANCE, reply.json(202, {}));
    broker.on(
      'GET',
      `${INSTANCE}/last_operation`,
      reply.json(200, { state: 'in progress', description: 'still going' }),
    );
    const res = await post(dev, body('svc-slow-plan-1'), '?accepts_incomplete=true');
    expectCfJson(res, 202);
    const guid = String(res.body.metadata.guid);
    const started = Date.now();
    const failed = await eventually(async () => {
      const r = await get(guid);
      return r.body.entity.last_operation.state === 'failed' ? r : undefined;
    }, 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(800);
    expect(failed.body.entity.last_operation).toMatchObject({
      type: 'create',
      state: 'failed',
      description: 'Service Broker failed to provision within the required time.',
    });
  });

  it('when every poll fails with a broker error, the polling still ends: failed once the polling duration is over', async () => {
    broker.on('PUT', INSTANCE, reply.json(202, {}));
    broker.on('GET', `${INSTANCE}/last_operation`, reply.status(500, { description: 'poll boom' }));
    const res = await post(dev, body('svc-slow-plan-1'), '?accepts_incomplete=true');
    expectCfJson(res, 202);
    const guid = String(res.body.metadata.guid);
    const failed = await eventually(async () => {
      const r = await get(guid);
      return r.body.entity.last_operation.state === 'failed' ? r : undefined;
    }, 5000);
    expect(failed.body.entity.last_operation).toMatchObject({
      type: 'create',
      state: 'failed',
      description: 'Service Broker failed to provision within the required time.',
    });
    expect(broker.requestsTo('GET', `${INSTANCE}/last_operation`).length).toBeGreaterThan(2);
  });

  it("when a poll answers 400, the operation fails with the broker's description (cf-v2-api.md §4.3)", async () => {
    broker.on('PUT', INSTANCE, reply.json(202, { operation: 'forgotten' }));
    broker.on(
      'GET',
      `${INSTANCE}/last_operation`,
      reply.status(400, { description: 'unknown operation forgotten' }),
    );
    broker.on('DELETE', INSTANCE, reply.status(410, {}));
    const res = await post(dev, body('svc-main-plan-1'), '?accepts_incomplete=true');
    const guid = String(res.body.metadata.guid);
    const failed = await eventually(async () => {
      const r = await get(guid);
      return r.body.entity.last_operation.state === 'failed' ? r : undefined;
    });
    expect(failed.body.entity.last_operation).toMatchObject({
      type: 'create',
      state: 'failed',
      description: 'unknown operation forgotten',
    });
    expect(broker.requestsTo('GET', `${INSTANCE}/last_operation`)).toHaveLength(1);
  });

  it('when the broker answers 202 although accepts_incomplete was not given, answers 502 270017, keeps nothing and deprovisions the orphan', async () => {
    broker.on('PUT', INSTANCE, reply.json(202, { operation: 'sneaky' }));
    const before = await snapshot(w.knex, TABLES_BUT_JOBS);

    const res = await post(dev, body('svc-main-plan-1'));

    expectCfError(res, 502, ASYNC_NOT_ALLOWED);
    await expectUnchanged(before, TABLES_BUT_JOBS);
    const guid = provisionedGuid();
    const deletes = await eventually(() => {
      const d = broker.requestsTo('DELETE', INSTANCE);
      return d.length > 0 ? d : undefined;
    });
    expect(deletes.map((d) => [d.path, d.query])).toEqual([
      [
        `/v2/service_instances/${guid}`,
        { service_id: 'svc-main', plan_id: 'svc-main-plan-1', accepts_incomplete: 'true' },
      ],
    ]);
    expect(deletes[0]?.headers['x-broker-api-originating-identity']).toBeUndefined();
  });

  it.each([
    ['yes', '?accepts_incomplete=yes'],
    ['an empty value', '?accepts_incomplete='],
    ['TRUE', '?accepts_incomplete=TRUE'],
  ])(
    'when accepts_incomplete is %s, answers 400 10004 and calls no broker',
    async (_label, query) => {
      const before = await snapshot(w.knex, INSTANCE_TABLES);
      const res = await post(dev, body('svc-main-plan-1'), query);
      expectCfError(res, 400, INVALID_REQUEST);
      await expectUnchanged(before);
      expect(instanceRequests()).toEqual([]);
    },
  );

  describe("CC's checks, in CC's order, each leaving everything unchanged and the broker uncalled", () => {
    let before: Record<string, unknown[]>;
    let taken: { guid: string; name: string };
    beforeAll(async () => {
      taken = await provision('svc-main-plan-1', { name: 'taken-name' });
    });
    beforeEach(async () => {
      before = await snapshot(w.knex, INSTANCE_TABLES);
    });
    afterEach(async () => {
      await expectUnchanged(before);
      expect(instanceRequests()).toEqual([]);
    });

    it('when there is no token, answers 401 10002', async () => {
      const res = await request(w.app).post('/v2/service_instances').send(body('svc-main-plan-1'));
      expectCfError(res, 401, NOT_AUTHENTICATED);
    });

    it('when the token lacks cloud_controller.write, answers 403 10007', async () => {
      expectCfError(
        await post(users.readOnly.token, body('svc-main-plan-1')),
        403,
        INSUFFICIENT_SCOPE,
      );
    });

    it.each([
      ['the body is not JSON', '{"name":', 'Unexpected end of JSON input'],
      [
        'the name is missing',
        { space_guid: 'x', service_plan_guid: 'y' },
        'Field: name, Error: Missing field name',
      ],
    ])('when %s, answers 400 1001', async (_label, payload, detail) => {
      const res = await request(w.app)
        .post('/v2/service_instances')
        .set(bearer(dev))
        .set('Content-Type', 'application/json')
        .send(typeof payload === 'string' ? payload : JSON.stringify(payload));
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_code: 'CF-MessageParseError', code: 1001 });
      expect(res.body.description).toContain(detail);
    });

    it('when parameters is not an object, answers 400 1001 naming the field', async () => {
      const res = await post(dev, body('svc-main-plan-1', { parameters: 'big' }));
      expectCfError(
        res,
        400,
        messageParseError('Field: parameters, Error: Expected instance of Hash'),
      );
    });

    it('when the body is malformed and accepts_incomplete is bad too, the parse error comes first', async () => {
      const res = await post(dev, { space_guid: world.spaceGuid }, '?accepts_incomplete=maybe');
      expect(res.body.code).toBe(1001);
    });

    it('when the plan is unknown (and the space too), answers 400 60003 "not a valid service plan"', async () => {
      expectCfError(
        await post(dev, {
          name: uniqueName(),
          space_guid: 'no-such-space',
          service_plan_guid: 'no-such-plan',
        }),
        400,
        NOT_A_PLAN,
      );
    });

    it('when the space is unknown, answers 400 60003 "not a valid space"', async () => {
      expectCfError(
        await post(dev, body('svc-main-plan-1', { space_guid: 'no-such-space' })),
        400,
        NOT_A_SPACE,
      );
    });

    it.each([
      ['a space auditor', 'auditor'],
      ['an org manager', 'orgManager'],
      ['a user without any role', 'outsider'],
    ] as const)(
      'when the caller is %s, answers 403 10003 (before any name check)',
      async (_label, who) => {
        expectCfError(
          await post(users[who].token, body('svc-main-plan-1', { name: '' })),
          403,
          NOT_AUTHORIZED,
        );
      },
    );

    it('when the plan is not visible to the developer at all, answers 403 10003', async () => {
      expectCfError(await post(dev, body('svc-private-plan-1')), 403, NOT_AUTHORIZED);
    });

    it.each([
      ['empty', ''],
      ['only blanks', '   '],
    ])('when the name is %s, answers 400 60001', async (_label, name) => {
      expectCfError(await post(dev, body('svc-main-plan-1', { name })), 400, NAME_EMPTY);
    });

    it('when the name is taken in the space, answers 400 60002 (before the tags check)', async () => {
      expectCfError(
        await post(dev, body('svc-main-plan-1', { name: taken.name })),
        400,
        nameTaken(taken.name),
      );
      expectCfError(
        await post(dev, body('svc-main-plan-1', { name: taken.name, tags: ['x'.repeat(2049)] })),
        400,
        nameTaken(taken.name),
      );
    });

    it('when the name is longer than 255 characters, answers 400 60009', async () => {
      expectCfError(
        await post(dev, body('svc-main-plan-1', { name: 'n'.repeat(256) })),
        400,
        NAME_TOO_LONG,
      );
    });

    it('when the tags together are longer than 2048 characters, answers 400 60015 naming the service', async () => {
      expectCfError(
        await post(dev, body('svc-main-plan-1', { tags: ['a'.repeat(1024), 'b'.repeat(1025)] })),
        400,
        tagsTooLong('main'),
      );
    });

    it('when the name is too long and the tags too, the name is reported', async () => {
      expectCfError(
        await post(
          dev,
          body('svc-main-plan-1', { name: 'n'.repeat(256), tags: ['x'.repeat(2049)] }),
        ),
        400,
        NAME_TOO_LONG,
      );
    });
  });

  it('when the tags are exactly 2048 characters and the name 255, creates the instance', async () => {
    const res = await post(
      dev,
      body('svc-main-plan-1', {
        name: 'n'.repeat(255),
        tags: ['a'.repeat(1024), 'b'.repeat(1024)],
      }),
    );
    expectCfJson(res, 201);
  });

  describe('the feature flag service_instance_creation', () => {
    beforeAll(async () => {
      const res = await request(w.app)
        .put('/v2/config/feature_flags/service_instance_creation')
        .set(bearer(w.adminToken))
        .send({ enabled: false });
      expect(res.status).toBe(200);
    });
    afterAll(async () => {
      await request(w.app)
        .put('/v2/config/feature_flags/service_instance_creation')
        .set(bearer(w.adminToken))
        .send({ enabled: true });
    });

    it('when it is off, a space developer gets 403 330002 and nothing changes', async () => {
      const before = await snapshot(w.knex, INSTANCE_TABLES);
      expectCfError(await post(dev, body('svc-main-plan-1')), 403, FLAG_OFF);
      await expectUnchanged(before);
      expect(instanceRequests()).toEqual([]);
    });

    it("when it is off, CC checks it before the caller's role: a non-developer gets 330002 too", async () => {
      expectCfError(await post(users.outsider.token, body('svc-main-plan-1')), 403, FLAG_OFF);
    });

    it('when it is off, an admin still creates instances', async () => {
      expectCfJson(await post(w.adminToken, body('svc-main-plan-1')), 201);
    });
  });

  describe('plans that are not public', () => {
    let other: Awaited<ReturnType<typeof createTenant>>;
    beforeAll(async () => {
      // The developer also belongs to another organization that may use svc-private-plan-1.
      other = await createTenant(w, 'private-org');
      await grantOrgRole(w, other.orgGuid, 'users', world.developer.guid);
      const res = await request(w.app)
        .post('/v2/service_plan_visibilities')
        .set(bearer(w.adminToken))
        .send({
          service_plan_guid: world.plans['svc-private-plan-1'],
          organization_guid: other.orgGuid,
        });
      expect(res.status).toBe(201);
    });

    it('when the plan is visible to the developer only through another organization, answers 403 60010', async () => {
      const before = await snapshot(w.knex, INSTANCE_TABLES);
      expectCfError(await post(dev, body('svc-private-plan-1')), 403, ORG_NOT_AUTHORIZED);
      await expectUnchanged(before);
      expect(instanceRequests()).toEqual([]);
    });

    it('when an admin uses a plan without a visibility for the organization, answers 403 60010 too', async () => {
      expectCfError(await post(w.adminToken, body('svc-private-plan-2')), 403, ORG_NOT_AUTHORIZED);
    });

    it('when the organization has a visibility, its developer creates the instance', async () => {
      const res = await post(other.developer.token, {
        name: uniqueName(),
        space_guid: other.spaceGuid,
        service_plan_guid: world.plans['svc-private-plan-1'],
      });
      expectCfJson(res, 201);
    });
  });

  describe('when the broker fails', () => {
    const put = (r: FakeReply): void => void broker.on('PUT', INSTANCE, r);

    it.each<[string, FakeReply, number, (guid: string) => CfErrorBody, boolean]>([
      [
        '500 with a description',
        reply.status(500, { description: 'boom' }),
        502,
        () =>
          brokerError('ServiceBrokerBadResponse', 'Service broker error: boom', {
            method: 'PUT',
            status: 500,
          }),
        true,
      ],
      [
        '503 without a description',
        reply.text(503, 'down for maintenance'),
        502,
        () =>
          brokerError(
            'ServiceBrokerBadResponse',
            'The service broker returned an invalid response. Status Code: 503 Service Unavailable, Body: down for maintenance',
            {
              method: 'PUT',
              status: 503,
            },
          ),
        true,
      ],
      [
        '201 with a body that is not JSON',
        reply.text(201, 'created!'),
        502,
        () =>
          brokerError(
            'ServiceBrokerResponseMalformed',
            "The service broker returned an invalid response: expected valid JSON object in body, broker returned 'created!'",
            { method: 'PUT', status: 201 },
          ),
        true,
      ],
      [
        'an unexpected 2xx (204)',
        reply.json(204, {}),
        502,
        () =>
          brokerError(
            'ServiceBrokerBadResponse',
            'The service broker returned an invalid response. Status Code: 204 No Content, Body: ',
            { method: 'PUT', status: 204 },
          ),
        true,
      ],
      [
        '200 with a body that is not JSON',
        reply.text(200, 'ok'),
        502,
        () =>
          brokerError(
            'ServiceBrokerResponseMalformed',
            "The service broker returned an invalid response: expected valid JSON object in body, broker returned 'ok'",
            { method: 'PUT', status: 200 },
          ),
        false,
      ],
      [
        '400',
        reply.status(400, { description: 'bad size' }),
        502,
        () =>
          brokerError('ServiceBrokerRequestRejected', 'Service broker error: bad size', {
            method: 'PUT',
            status: 400,
          }),
        false,
      ],
      [
        '408 (the broker timed out itself)',
        reply.status(408, {}),
        504,
        () =>
          brokerError('ServiceBrokerApiTimeout', 'The request to the service broker timed out', {
            method: 'PUT',
            status: 408,
          }),
        false,
      ],
      [
        '409',
        reply.status(409, { description: 'exists elsewhere' }),
        409,
        () =>
          brokerError('ServiceBrokerConflict', 'Service broker error: exists elsewhere', {
            method: 'PUT',
            status: 409,
          }),
        false,
      ],
      [
        '422 ConcurrencyError',
        reply.status(422, { error: 'ConcurrencyError' }),
        422,
        () =>
          brokerError(
            'ConcurrencyError',
            'The service broker could not perform this operation in parallel with other running operations',
            { method: 'PUT', status: 422 },
          ),
        false,
      ],
      [
        '422 AsyncRequired',
        reply.status(422, { error: 'AsyncRequired', description: 'only async' }),
        400,
        () =>
          brokerError(
            'AsyncRequired',
            'This service plan requires client support for asynchronous service operations.',
            { method: 'PUT', status: 422 },
          ),
        false,
      ],
    ])(
      'with %s, answers the broker-layer error, keeps no instance, orphan mitigation: %#',
      async (_label, answer, status, expected, mitigates) => {
        put(answer);
        const before = await snapshot(w.knex, TABLES_BUT_JOBS);

        const res = await post(dev, body('svc-main-plan-1'));

        const guid = provisionedGuid();
        expectCfError(res, status, expected(guid));
        await expectUnchanged(before, TABLES_BUT_JOBS);
        if (mitigates) {
          const deletes = await eventually(() => {
            const d = broker.requestsTo('DELETE', INSTANCE);
            return d.length > 0 ? d : undefined;
          });
          expect(deletes[0]?.path).toBe(`/v2/service_instances/${guid}`);
          expect(deletes[0]?.query).toEqual({
            service_id: 'svc-main',
            plan_id: 'svc-main-plan-1',
            accepts_incomplete: 'true',
          });
        } else {
          await sleep(300);
          expect(broker.requestsTo('DELETE', INSTANCE)).toEqual([]);
          expect(await w.knex('jobs').where({ resource_guid: guid })).toEqual([]);
        }
      },
    );

    it('when it does not answer in time, answers 504 CF-HttpClientTimeout and deprovisions the orphan', async () => {
      put(reply.delay(1500, reply.json(201, {})));
      const before = await snapshot(w.knex, TABLES_BUT_JOBS);

      const res = await post(dev, body('svc-main-plan-1'));

      const guid = provisionedGuid();
      expectCfError(
        res,
        504,
        brokerError('HttpClientTimeout', 'The request to the service broker timed out', {
          uri: `${broker.url}/v2/service_instances/${guid}`,
          method: 'PUT',
        }),
      );
      await expectUnchanged(before, TABLES_BUT_JOBS);
      const deletes = await eventually(() => {
        const d = broker.requestsTo('DELETE', INSTANCE);
        return d.length > 0 ? d : undefined;
      });
      expect(deletes[0]?.path).toBe(`/v2/service_instances/${guid}`);
    });

    it('when the orphan mitigation itself fails, retries it with a growing back-off until the broker says gone', async () => {
      put(reply.status(500, {}));
      broker.on(
        'DELETE',
        INSTANCE,
        reply.status(500, {}),
        reply.status(500, {}),
        reply.status(503, {}),
        reply.status(410, {}),
      );

      const res = await post(dev, body('svc-main-plan-1'));

      expect(res.status).toBe(502);
      const guid = provisionedGuid();
      const deletes = await eventually(
        () => {
          const d = broker.requestsTo('DELETE', INSTANCE);
          return d.length >= 4 ? d : undefined;
        },
        10000,
        'four mitigation attempts',
      );
      const gaps = deletes.slice(1).map((d, i) => arrivedAt(d) - arrivedAt(deletes[i]!));
      // Back-off base·2^attempt with a base of 50 ms: 100, 200, 400 ms.
      expect(gaps[0]).toBeGreaterThanOrEqual(90);
      expect(gaps[1]).toBeGreaterThanOrEqual(190);
      expect(gaps[2]).toBeGreaterThanOrEqual(390);
      await drainJobs(w);
      const job = await w.knex('jobs').where({ resource_guid: guid }).first();
      expect(job).toMatchObject({
        kind: 'instance.orphan-mitigation',
        state: 'succeeded',
        attempts: 3,
      });
      await sleep(200);
      expect(broker.requestsTo('DELETE', INSTANCE)).toHaveLength(4);
    });

    it('when the broker echoes its own password in an error, the answer does not carry it', async () => {
      const password = broker.connection().password;
      put(reply.status(409, { description: `conflict for ${password}` }));
      const res = await post(dev, body('svc-main-plan-1'));
      expect(res.status).toBe(409);
      expect(res.text).not.toContain(password);
      expect(res.body.description).toBe('Service broker error: conflict for [REDACTED]');
    });
  });
});

describe('GET /v2/service_instances', () => {
  let mine: { guid: string; name: string };
  let theirs: { guid: string; name: string };
  let other: Awaited<ReturnType<typeof createTenant>>;

  beforeAll(async () => {
    // Purge what earlier specs left, so the lists below are exact.
    const all = await request(w.app)
      .get('/v2/service_instances?results-per-page=100')
      .set(bearer(w.adminToken));
    for (const r of all.body.resources as { metadata: { guid: string } }[]) {
      expect(
        (
          await request(w.app)
            .delete(`/v2/service_instances/${r.metadata.guid}?purge=true`)
            .set(bearer(w.adminToken))
        ).status,
      ).toBe(204);
    }
    mine = await provision('svc-main-plan-1', { name: 'listed-main' });
    await provision('svc-fixed-plan-1', { name: 'listed-fixed' });
    other = await createTenant(w, 'list-other');
    const res = await post(other.developer.token, {
      name: 'theirs',
      space_guid: other.spaceGuid,
      service_plan_guid: world.plans['svc-main-plan-2'],
    });
    expect(res.status).toBe(201);
    theirs = { guid: String(res.body.metadata.guid), name: 'theirs' };
  });

  async function list(token: string, query = ''): Promise<request.Response> {
    return request(w.app).get(`/v2/service_instances${query}`).set(bearer(token));
  }
  const names = (res: request.Response): string[] =>
    (res.body as { resources: { entity: { name: string } }[] }).resources.map((r) => r.entity.name);

  it('when a space developer lists, sees the instances of their space in a whole envelope', async () => {
    const res = await list(dev);
    expectCfJson(res, 200);
    expect(res.body).toMatchObject({
      total_results: 2,
      total_pages: 1,
      prev_url: null,
      next_url: null,
    });
    expect(names(res)).toEqual(['listed-main', 'listed-fixed']);
    expect(res.body.resources[0]).toEqual((await get(mine.guid)).body);
  });

  it.each([
    ['a space auditor', 'auditor', ['listed-main', 'listed-fixed']],
    ['an org manager', 'orgManager', ['listed-main', 'listed-fixed']],
    ['a user without roles', 'outsider', []],
    ['a global auditor', 'globalAuditor', ['listed-main', 'listed-fixed', 'theirs']],
    ['an admin_read_only user', 'adminReadOnly', ['listed-main', 'listed-fixed', 'theirs']],
  ] as const)(
    'when %s lists, sees exactly the visible instances',
    async (_label, who, expected) => {
      const res = await list(users[who].token);
      expectCfJson(res, 200);
      expect(names(res)).toEqual(expected);
      expect(res.body.total_results).toBe(expected.length);
    },
  );

  it('when an admin lists, sees every instance', async () => {
    expect(names(await list(w.adminToken))).toEqual(['listed-main', 'listed-fixed', 'theirs']);
  });

  it.each([
    ['name', () => 'q=name:listed-main', ['listed-main']],
    ['name IN', () => 'q=name%20IN%20listed-fixed,theirs', ['listed-fixed', 'theirs']],
    ['name >=', () => 'q=name%3E=m', ['theirs']],
    ['space_guid', () => `q=space_guid:${other.spaceGuid}`, ['theirs']],
    [
      'service_plan_guid',
      () => `q=service_plan_guid:${world.plans['svc-fixed-plan-1']}`,
      ['listed-fixed'],
    ],
    [
      'organization_guid',
      () => `q=organization_guid:${world.orgGuid}`,
      ['listed-main', 'listed-fixed'],
    ],
    [
      'organization_guid IN',
      () => `q=organization_guid%20IN%20${world.orgGuid},${other.orgGuid}`,
      ['listed-main', 'listed-fixed', 'theirs'],
    ],
    [
      'two filters',
      () => `q=organization_guid:${world.orgGuid}&q=name:listed-fixed`,
      ['listed-fixed'],
    ],
    ['service_binding_guid (no apps, no bindings)', () => 'q=service_binding_guid:anything', []],
    ['gateway_name', () => 'q=gateway_name:anything', []],
  ])('when filtered by %s, answers the matching instances', async (_label, q, expected) => {
    const res = await list(w.adminToken, `?${q()}`);
    expectCfJson(res, 200);
    expect(names(res)).toEqual(expected);
  });

  it('when filtered by service_key_guid, answers the instance that holds the key', async () => {
    const key = await request(w.app)
      .post('/v2/service_keys')
      .set(bearer(dev))
      .send({ service_instance_guid: mine.guid, name: 'list-key' });
    expect(key.status).toBe(201);
    try {
      expect(names(await list(dev, `?q=service_key_guid:${key.body.metadata.guid}`))).toEqual([
        'listed-main',
      ]);
    } finally {
      await request(w.app).delete(`/v2/service_keys/${key.body.metadata.guid}`).set(bearer(dev));
    }
  });

  it('when a filter names a field that is not queryable, answers 400 10005', async () => {
    expectCfError(await list(dev, '?q=dashboard_url:x'), 400, badQueryParameter('dashboard_url'));
  });

  it('when a page is asked for, builds CC-style prev/next URLs', async () => {
    const res = await list(w.adminToken, '?results-per-page=2&page=1');
    expect(res.body).toMatchObject({
      total_results: 3,
      total_pages: 2,
      prev_url: null,
      next_url: '/v2/service_instances?order-direction=asc&page=2&results-per-page=2',
    });
  });

  it('when the token lacks cloud_controller.read, answers 403 10007', async () => {
    const writer = await addUser('writer-only', ['openid', 'cloud_controller.write']);
    expectCfError(await list(writer.token), 403, INSUFFICIENT_SCOPE);
  });

  describe('GET /v2/spaces/:guid/service_instances', () => {
    it('when a member of the space lists, sees its instances', async () => {
      const res = await request(w.app)
        .get(`/v2/spaces/${world.spaceGuid}/service_instances`)
        .set(bearer(users.auditor.token));
      expectCfJson(res, 200);
      expect(names(res)).toEqual(['listed-main', 'listed-fixed']);
    });

    it('when filtered by name, answers the match', async () => {
      const res = await request(w.app)
        .get(`/v2/spaces/${world.spaceGuid}/service_instances?q=name:listed-fixed`)
        .set(bearer(dev));
      expect(names(res)).toEqual(['listed-fixed']);
    });

    it('when the caller is not a member of the space, answers 403 10003', async () => {
      expectCfError(
        await request(w.app)
          .get(`/v2/spaces/${world.spaceGuid}/service_instances`)
          .set(bearer(users.outsider.token)),
        403,
        NOT_AUTHORIZED,
      );
    });

    it('when the space is unknown, answers 404 40004', async () => {
      expectCfError(
        await request(w.app).get('/v2/spaces/no-such-space/service_instances').set(bearer(dev)),
        404,
        cf(40004, 'SpaceNotFound', 'The app space could not be found: no-such-space'),
      );
    });
  });

  describe('GET /v2/service_plans/:guid/service_instances', () => {
    it("when an admin lists a plan's instances, sees every instance of that plan only", async () => {
      const res = await request(w.app)
        .get(`/v2/service_plans/${world.plans['svc-main-plan-2']}/service_instances`)
        .set(bearer(w.adminToken));
      expectCfJson(res, 200);
      expect(names(res)).toEqual(['theirs']);
    });

    it('when a developer lists, sees only the instances they may see', async () => {
      const res = await request(w.app)
        .get(`/v2/service_plans/${world.plans['svc-main-plan-2']}/service_instances`)
        .set(bearer(dev));
      expect(names(res)).toEqual([]);
    });

    it('when the plan is unknown, answers 404 110003', async () => {
      expectCfError(
        await request(w.app)
          .get('/v2/service_plans/no-such-plan/service_instances')
          .set(bearer(dev)),
        404,
        cf(110003, 'ServicePlanNotFound', 'The service plan could not be found: no-such-plan'),
      );
    });
  });

  describe('GET /v2/service_instances/:guid', () => {
    it.each([
      ['the developer', () => dev],
      ['a space auditor', () => users.auditor.token],
      ['an org manager', () => users.orgManager.token],
      ['a global auditor', () => users.globalAuditor.token],
    ])('when %s reads an instance, answers 200 with the entity', async (_label, token) => {
      const res = await get(mine.guid, token());
      expectCfJson(res, 200);
      expect(res.body.metadata.guid).toBe(mine.guid);
      expect(Object.keys(res.body.entity)).toEqual(ENTITY_KEYS);
    });

    it('when a user without a role in the space reads it, answers 403 10003', async () => {
      expectCfError(await get(theirs.guid, dev), 403, NOT_AUTHORIZED);
    });

    it('when the instance is unknown, answers 404 60004', async () => {
      expectCfError(await get('no-such-instance'), 404, notFound('no-such-instance'));
    });
  });
});

describe('PUT /v2/service_instances/:guid', () => {
  function put(
    guid: string,
    payload: Record<string, unknown>,
    query = '',
    token = dev,
  ): request.Test {
    return request(w.app)
      .put(`/v2/service_instances/${guid}${query}`)
      .set(bearer(token))
      .send(payload);
  }

  it('when renaming and retagging, changes Wharf only: 201 without Location, no broker call, last_operation update succeeded', async () => {
    const si = await provision('svc-main-plan-1', { tags: ['old'] });
    broker.reset();
    const res = await put(si.guid, { name: `${si.name}-renamed`, tags: ['new', 'tags'] });
    expectCfJson(res, 201);
    expect(res.headers.location).toBeUndefined();
    expect(res.body.entity).toMatchObject({
      name: `${si.name}-renamed`,
      tags: ['new', 'tags'],
      service_plan_guid: world.plans['svc-main-plan-1'],
      last_operation: { type: 'update', state: 'succeeded', description: '' },
    });
    expect(instanceRequests()).toEqual([]);
    expect((await get(si.guid)).body).toEqual(res.body);
  });

  it('when parameters are given, sends a PATCH with them, the context and previous values', async () => {
    const si = await provision();
    broker.reset();
    const res = await put(si.guid, { parameters: { size: 'xl' }, name: `${si.name}-v2` });
    expectCfJson(res, 201);
    expect(res.body.entity).toMatchObject({
      name: `${si.name}-v2`,
      last_operation: { type: 'update', state: 'succeeded' },
    });
    const patches = broker.requestsTo('PATCH', INSTANCE);
    expect(patches).toHaveLength(1);
    expect(patches[0]?.path).toBe(`/v2/service_instances/${si.guid}`);
    expect(patches[0]?.query).toEqual({});
    expect(patches[0]?.json).toEqual({
      service_id: 'svc-main',
      parameters: { size: 'xl' },
      context: expect.objectContaining({
        platform: 'cloudfoundry',
        organization_guid: world.orgGuid,
        space_guid: world.spaceGuid,
        instance_name: `${si.name}-v2`,
      }),
      previous_values: {
        plan_id: 'svc-main-plan-1',
        service_id: 'svc-main',
        organization_id: world.orgGuid,
        space_id: world.spaceGuid,
      },
    });
    expect(originatingIdentity(patches[0]?.headers['x-broker-api-originating-identity'])).toEqual({
      platform: 'cloudfoundry',
      identity: { user_id: world.developer.guid },
    });
  });

  it('when the plan changes, sends the new plan_id and moves the instance to the new plan and its maintenance_info', async () => {
    const si = await provision('svc-main-plan-1');
    broker.reset();
    const res = await put(si.guid, { service_plan_guid: world.plans['svc-main-plan-2'] });
    expectCfJson(res, 201);
    expect(res.body.entity).toMatchObject({
      service_plan_guid: world.plans['svc-main-plan-2'],
      maintenance_info: {},
      last_operation: { type: 'update', state: 'succeeded' },
    });
    expect(broker.requestsTo('PATCH', INSTANCE)[0]?.json).toMatchObject({
      service_id: 'svc-main',
      plan_id: 'svc-main-plan-2',
      previous_values: { plan_id: 'svc-main-plan-1' },
    });
  });

  it('when the plan changes asynchronously, answers 202 with Location, keeps the old plan while polling with it, then moves', async () => {
    const si = await provision('svc-main-plan-1');
    broker.reset();
    broker.on('PATCH', INSTANCE, reply.json(202, { operation: 'op-update' }));
    broker.on(
      'GET',
      `${INSTANCE}/last_operation`,
      reply.json(200, { state: 'in progress' }, { 'Retry-After': '1' }),
      reply.json(200, { state: 'succeeded', description: 'resized' }),
    );

    const res = await put(
      si.guid,
      { service_plan_guid: world.plans['svc-main-plan-2'] },
      '?accepts_incomplete=true',
    );

    expectCfJson(res, 202);
    expect(res.headers.location).toBe(`/v2/service_instances/${si.guid}`);
    expect(res.body.entity).toMatchObject({
      service_plan_guid: world.plans['svc-main-plan-1'],
      maintenance_info: { version: '1.0.0' },
      last_operation: { type: 'update', state: 'in progress' },
    });
    expect(broker.requestsTo('PATCH', INSTANCE)[0]?.query).toEqual({ accepts_incomplete: 'true' });
    const done = await eventually(async () => {
      const r = await get(si.guid);
      return r.body.entity.last_operation.state === 'succeeded' ? r : undefined;
    });
    expect(done.body.entity).toMatchObject({
      service_plan_guid: world.plans['svc-main-plan-2'],
      maintenance_info: {},
      last_operation: { type: 'update', state: 'succeeded', description: 'resized' },
    });
    // OSB §6.1: polls of an update name the plan before the update.
    expect(broker.requestsTo('GET', `${INSTANCE}/last_operation`).map((p) => p.query)).toEqual([
      { service_id: 'svc-main', plan_id: 'svc-main-plan-1', operation: 'op-update' },
      { service_id: 'svc-main', plan_id: 'svc-main-plan-1', operation: 'op-update' },
    ]);
  });

  it('when an async update fails, keeps the old plan and shows the failure', async () => {
    const si = await provision('svc-main-plan-1');
    broker.reset();
    broker.on('PATCH', INSTANCE, reply.json(202, {}));
    broker.on(
      'GET',
      `${INSTANCE}/last_operation`,
      reply.json(200, { state: 'failed', description: 'no capacity' }),
    );
    expect(
      (
        await put(
          si.guid,
          { service_plan_guid: world.plans['svc-main-plan-2'] },
          '?accepts_incomplete=true',
        )
      ).status,
    ).toBe(202);
    const failed = await eventually(async () => {
      const r = await get(si.guid);
      return r.body.entity.last_operation.state === 'failed' ? r : undefined;
    });
    expect(failed.body.entity).toMatchObject({
      service_plan_guid: world.plans['svc-main-plan-1'],
      last_operation: { type: 'update', state: 'failed', description: 'no capacity' },
    });
    await drainJobs(w);
    // A failed update is no orphan (osb-api.md §9).
    expect(broker.requestsTo('DELETE', INSTANCE)).toEqual([]);
  });

  it('when the same space_guid is sent, it is accepted', async () => {
    const si = await provision();
    expectCfJson(await put(si.guid, { space_guid: world.spaceGuid, tags: ['same-space'] }), 201);
  });

  describe('errors, leaving the instance as it was and the broker uncalled', () => {
    let si: { guid: string; name: string };
    let before: Record<string, unknown[]>;
    beforeEach(async () => {
      si = await provision('svc-main-plan-1');
      broker.reset();
      before = await snapshot(w.knex, INSTANCE_TABLES);
    });
    afterEach(async () => {
      await expectUnchanged(before);
      expect(instanceRequests()).toEqual([]);
    });

    it('when the instance is unknown, answers 404 60004', async () => {
      expectCfError(
        await put('no-such-instance', { name: 'x' }),
        404,
        notFound('no-such-instance'),
      );
    });

    it('when accepts_incomplete is not a boolean, answers 400 10004', async () => {
      expectCfError(
        await put(si.guid, { parameters: {} }, '?accepts_incomplete=1'),
        400,
        INVALID_REQUEST,
      );
    });

    it.each([
      ['a space auditor', 'auditor'],
      ['a user without roles', 'outsider'],
    ] as const)('when %s updates, answers 403 10003', async (_label, who) => {
      expectCfError(
        await put(si.guid, { name: 'hijacked' }, '', users[who].token),
        403,
        NOT_AUTHORIZED,
      );
    });

    it('when the space would change, answers 400 60014', async () => {
      const other = await createSpace(w, world.orgGuid, uniqueName('space'));
      before = await snapshot(w.knex, INSTANCE_TABLES);
      expectCfError(await put(si.guid, { space_guid: other }), 400, SPACE_CHANGE);
    });

    it('when another operation is in progress, answers 409 60016 (before the space check)', async () => {
      await markInProgress(si.guid, 'create');
      before = await snapshot(w.knex, INSTANCE_TABLES);
      expectCfError(await put(si.guid, { name: 'x' }), 409, inProgress(si.name));
      expectCfError(await put(si.guid, { space_guid: 'another-space' }), 409, inProgress(si.name));
    });

    it('when the new name is taken in the space, answers 400 60002', async () => {
      const taken = await provision('svc-fixed-plan-1');
      broker.reset();
      before = await snapshot(w.knex, INSTANCE_TABLES);
      expectCfError(
        await put(si.guid, { name: taken.name, parameters: { a: 1 } }),
        400,
        nameTaken(taken.name),
      );
    });

    it.each([
      ['empty', '', NAME_EMPTY],
      ['longer than 255', 'x'.repeat(256), NAME_TOO_LONG],
    ])('when the new name is %s, answers its 400', async (_label, name, expected) => {
      expectCfError(await put(si.guid, { name }), 400, expected);
    });

    it('when the tags are too long, answers 400 60015', async () => {
      expectCfError(await put(si.guid, { tags: ['t'.repeat(2049)] }), 400, tagsTooLong('main'));
    });

    it.each([
      ['unknown', () => 'no-such-plan'],
      ['of another service', () => world.plans['svc-fixed-plan-1']!],
    ])('when the new plan is %s, answers 400 1002 "Plan"', async (_label, plan) => {
      expectCfError(await put(si.guid, { service_plan_guid: plan() }), 400, INVALID_PLAN_RELATION);
    });

    it('when the body is not an object, answers 400 1001', async () => {
      const res = await request(w.app)
        .put(`/v2/service_instances/${si.guid}`)
        .set(bearer(dev))
        .set('Content-Type', 'application/json')
        .send('[1]');
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(1001);
    });
  });

  describe('plan changes on a service that does not support them', () => {
    it.each([
      ['another plan of the same service', () => world.plans['svc-fixed-plan-2']!],
      [
        'a plan of another service (110004 comes first in CC)',
        () => world.plans['svc-main-plan-1']!,
      ],
      ['an unknown plan', () => 'no-such-plan'],
    ])('when asked for %s, answers 400 110004 and changes nothing', async (_label, plan) => {
      const si = await provision('svc-fixed-plan-1');
      broker.reset();
      const before = await snapshot(w.knex, INSTANCE_TABLES);
      expectCfError(await put(si.guid, { service_plan_guid: plan() }), 400, PLAN_NOT_UPDATEABLE);
      await expectUnchanged(before);
      expect(instanceRequests()).toEqual([]);
    });

    it('when parameters only are changed, the broker still gets a PATCH without plan_id', async () => {
      const si = await provision('svc-fixed-plan-1');
      broker.reset();
      expectCfJson(await put(si.guid, { parameters: { x: 1 } }), 201);
      expect(broker.requestsTo('PATCH', INSTANCE)[0]?.json).not.toHaveProperty('plan_id');
    });
  });

  describe('when the broker fails the update', () => {
    it.each<[string, FakeReply, number, CfErrorBody]>([
      [
        '500',
        reply.status(500, { description: 'patch boom' }),
        502,
        brokerError('ServiceBrokerBadResponse', 'Service broker error: patch boom', {
          method: 'PATCH',
          status: 500,
        }),
      ],
      [
        '201 (not an update status)',
        reply.json(201, {}),
        502,
        brokerError(
          'ServiceBrokerBadResponse',
          'The service broker returned an invalid response. Status Code: 201 Created, Body: {}',
          { method: 'PATCH', status: 201 },
        ),
      ],
      [
        '422 AsyncRequired',
        reply.status(422, { error: 'AsyncRequired' }),
        400,
        brokerError(
          'AsyncRequired',
          'This service plan requires client support for asynchronous service operations.',
          { method: 'PATCH', status: 422 },
        ),
      ],
      [
        '422 with another error',
        reply.status(422, { error: 'QuotaExceeded', description: 'too big' }),
        502,
        brokerError('ServiceBrokerRequestRejected', 'Service broker error: too big', {
          method: 'PATCH',
          status: 422,
        }),
      ],
      ['202 without accepts_incomplete', reply.json(202, {}), 502, ASYNC_NOT_ALLOWED],
    ])(
      'with %s, answers the error, keeps name, tags, plan and parameters, records the failed update and mitigates nothing',
      async (_label, answer, status, expected) => {
        const si = await provision('svc-main-plan-1', {
          tags: ['before'],
          parameters: { size: 's' },
        });
        broker.reset();
        broker.on('PATCH', INSTANCE, answer);
        const before = await w.knex('service_instances').where({ guid: si.guid }).first();

        const res = await put(si.guid, {
          name: `${si.name}-new`,
          tags: ['after'],
          parameters: { size: 'l' },
          service_plan_guid: world.plans['svc-main-plan-2'],
        });

        expectCfError(res, status, expected);
        const after = await w.knex('service_instances').where({ guid: si.guid }).first();
        expect(after).toMatchObject({
          name: before.name,
          tags: before.tags,
          service_plan_id: before.service_plan_id,
          parameters_encrypted: before.parameters_encrypted,
          proposed_service_plan_id: null,
          last_operation_type: 'update',
          last_operation_state: 'failed',
        });
        const read = await get(si.guid);
        expect(read.body.entity.last_operation).toMatchObject({ type: 'update', state: 'failed' });
        await sleep(200);
        expect(broker.requestsTo('DELETE', INSTANCE)).toEqual([]);
      },
    );
  });
});

describe('DELETE /v2/service_instances/:guid', () => {
  function del(guid: string, query = '', token = dev): request.Test {
    return request(w.app).delete(`/v2/service_instances/${guid}${query}`).set(bearer(token));
  }
  async function addKey(guid: string, name = uniqueName('key')): Promise<string> {
    const res = await request(w.app)
      .post('/v2/service_keys')
      .set(bearer(dev))
      .send({ service_instance_guid: guid, name });
    if (res.status !== 201) throw new Error(`key: ${res.status} ${res.text}`);
    return String(res.body.metadata.guid);
  }

  it('when the broker deprovisions synchronously, answers 204 and the instance is gone', async () => {
    const si = await provision();
    broker.reset();
    const res = await del(si.guid);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const deletes = broker.requestsTo('DELETE', INSTANCE);
    expect(deletes.map((d) => [d.path, d.query])).toEqual([
      [`/v2/service_instances/${si.guid}`, { service_id: 'svc-main', plan_id: 'svc-main-plan-1' }],
    ]);
    expect(originatingIdentity(deletes[0]?.headers['x-broker-api-originating-identity'])).toEqual({
      platform: 'cloudfoundry',
      identity: { user_id: world.developer.guid },
    });
    expectCfError(await get(si.guid), 404, notFound(si.guid));
  });

  it('when the broker answers 410, the instance is already gone: 204', async () => {
    const si = await provision();
    broker.on('DELETE', INSTANCE, reply.status(410, {}));
    expect((await del(si.guid)).status).toBe(204);
    expect(await w.knex('service_instances').where({ guid: si.guid })).toEqual([]);
  });

  it('when accepts_incomplete=true and the broker works asynchronously, answers 202 delete in progress, polls, then the instance is gone', async () => {
    const si = await provision();
    broker.reset();
    broker.on('DELETE', INSTANCE, reply.json(202, { operation: 'op-delete' }));
    broker.on(
      'GET',
      `${INSTANCE}/last_operation`,
      reply.json(200, { state: 'in progress', description: 'Deleting' }),
      reply.json(200, { state: 'succeeded' }),
    );

    const res = await del(si.guid, '?accepts_incomplete=true');

    expectCfJson(res, 202);
    expect(res.headers.location).toBe(`/v2/service_instances/${si.guid}`);
    expect(res.body.metadata.guid).toBe(si.guid);
    expect(res.body.entity.last_operation).toEqual({
      type: 'delete',
      state: 'in progress',
      description: '',
      updated_at: TIMESTAMP,
      created_at: TIMESTAMP,
    });
    expect(broker.requestsTo('DELETE', INSTANCE)[0]?.query).toEqual({
      service_id: 'svc-main',
      plan_id: 'svc-main-plan-1',
      accepts_incomplete: 'true',
    });
    await eventually(async () => ((await get(si.guid)).status === 404 ? true : undefined));
    expect(
      broker.requestsTo('GET', `${INSTANCE}/last_operation`).map((p) => p.query.operation),
    ).toEqual(['op-delete', 'op-delete']);
  });

  it('when a poll of an async delete answers 410, the instance is gone', async () => {
    const si = await provision();
    broker.on('DELETE', INSTANCE, reply.json(202, {}));
    broker.on('GET', `${INSTANCE}/last_operation`, reply.status(410, {}));
    expect((await del(si.guid, '?accepts_incomplete=true')).status).toBe(202);
    await eventually(async () => ((await get(si.guid)).status === 404 ? true : undefined));
  });

  it('when an async delete fails, the instance stays with last_operation delete failed', async () => {
    const si = await provision();
    broker.on('DELETE', INSTANCE, reply.json(202, {}));
    broker.on(
      'GET',
      `${INSTANCE}/last_operation`,
      reply.json(200, { state: 'failed', description: 'cannot delete' }),
    );
    expect((await del(si.guid, '?accepts_incomplete=true')).status).toBe(202);
    const failed = await eventually(async () => {
      const r = await get(si.guid);
      return r.body.entity.last_operation.state === 'failed' ? r : undefined;
    });
    expect(failed.body.entity.last_operation).toMatchObject({
      type: 'delete',
      state: 'failed',
      description: 'cannot delete',
    });
  });

  it('when the instance has keys, answers 400 10006 unless recursive', async () => {
    const si = await provision();
    await addKey(si.guid);
    broker.reset();
    const before = await snapshot(w.knex, INSTANCE_TABLES);
    expectCfError(await del(si.guid), 400, ASSOCIATIONS);
    await expectUnchanged(before);
    expect(instanceRequests()).toEqual([]);
  });

  it('when recursive=true, unbinds every key, then deprovisions', async () => {
    const si = await provision();
    const keys = [await addKey(si.guid), await addKey(si.guid)];
    broker.reset();
    expect((await del(si.guid, '?recursive=true')).status).toBe(204);
    expect(broker.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `DELETE /v2/service_instances/${si.guid}/service_bindings/${keys[0]}`,
      `DELETE /v2/service_instances/${si.guid}/service_bindings/${keys[1]}`,
      `DELETE /v2/service_instances/${si.guid}`,
    ]);
    expect(await w.knex('service_keys').whereIn('guid', keys)).toEqual([]);
  });

  it('when purge=true and the caller is an admin, removes the instance and its keys without calling the broker', async () => {
    const si = await provision();
    const key = await addKey(si.guid);
    broker.reset();
    expect((await del(si.guid, '?purge=true', w.adminToken)).status).toBe(204);
    expect(broker.requests).toHaveLength(0);
    expect(await w.knex('service_instances').where({ guid: si.guid })).toEqual([]);
    expect(await w.knex('service_keys').where({ guid: key })).toEqual([]);
  });

  it('when a create is in progress, the delete is allowed and deprovisions', async () => {
    const si = await provision();
    await markInProgress(si.guid, 'create');
    broker.reset();
    expect((await del(si.guid)).status).toBe(204);
    expect(broker.requestsTo('DELETE', INSTANCE)).toHaveLength(1);
  });

  describe('errors', () => {
    let si: { guid: string; name: string };
    let before: Record<string, unknown[]>;
    beforeEach(async () => {
      si = await provision();
      broker.reset();
      before = await snapshot(w.knex, INSTANCE_TABLES);
    });

    describe('refused before the broker is called', () => {
      afterEach(async () => {
        await expectUnchanged(before);
        expect(instanceRequests()).toEqual([]);
      });

      it('when the instance is unknown, answers 404 60004', async () => {
        expectCfError(await del('no-such-instance'), 404, notFound('no-such-instance'));
      });

      it('when accepts_incomplete is not a boolean, answers 400 10004', async () => {
        expectCfError(await del(si.guid, '?accepts_incomplete=nope'), 400, INVALID_REQUEST);
      });

      it.each([
        ['a space auditor', 'auditor'],
        ['a user without roles', 'outsider'],
      ] as const)('when %s deletes, answers 403 10003', async (_label, who) => {
        expectCfError(await del(si.guid, '', users[who].token), 403, NOT_AUTHORIZED);
      });

      it('when a developer purges, answers 403 10003', async () => {
        expectCfError(await del(si.guid, '?purge=true'), 403, NOT_AUTHORIZED);
      });

      it.each(['update', 'delete'] as const)(
        'when an %s is in progress, answers 409 60016',
        async (type) => {
          await markInProgress(si.guid, type);
          before = await snapshot(w.knex, INSTANCE_TABLES);
          expectCfError(await del(si.guid), 409, inProgress(si.name));
        },
      );

      it('when the token lacks cloud_controller.write, answers 403 10007', async () => {
        expectCfError(await del(si.guid, '', users.readOnly.token), 403, INSUFFICIENT_SCOPE);
      });
    });

    it.each<[string, FakeReply, number, (name: string) => CfErrorBody]>([
      [
        '500',
        reply.status(500, { description: 'nope' }),
        502,
        (n) =>
          brokerError(
            'ServiceBrokerBadResponse',
            `Service instance ${n}: Service broker error: nope`,
            { method: 'DELETE', status: 500 },
          ),
      ],
      [
        '409',
        reply.status(409, {}),
        502,
        (n) =>
          brokerError(
            'ServiceBrokerBadResponse',
            `Service instance ${n}: The service broker returned an invalid response. Status Code: 409 Conflict, Body: {}`,
            { method: 'DELETE', status: 409 },
          ),
      ],
      [
        '422 ConcurrencyError',
        reply.status(422, { error: 'ConcurrencyError' }),
        409,
        (n) => inProgress(n),
      ],
      [
        '202 without accepts_incomplete',
        reply.json(202, {}),
        502,
        (n) => ({
          ...ASYNC_NOT_ALLOWED,
          description: `Service instance ${n}: ${ASYNC_NOT_ALLOWED.description}`,
        }),
      ],
    ])(
      'when the broker answers %s, answers the error and keeps the instance with last_operation delete failed',
      async (_label, answer, status, expected) => {
        broker.on('DELETE', INSTANCE, answer);
        const res = await del(si.guid);
        expectCfError(res, status, expected(si.name));
        const read = await get(si.guid);
        expect(read.status).toBe(200);
        expect(read.body.entity.last_operation).toMatchObject({ type: 'delete', state: 'failed' });
      },
    );

    it('when the broker does not answer in time, answers 504 CF-HttpClientTimeout prefixed with the instance', async () => {
      broker.on('DELETE', INSTANCE, reply.delay(1500, reply.json(200, {})));
      const res = await del(si.guid);
      expectCfError(
        res,
        504,
        brokerError(
          'HttpClientTimeout',
          `Service instance ${si.name}: The request to the service broker timed out`,
          {
            uri: `${broker.url}/v2/service_instances/${si.guid}?service_id=svc-main&plan_id=svc-main-plan-1`,
            method: 'DELETE',
          },
        ),
      );
    });
  });
});

describe('GET /v2/service_instances/:guid/parameters', () => {
  it("when the service is instances_retrievable, answers the broker's parameters", async () => {
    const si = await provision('svc-main-plan-1', { parameters: { size: 'm' } });
    broker.reset();
    broker.on(
      'GET',
      INSTANCE,
      reply.json(200, {
        service_id: 'svc-main',
        plan_id: 'svc-main-plan-1',
        parameters: { size: 'm', region: 'eu' },
      }),
    );
    const res = await request(w.app)
      .get(`/v2/service_instances/${si.guid}/parameters`)
      .set(bearer(dev));
    expectCfJson(res, 200);
    expect(res.body).toEqual({ size: 'm', region: 'eu' });
    const fetches = broker.requestsTo('GET', INSTANCE);
    expect(fetches.map((f) => [f.path, f.query])).toEqual([
      [`/v2/service_instances/${si.guid}`, { service_id: 'svc-main', plan_id: 'svc-main-plan-1' }],
    ]);
  });

  it('when the broker answers without parameters, answers {}', async () => {
    const si = await provision();
    broker.on('GET', INSTANCE, reply.json(200, { service_id: 'svc-main' }));
    const res = await request(w.app)
      .get(`/v2/service_instances/${si.guid}/parameters`)
      .set(bearer(users.auditor.token));
    expectCfJson(res, 200);
    expect(res.body).toEqual({});
  });

  it('when the broker fails, answers its broker-layer error', async () => {
    const si = await provision();
    broker.on('GET', INSTANCE, reply.status(500, { description: 'no fetch today' }));
    const res = await request(w.app)
      .get(`/v2/service_instances/${si.guid}/parameters`)
      .set(bearer(dev));
    expectCfError(
      res,
      502,
      brokerError('ServiceBrokerBadResponse', 'Service broker error: no fetch today', {
        method: 'GET',
        status: 500,
      }),
    );
  });

  it('when the service is not instances_retrievable, answers 400 120004 without calling the broker', async () => {
    const si = await provision('svc-fixed-plan-1');
    broker.reset();
    const res = await request(w.app)
      .get(`/v2/service_instances/${si.guid}/parameters`)
      .set(bearer(dev));
    expectCfError(
      res,
      400,
      cf(
        120004,
        'ServiceFetchInstanceParametersNotSupported',
        'This service does not support fetching service instance parameters.',
      ),
    );
    expect(instanceRequests()).toEqual([]);
  });

  it('when the caller may not read the instance, answers 403 10003', async () => {
    const si = await provision();
    expectCfError(
      await request(w.app)
        .get(`/v2/service_instances/${si.guid}/parameters`)
        .set(bearer(users.outsider.token)),
      403,
      NOT_AUTHORIZED,
    );
  });

  it('when the instance is unknown, answers 404 60004', async () => {
    expectCfError(
      await request(w.app).get('/v2/service_instances/nope/parameters').set(bearer(dev)),
      404,
      notFound('nope'),
    );
  });
});

describe('GET /v2/service_instances/:guid/permissions', () => {
  let si: { guid: string; name: string };
  beforeAll(async () => {
    si = await provision();
  });

  it.each([
    ['the space developer', () => dev, { manage: true, read: true }],
    ['an admin', () => w.adminToken, { manage: true, read: true }],
    ['a space auditor', () => users.auditor.token, { manage: false, read: true }],
    ['an org manager', () => users.orgManager.token, { manage: false, read: true }],
    ['a global auditor', () => users.globalAuditor.token, { manage: false, read: true }],
    [
      'a user without roles (never 403)',
      () => users.outsider.token,
      { manage: false, read: false },
    ],
    [
      'a user holding only cloud_controller_service_permissions.read',
      () => users.permissionsOnly.token,
      { manage: false, read: true },
    ],
  ])('when asked by %s, answers its flags', async (_label, token, expected) => {
    const res = await request(w.app)
      .get(`/v2/service_instances/${si.guid}/permissions`)
      .set(bearer(token()));
    expectCfJson(res, 200);
    expect(res.body).toEqual(expected);
  });

  it('when the token has neither read scope, answers 403 10007', async () => {
    const writer = await addUser('perm-writer', ['openid', 'cloud_controller.write']);
    expectCfError(
      await request(w.app)
        .get(`/v2/service_instances/${si.guid}/permissions`)
        .set(bearer(writer.token)),
      403,
      INSUFFICIENT_SCOPE,
    );
  });

  it('when the instance is unknown, answers 404 60004', async () => {
    expectCfError(
      await request(w.app).get('/v2/service_instances/nope/permissions').set(bearer(dev)),
      404,
      notFound('nope'),
    );
  });
});

describe('GET /v2/service_instances/:guid/service_bindings', () => {
  it('when read by a member, answers an empty list (Wharf has no apps)', async () => {
    const si = await provision();
    const res = await request(w.app)
      .get(`/v2/service_instances/${si.guid}/service_bindings`)
      .set(bearer(users.auditor.token));
    expectCfJson(res, 200);
    expect(res.body).toEqual({
      total_results: 0,
      total_pages: 1,
      prev_url: null,
      next_url: null,
      resources: [],
    });
  });

  it('when the caller may not read the instance, answers 403 10003', async () => {
    const si = await provision();
    expectCfError(
      await request(w.app)
        .get(`/v2/service_instances/${si.guid}/service_bindings`)
        .set(bearer(users.outsider.token)),
      403,
      NOT_AUTHORIZED,
    );
  });

  it('when the instance is unknown, answers 404 60028 as nested routes do', async () => {
    expectCfError(
      await request(w.app).get('/v2/service_instances/nope/service_bindings').set(bearer(dev)),
      404,
      cf(60028, 'ManagedServiceInstanceNotFound', 'The service instance could not be found: nope'),
    );
  });
});

describe('a restart of Wharf while an operation is polled', () => {
  it('when Wharf stops mid-poll, a new Wharf on the same data directory resumes polling and finishes the operation', async () => {
    const first = await startInstancesWharf();
    const slow = await FakeBroker.start({ catalog: instanceCatalog() });
    let second: Awaited<ReturnType<typeof reopenWharf>> | undefined;
    try {
      const setup = await setUpBrokerWorld(first, slow, { publicPlans: ['svc-main-plan-1'] });
      slow.on('PUT', INSTANCE, reply.json(202, { operation: 'op-restart' }));
      slow.on(
        'GET',
        `${INSTANCE}/last_operation`,
        reply.json(200, { state: 'in progress', description: 'working' }),
      );
      const res = await request(first.app)
        .post('/v2/service_instances?accepts_incomplete=true')
        .set(bearer(setup.developer.token))
        .send({
          name: 'survivor',
          space_guid: setup.spaceGuid,
          service_plan_guid: setup.plans['svc-main-plan-1'],
        });
      expect(res.status).toBe(202);
      const guid = String(res.body.metadata.guid);
      await eventually(() =>
        slow.requestsTo('GET', `${INSTANCE}/last_operation`).length >= 2 ? true : undefined,
      );

      await first.close();
      const pollsWhileStopped = slow.requestsTo('GET', `${INSTANCE}/last_operation`).length;
      await sleep(300);
      expect(slow.requestsTo('GET', `${INSTANCE}/last_operation`)).toHaveLength(pollsWhileStopped);
      const job = await (async () => {
        const probe = first.database.connect();
        try {
          return (await probe('jobs')
            .where({ resource_guid: guid, kind: 'instance.poll' })
            .first()) as unknown;
        } finally {
          await probe.destroy();
        }
      })();
      expect(job).toMatchObject({ state: 'pending' });

      slow.on(
        'GET',
        `${INSTANCE}/last_operation`,
        reply.json(200, { state: 'succeeded', description: 'done after restart' }),
      );
      second = await reopenWharf(first);
      const app = second.app;
      const done = await eventually(async () => {
        const r = await request(app)
          .get(`/v2/service_instances/${guid}`)
          .set(bearer(setup.developer.token));
        return r.body.entity?.last_operation?.state === 'succeeded' ? r : undefined;
      });
      expect(done.body.entity).toMatchObject({
        name: 'survivor',
        last_operation: { type: 'create', state: 'succeeded', description: 'done after restart' },
      });
      expect(slow.requestsTo('GET', `${INSTANCE}/last_operation`).length).toBeGreaterThan(
        pollsWhileStopped,
      );
      expect(
        await second.knex('jobs').where({ resource_guid: guid, kind: 'instance.poll' }).first(),
      ).toMatchObject({ state: 'succeeded' });
    } finally {
      if (second) await second.destroy();
      else await first.stop();
      await slow.close();
    }
  });
});
