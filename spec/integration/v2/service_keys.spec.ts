import request from 'supertest';
import {
  badQueryParameter,
  expectCfError,
  expectCfJson,
  INSUFFICIENT_SCOPE,
  NOT_AUTHENTICATED,
  NOT_AUTHORIZED,
} from '../../support/cf-expect';
import type { CfErrorBody } from '../../support/cf-expect';
import { FakeBroker, reply } from '../../support/fake-broker';
import type { FakeReply, RecordedRequest } from '../../support/fake-broker';
import {
  createTenant,
  drainJobs,
  INSTANCE_TABLES,
  instanceCatalog,
  originatingIdentity,
  setUpBrokerWorld,
  startInstancesWharf,
} from '../../support/instances';
import type { BrokerWorld } from '../../support/instances';
import { grantOrgRole, grantSpaceRole } from '../../support/orgs';
import { bearer, snapshot } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

const TIMESTAMP = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const BINDING = '/v2/service_instances/:instance_id/service_bindings/:binding_id';
const REDACTED = { redacted_message: '[PRIVATE DATA HIDDEN]' };
/** Reference §3.7's entity keys, in CC's order. */
const KEY_ENTITY_KEYS = [
  'name',
  'service_instance_guid',
  'credentials',
  'service_instance_url',
  'service_key_parameters_url',
];

function cf(code: number, name: string, description: string): CfErrorBody {
  return { description, error_code: `CF-${name}`, code };
}
function brokerError(
  name: string,
  description: string,
  http: Record<string, unknown>,
): CfErrorBody {
  return { description, error_code: `CF-${name}`, code: 10001, http } as CfErrorBody;
}
const keyNotFound = (guid: string): CfErrorBody =>
  cf(360003, 'ServiceKeyNotFound', `The service key could not be found: ${guid}`);
const NOT_BINDABLE = cf(
  360004,
  'ServiceKeyNotSupported',
  "This service doesn't support creation of keys.",
);

/** What the fake broker hands out on bind, unless a spec says otherwise. */
const CREDENTIALS = {
  uri: 'postgres://u-1:s3cr3t-Pa55@db.internal:5432/orders',
  username: 'u-1',
  password: 's3cr3t-Pa55',
  ports: { main: 5432 },
};

let w: TestWharf;
let broker: FakeBroker;
let world: BrokerWorld;
let dev: string;
let instance: { guid: string; name: string };
let unbindable: { guid: string; name: string };
let other: Awaited<ReturnType<typeof createTenant>>;
let otherInstance: { guid: string; name: string };
const users = {} as Record<
  'auditor' | 'outsider' | 'globalAuditor' | 'adminReadOnly' | 'readOnly',
  { guid: string; token: string }
>;

async function addUser(
  name: string,
  scopes?: readonly string[],
): Promise<{ guid: string; token: string }> {
  const user = await w.createUser(name, scopes);
  return { guid: user.guid, token: w.tokenFor(user) };
}

async function provision(
  token: string,
  spaceGuid: string,
  plan: string,
  name: string,
): Promise<{ guid: string; name: string }> {
  const res = await request(w.app)
    .post('/v2/service_instances')
    .set(bearer(token))
    .send({ name, space_guid: spaceGuid, service_plan_guid: world.plans[plan] });
  if (res.status !== 201) throw new Error(`provision: ${res.status} ${res.text}`);
  return { guid: String(res.body.metadata.guid), name };
}

beforeAll(async () => {
  w = await startInstancesWharf();
  broker = await FakeBroker.start({ catalog: instanceCatalog() });
  world = await setUpBrokerWorld(w, broker, {
    publicPlans: ['svc-main-plan-1', 'svc-fixed-plan-1'],
  });
  dev = world.developer.token;
  users.auditor = await addUser('space-auditor');
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
  await grantOrgRole(w, world.orgGuid, 'users', users.auditor.guid);
  await grantSpaceRole(w, world.spaceGuid, 'auditors', users.auditor.guid);
  instance = await provision(dev, world.spaceGuid, 'svc-main-plan-1', 'orders-db');
  unbindable = await provision(dev, world.spaceGuid, 'svc-fixed-plan-1', 'fixed');
  other = await createTenant(w, 'keys-other');
  otherInstance = await provision(
    other.developer.token,
    other.spaceGuid,
    'svc-main-plan-1',
    'their-db',
  );
});
afterAll(async () => {
  await w.stop();
  await broker.close();
});
beforeEach(() => {
  broker.reset();
  broker.on('PUT', BINDING, reply.json(201, { credentials: CREDENTIALS }));
});
afterEach(async () => {
  await drainJobs(w);
});

let counter = 0;
function keyName(): string {
  return `key-${++counter}`;
}

function postKey(token: string, body: Record<string, unknown>): request.Test {
  return request(w.app).post('/v2/service_keys').set(bearer(token)).send(body);
}

async function createKey(
  instanceGuid = instance.guid,
  token = dev,
  fields: Record<string, unknown> = {},
): Promise<{ guid: string; name: string }> {
  const name = keyName();
  const res = await postKey(token, { service_instance_guid: instanceGuid, name, ...fields });
  if (res.status !== 201) throw new Error(`create key: ${res.status} ${res.text}`);
  return { guid: String(res.body.metadata.guid), name };
}

function bindingRequests(method?: string): RecordedRequest[] {
  return broker.requests.filter(
    (r) => r.path.includes('/service_bindings/') && (method === undefined || r.method === method),
  );
}

async function expectUnchanged(before: Record<string, unknown[]>): Promise<void> {
  expect(await snapshot(w.knex, INSTANCE_TABLES)).toEqual(before);
}

describe('POST /v2/service_keys', () => {
  it("when a space developer creates a key, the broker binds, Wharf answers 201 with Location and the broker's credentials", async () => {
    const res = await postKey(dev, {
      service_instance_guid: instance.guid,
      name: 'ci-key',
      parameters: { role: 'reader' },
    });

    expectCfJson(res, 201);
    const guid = String(res.body.metadata.guid);
    expect(guid).toMatch(UUID);
    expect(res.headers.location).toBe(`/v2/service_keys/${guid}`);
    expect(res.body).toEqual({
      metadata: {
        guid,
        url: `/v2/service_keys/${guid}`,
        created_at: TIMESTAMP,
        updated_at: TIMESTAMP,
      },
      entity: {
        name: 'ci-key',
        service_instance_guid: instance.guid,
        credentials: CREDENTIALS,
        service_instance_url: `/v2/service_instances/${instance.guid}`,
        service_key_parameters_url: `/v2/service_keys/${guid}/parameters`,
      },
    });
    expect(Object.keys(res.body.entity)).toEqual(KEY_ENTITY_KEYS);

    const binds = bindingRequests('PUT');
    expect(binds).toHaveLength(1);
    const bind = binds[0]!;
    expect(bind.path).toBe(`/v2/service_instances/${instance.guid}/service_bindings/${guid}`);
    // Keys are never created asynchronously (cf-v2-api.md §4.4).
    expect(bind.query).toEqual({});
    expect(bind.json).toEqual({
      service_id: 'svc-main',
      plan_id: 'svc-main-plan-1',
      bind_resource: {},
      context: expect.objectContaining({
        platform: 'cloudfoundry',
        organization_guid: world.orgGuid,
        space_guid: world.spaceGuid,
      }),
      parameters: { role: 'reader' },
    });
    expect(bind.json).not.toHaveProperty('app_guid');
    expect(originatingIdentity(bind.headers['x-broker-api-originating-identity'])).toEqual({
      platform: 'cloudfoundry',
      identity: { user_id: world.developer.guid },
    });

    const read = await request(w.app).get(`/v2/service_keys/${guid}`).set(bearer(dev));
    expectCfJson(read, 200);
    expect(read.body).toEqual(res.body);
  });

  it('when stored, the credentials and parameters are encrypted at rest, never plaintext', async () => {
    const key = await createKey(instance.guid, dev, {
      parameters: { role: 'writer-with-a-secret-name' },
    });
    const row = await w.knex('service_keys').where({ guid: key.guid }).first();
    expect(row.credentials_encrypted).not.toContain('s3cr3t-Pa55');
    expect(row.credentials_encrypted).not.toContain('postgres://');
    expect(row.credentials_encrypted).not.toContain(Buffer.from('s3cr3t-Pa55').toString('base64'));
    expect(() => {
      JSON.parse(String(row.credentials_encrypted));
    }).toThrow();
    expect(row.parameters_encrypted).not.toContain('writer-with-a-secret-name');
    // …and Wharf's own key opens them again.
    expect(JSON.parse(w.secrets.decrypt(row.credentials_encrypted))).toEqual(CREDENTIALS);
    const dump = JSON.stringify(await w.knex('service_keys').select('*'));
    expect(dump).not.toContain('s3cr3t-Pa55');
  });

  it('when the broker answers 200 (an identical binding), the key is created too', async () => {
    broker.on('PUT', BINDING, reply.json(200, { credentials: { token: 'same' } }));
    const res = await postKey(dev, { service_instance_guid: instance.guid, name: keyName() });
    expectCfJson(res, 201);
    expect(res.body.entity.credentials).toEqual({ token: 'same' });
  });

  it('when the broker returns no credentials, the key has {}', async () => {
    broker.on('PUT', BINDING, reply.json(201, {}));
    const res = await postKey(dev, { service_instance_guid: instance.guid, name: keyName() });
    expectCfJson(res, 201);
    expect(res.body.entity.credentials).toEqual({});
  });

  it('when an admin creates a key in any space, it works', async () => {
    const res = await postKey(w.adminToken, {
      service_instance_guid: otherInstance.guid,
      name: keyName(),
    });
    expectCfJson(res, 201);
  });

  describe('refused before the broker is called, leaving everything unchanged', () => {
    let before: Record<string, unknown[]>;
    let taken: { guid: string; name: string };
    beforeAll(async () => {
      taken = await createKey();
    });
    beforeEach(async () => {
      broker.reset();
      before = await snapshot(w.knex, INSTANCE_TABLES);
    });
    afterEach(async () => {
      await expectUnchanged(before);
      expect(bindingRequests()).toEqual([]);
    });

    it('when there is no token, answers 401 10002', async () => {
      expectCfError(
        await request(w.app)
          .post('/v2/service_keys')
          .send({ service_instance_guid: instance.guid, name: 'x' }),
        401,
        NOT_AUTHENTICATED,
      );
    });

    it('when the token lacks cloud_controller.write, answers 403 10007', async () => {
      expectCfError(
        await postKey(users.readOnly.token, { service_instance_guid: instance.guid, name: 'x' }),
        403,
        INSUFFICIENT_SCOPE,
      );
    });

    it('when the name is missing, answers 400 1001', async () => {
      const res = await postKey(dev, { service_instance_guid: instance.guid });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ code: 1001, error_code: 'CF-MessageParseError' });
      expect(res.body.description).toContain('Field: name, Error: Missing field name');
    });

    it('when parameters is not an object, answers 400 1001', async () => {
      const res = await postKey(dev, {
        service_instance_guid: instance.guid,
        name: 'x',
        parameters: [1],
      });
      expect(res.body).toMatchObject({ code: 1001 });
      expect(res.body.description).toContain('Field: parameters');
    });

    it('when the instance is unknown, answers 404 60004', async () => {
      expectCfError(
        await postKey(dev, { service_instance_guid: 'no-such-instance', name: 'x' }),
        404,
        cf(
          60004,
          'ServiceInstanceNotFound',
          'The service instance could not be found: no-such-instance',
        ),
      );
    });

    it.each([
      ['a space auditor', () => users.auditor.token],
      ['a user without roles', () => users.outsider.token],
      ['a developer of another space', () => other.developer.token],
    ])('when %s creates a key, answers 403 10003', async (_label, token) => {
      expectCfError(
        await postKey(token(), { service_instance_guid: instance.guid, name: 'x' }),
        403,
        NOT_AUTHORIZED,
      );
    });

    it('when the service is not bindable, answers 400 360004', async () => {
      expectCfError(
        await postKey(dev, { service_instance_guid: unbindable.guid, name: 'x' }),
        400,
        NOT_BINDABLE,
      );
    });

    it('when the name is taken for this instance, answers 400 360001', async () => {
      expectCfError(
        await postKey(dev, { service_instance_guid: instance.guid, name: taken.name }),
        400,
        cf(360001, 'ServiceKeyNameTaken', `The service key name is taken: ${taken.name}`),
      );
    });

    it('when an operation on the instance is in progress, answers 409 60016', async () => {
      await w
        .knex('service_instances')
        .where({ guid: instance.guid })
        .update({ last_operation_state: 'in progress' });
      try {
        before = await snapshot(w.knex, INSTANCE_TABLES);
        expectCfError(
          await postKey(dev, { service_instance_guid: instance.guid, name: 'x' }),
          409,
          cf(
            60016,
            'AsyncServiceInstanceOperationInProgress',
            `An operation for service instance ${instance.name} is in progress.`,
          ),
        );
        await expectUnchanged(before);
      } finally {
        await w
          .knex('service_instances')
          .where({ guid: instance.guid })
          .update({ last_operation_state: 'succeeded' });
        before = await snapshot(w.knex, INSTANCE_TABLES);
      }
    });
  });

  it('when the same name is used for a key of another instance, it is allowed', async () => {
    const key = await createKey();
    const res = await postKey(w.adminToken, {
      service_instance_guid: otherInstance.guid,
      name: key.name,
    });
    expectCfJson(res, 201);
  });

  describe('when the broker fails the bind, answers the broker-layer error and stores no key', () => {
    it.each<[string, FakeReply, number, CfErrorBody]>([
      [
        '409',
        reply.status(409, { description: 'binding exists' }),
        409,
        brokerError('ServiceBrokerConflict', 'Service broker error: binding exists', {
          method: 'PUT',
          status: 409,
        }),
      ],
      [
        '500',
        reply.status(500, { description: 'bind boom' }),
        502,
        brokerError('ServiceBrokerBadResponse', 'Service broker error: bind boom', {
          method: 'PUT',
          status: 500,
        }),
      ],
      [
        '422 RequiresApp',
        reply.status(422, { error: 'RequiresApp' }),
        400,
        brokerError(
          'AppRequired',
          'This service supports generation of credentials through binding an application only.',
          { method: 'PUT', status: 422 },
        ),
      ],
      [
        '400',
        reply.status(400, { description: 'no keys for you' }),
        502,
        brokerError('ServiceBrokerRequestRejected', 'Service broker error: no keys for you', {
          method: 'PUT',
          status: 400,
        }),
      ],
      [
        '202 (keys are never async)',
        reply.json(202, { operation: 'later' }),
        502,
        cf(
          270017,
          'ServiceBrokerRespondedAsyncWhenNotAllowed',
          'The service broker responded asynchronously to a request, but the accepts_incomplete query parameter was false or not given.',
        ),
      ],
      [
        'credentials that are not an object',
        reply.json(201, { credentials: 'plain-text-secret' }),
        502,
        brokerError(
          'ServiceBrokerResponseMalformed',
          'The service broker returned an invalid response: expected credentials to be a JSON object',
          { method: 'PUT', status: 201 },
        ),
      ],
    ])('with %s', async (label, answer, status, expected) => {
      broker.reset();
      broker.on('PUT', BINDING, answer);
      const tables = INSTANCE_TABLES.filter((t) => t !== 'jobs');
      const before = await snapshot(w.knex, tables);
      expectCfError(
        await postKey(dev, { service_instance_guid: instance.guid, name: keyName() }),
        status,
        expected,
      );
      expect(await snapshot(w.knex, tables)).toEqual(before);
      // Orphan mitigation (osb-api.md §9): an unbind follows a 5xx, a 202 nobody could wait for
      // and a malformed non-200 answer; never a 4xx rejection or a 409.
      const mitigated = [
        '500',
        '202 (keys are never async)',
        'credentials that are not an object',
      ].includes(label);
      await drainJobs(w);
      const bound = broker.requestsTo('PUT', BINDING);
      const unbound = broker.requestsTo('DELETE', BINDING);
      expect(bound).toHaveLength(1);
      expect(unbound.map((r) => r.path)).toEqual(mitigated ? [bound[0]!.path] : []);
    });
  });
});

describe('reading keys', () => {
  let mine: { guid: string; name: string };
  let theirs: { guid: string; name: string };
  beforeAll(async () => {
    broker.on('PUT', BINDING, reply.json(201, { credentials: CREDENTIALS }));
    await w.knex('service_keys').delete();
    mine = await createKey(instance.guid, dev, { parameters: { role: 'reader' } });
    theirs = await createKey(otherInstance.guid, other.developer.token);
  });

  const names = (res: request.Response): string[] =>
    (res.body as { resources: { entity: { name: string } }[] }).resources.map((r) => r.entity.name);

  describe('GET /v2/service_keys', () => {
    it('when a space developer lists, sees the keys of their spaces with credentials', async () => {
      const res = await request(w.app).get('/v2/service_keys').set(bearer(dev));
      expectCfJson(res, 200);
      expect(res.body).toMatchObject({
        total_results: 1,
        total_pages: 1,
        prev_url: null,
        next_url: null,
      });
      expect(res.body.resources[0]).toEqual(
        (await request(w.app).get(`/v2/service_keys/${mine.guid}`).set(bearer(dev))).body,
      );
      expect(res.body.resources[0].entity.credentials).toEqual(CREDENTIALS);
    });

    it.each([
      ['a space auditor', () => users.auditor.token, []],
      ['a user without roles', () => users.outsider.token, []],
    ])('when %s lists, sees no key', async (_label, token, expected) => {
      const res = await request(w.app).get('/v2/service_keys').set(bearer(token()));
      expectCfJson(res, 200);
      expect(names(res)).toEqual(expected);
    });

    it('when an admin lists, sees every key with credentials', async () => {
      const res = await request(w.app).get('/v2/service_keys').set(bearer(w.adminToken));
      expect(names(res)).toEqual([mine.name, theirs.name]);
      expect(
        res.body.resources.map((r: { entity: { credentials: unknown } }) => r.entity.credentials),
      ).toEqual([CREDENTIALS, CREDENTIALS]);
    });

    it('when an admin_read_only user lists, sees every key with credentials', async () => {
      const res = await request(w.app)
        .get('/v2/service_keys')
        .set(bearer(users.adminReadOnly.token));
      expect(
        res.body.resources.map((r: { entity: { credentials: unknown } }) => r.entity.credentials),
      ).toEqual([CREDENTIALS, CREDENTIALS]);
    });

    it('when a global auditor lists, sees every key with [PRIVATE DATA HIDDEN] credentials', async () => {
      const res = await request(w.app)
        .get('/v2/service_keys')
        .set(bearer(users.globalAuditor.token));
      expectCfJson(res, 200);
      expect(names(res)).toEqual([mine.name, theirs.name]);
      expect(
        res.body.resources.map((r: { entity: { credentials: unknown } }) => r.entity.credentials),
      ).toEqual([REDACTED, REDACTED]);
      expect(res.text).not.toContain('s3cr3t-Pa55');
    });

    it.each([
      ['name', () => `q=name:${theirs.name}`, () => [theirs.name]],
      [
        'service_instance_guid',
        () => `q=service_instance_guid:${instance.guid}`,
        () => [mine.name],
      ],
      [
        'name IN',
        () => `q=name%20IN%20${mine.name},${theirs.name}`,
        () => [mine.name, theirs.name],
      ],
    ])('when filtered by %s, answers the matching keys', async (_label, q, expected) => {
      const res = await request(w.app).get(`/v2/service_keys?${q()}`).set(bearer(w.adminToken));
      expectCfJson(res, 200);
      expect(names(res)).toEqual(expected());
    });

    it('when a filter names a field that is not queryable, answers 400 10005', async () => {
      expectCfError(
        await request(w.app).get('/v2/service_keys?q=credentials:x').set(bearer(dev)),
        400,
        badQueryParameter('credentials'),
      );
    });

    it('when the token lacks cloud_controller.read, answers 403 10007', async () => {
      const writer = await addUser('writer-only', ['openid', 'cloud_controller.write']);
      expectCfError(
        await request(w.app).get('/v2/service_keys').set(bearer(writer.token)),
        403,
        INSUFFICIENT_SCOPE,
      );
    });
  });

  describe('GET /v2/service_keys/:guid', () => {
    it('when the space developer reads a key, answers 200 with a Location header, as CC does', async () => {
      const res = await request(w.app).get(`/v2/service_keys/${mine.guid}`).set(bearer(dev));
      expectCfJson(res, 200);
      expect(res.headers.location).toBe(`/v2/service_keys/${mine.guid}`);
      expect(res.body.entity).toEqual({
        name: mine.name,
        service_instance_guid: instance.guid,
        credentials: CREDENTIALS,
        service_instance_url: `/v2/service_instances/${instance.guid}`,
        service_key_parameters_url: `/v2/service_keys/${mine.guid}/parameters`,
      });
    });

    it.each([
      ['a space auditor', () => users.auditor.token],
      ['a user without roles', () => users.outsider.token],
      ['a developer of another space', () => other.developer.token],
    ])('when %s reads it, answers 404 360003 rather than 403', async (_label, token) => {
      expectCfError(
        await request(w.app).get(`/v2/service_keys/${mine.guid}`).set(bearer(token())),
        404,
        keyNotFound(mine.guid),
      );
    });

    it('when a global auditor reads it, the credentials are hidden', async () => {
      const res = await request(w.app)
        .get(`/v2/service_keys/${mine.guid}`)
        .set(bearer(users.globalAuditor.token));
      expectCfJson(res, 200);
      expect(res.body.entity.credentials).toEqual(REDACTED);
    });

    it('when an admin_read_only user reads it, the credentials are shown', async () => {
      const res = await request(w.app)
        .get(`/v2/service_keys/${mine.guid}`)
        .set(bearer(users.adminReadOnly.token));
      expect(res.body.entity.credentials).toEqual(CREDENTIALS);
    });

    it('when the key is unknown, answers 404 360003', async () => {
      expectCfError(
        await request(w.app).get('/v2/service_keys/no-such-key').set(bearer(dev)),
        404,
        keyNotFound('no-such-key'),
      );
    });
  });

  describe('GET /v2/service_keys/:guid/parameters', () => {
    it('when the developer asks, answers the parameters the key was created with', async () => {
      const res = await request(w.app)
        .get(`/v2/service_keys/${mine.guid}/parameters`)
        .set(bearer(dev));
      expectCfJson(res, 200);
      expect(res.body).toEqual({ role: 'reader' });
    });

    it('when the key had no parameters, answers {}', async () => {
      const res = await request(w.app)
        .get(`/v2/service_keys/${theirs.guid}/parameters`)
        .set(bearer(other.developer.token));
      expectCfJson(res, 200);
      expect(res.body).toEqual({});
    });

    it('when someone else asks, answers 404 360003', async () => {
      expectCfError(
        await request(w.app)
          .get(`/v2/service_keys/${mine.guid}/parameters`)
          .set(bearer(users.auditor.token)),
        404,
        keyNotFound(mine.guid),
      );
    });
  });

  describe('GET /v2/service_instances/:guid/service_keys', () => {
    it("when the space developer lists an instance's keys, sees them", async () => {
      const res = await request(w.app)
        .get(`/v2/service_instances/${instance.guid}/service_keys`)
        .set(bearer(dev));
      expectCfJson(res, 200);
      expect(names(res)).toEqual([mine.name]);
      expect(res.body.resources[0].entity.credentials).toEqual(CREDENTIALS);
    });

    it('when filtered by name, answers the match only', async () => {
      const res = await request(w.app)
        .get(`/v2/service_instances/${instance.guid}/service_keys?q=name:nothing`)
        .set(bearer(dev));
      expect(names(res)).toEqual([]);
    });

    it('when a global auditor lists, the credentials are hidden', async () => {
      const res = await request(w.app)
        .get(`/v2/service_instances/${instance.guid}/service_keys`)
        .set(bearer(users.globalAuditor.token));
      expect(
        res.body.resources.map((r: { entity: { credentials: unknown } }) => r.entity.credentials),
      ).toEqual([REDACTED]);
    });

    it.each([
      ['a space auditor', () => users.auditor.token],
      ['a user without roles', () => users.outsider.token],
    ])('when %s lists, answers 403 10003 (developers and admins only)', async (_label, token) => {
      expectCfError(
        await request(w.app)
          .get(`/v2/service_instances/${instance.guid}/service_keys`)
          .set(bearer(token())),
        403,
        NOT_AUTHORIZED,
      );
    });

    it('when the instance is unknown, answers 404 60028', async () => {
      expectCfError(
        await request(w.app).get('/v2/service_instances/nope/service_keys').set(bearer(dev)),
        404,
        cf(
          60028,
          'ManagedServiceInstanceNotFound',
          'The service instance could not be found: nope',
        ),
      );
    });
  });
});

describe('DELETE /v2/service_keys/:guid', () => {
  function del(guid: string, token = dev): request.Test {
    return request(w.app).delete(`/v2/service_keys/${guid}`).set(bearer(token));
  }

  it('when the developer deletes a key, the broker unbinds and Wharf answers 204', async () => {
    const key = await createKey();
    broker.reset();
    const res = await del(key.guid);
    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const unbinds = bindingRequests('DELETE');
    expect(unbinds.map((u) => [u.path, u.query])).toEqual([
      [
        `/v2/service_instances/${instance.guid}/service_bindings/${key.guid}`,
        { service_id: 'svc-main', plan_id: 'svc-main-plan-1' },
      ],
    ]);
    expect(originatingIdentity(unbinds[0]?.headers['x-broker-api-originating-identity'])).toEqual({
      platform: 'cloudfoundry',
      identity: { user_id: world.developer.guid },
    });
    expectCfError(
      await request(w.app).get(`/v2/service_keys/${key.guid}`).set(bearer(dev)),
      404,
      keyNotFound(key.guid),
    );
  });

  it('when the broker answers 410, the binding is already gone: 204', async () => {
    const key = await createKey();
    broker.on('DELETE', BINDING, reply.status(410, {}));
    expect((await del(key.guid)).status).toBe(204);
    expect(await w.knex('service_keys').where({ guid: key.guid })).toEqual([]);
  });

  it('when an admin deletes a key in any space, it works', async () => {
    const key = await createKey(otherInstance.guid, other.developer.token);
    expect((await del(key.guid, w.adminToken)).status).toBe(204);
  });

  describe('errors leave the key in place', () => {
    let key: { guid: string; name: string };
    let before: Record<string, unknown[]>;
    beforeEach(async () => {
      key = await createKey();
      broker.reset();
      before = await snapshot(w.knex, INSTANCE_TABLES);
    });
    afterEach(async () => {
      await expectUnchanged(before);
    });

    it.each([
      ['a space auditor', () => users.auditor.token],
      ['a user without roles', () => users.outsider.token],
      ['a developer of another space', () => other.developer.token],
    ])('when %s deletes it, answers 404 360003 and calls no broker', async (_label, token) => {
      expectCfError(await del(key.guid, token()), 404, keyNotFound(key.guid));
      expect(bindingRequests()).toEqual([]);
    });

    it('when the key is unknown, answers 404 360003', async () => {
      expectCfError(await del('no-such-key'), 404, keyNotFound('no-such-key'));
    });

    it('when the token lacks cloud_controller.write, answers 403 10007', async () => {
      expectCfError(await del(key.guid, users.readOnly.token), 403, INSUFFICIENT_SCOPE);
    });

    it('when the broker fails to unbind, answers 502 prefixed with the instance', async () => {
      broker.on('DELETE', BINDING, reply.status(500, { description: 'unbind boom' }));
      expectCfError(
        await del(key.guid),
        502,
        brokerError(
          'ServiceBrokerBadResponse',
          `Service broker failed to delete service binding for instance ${instance.name}: Service broker error: unbind boom`,
          { method: 'DELETE', status: 500 },
        ),
      );
      expect(bindingRequests('DELETE')).toHaveLength(1);
    });
  });
});
