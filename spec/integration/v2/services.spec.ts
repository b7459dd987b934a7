import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { expectCfError, expectCfJson, messageParseError } from '../../support/cf-expect';
import type { CfErrorBody } from '../../support/cf-expect';
import { grantOrgRole, grantSpaceRole } from '../../support/orgs';
import { bearer, CORE_TABLES, snapshot, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import { catalogHelpers, cfError, guidsOf, fieldOf, labelsOf } from '../../support/catalog-world';

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

const SEED = {
  label: 'SomeMysqlService',
  description: 'Mysql stores things for you',
  provider: 'MySql Provider',
  version: '2.0',
  url: 'http://myql.provider.com',
};

/** The keys of the CC docs' "Creating a Service" entity, then the modern ones, in CC's order. */
const SERVICE_KEYS = [
  'label',
  'provider',
  'url',
  'description',
  'long_description',
  'version',
  'info_url',
  'active',
  'bindable',
  'unique_id',
  'extra',
  'tags',
  'requires',
  'documentation_url',
  'service_broker_guid',
  'service_broker_name',
  'plan_updateable',
  'bindings_retrievable',
  'instances_retrievable',
  'allow_context_updates',
  'service_plans_url',
];

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
  insertInstance,
} = catalogHelpers(() => w);

describe('POST /v2/services', () => {
  it('when an admin sends the seed request of the CC docs, answers 201 with Location, CF headers and the documented entity', async () => {
    const res = await request(w.app)
      .post('/v2/services')
      .set(bearer(w.adminToken))
      .set('Content-Type', 'application/json')
      .send(JSON.stringify(SEED));

    expectCfJson(res, 201);
    const guid: string = res.body.metadata.guid;
    expect(guid).toMatch(UUID);
    expect(res.headers.location).toBe(`/v2/services/${guid}`);
    expect(res.headers['x-vcap-request-id']).toMatch(UUID);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toEqual({
      metadata: { guid, url: `/v2/services/${guid}`, created_at: TIMESTAMP, updated_at: TIMESTAMP },
      entity: {
        label: 'SomeMysqlService',
        provider: 'MySql Provider',
        url: 'http://myql.provider.com',
        description: 'Mysql stores things for you',
        long_description: null,
        version: '2.0',
        info_url: null,
        active: false,
        bindable: true,
        unique_id: expect.any(String),
        extra: null,
        tags: [],
        requires: [],
        documentation_url: null,
        service_broker_guid: null,
        service_broker_name: null,
        plan_updateable: false,
        bindings_retrievable: false,
        instances_retrievable: false,
        allow_context_updates: false,
        service_plans_url: `/v2/services/${guid}/service_plans`,
      },
    });
    expect(Object.keys(res.body)).toEqual(['metadata', 'entity']);
    expect(Object.keys(res.body.metadata)).toEqual(['guid', 'url', 'created_at', 'updated_at']);
    expect(Object.keys(res.body.entity)).toEqual(SERVICE_KEYS);
    expect(res.body.entity.unique_id).toMatch(UUID);
    expect(res.body.entity.unique_id).not.toBe(guid);
    expect(await w.knex('services').where({ guid }).first('label', 'unique_id')).toEqual({
      label: 'SomeMysqlService',
      unique_id: res.body.entity.unique_id,
    });
  });

  it('when the request carries X-VCAP-Request-ID, answers with it sanitised and suffixed with a fresh uuid', async () => {
    const res = await request(w.app)
      .post('/v2/services')
      .set(bearer(w.adminToken))
      .set('X-VCAP-Request-ID', 'abc/123')
      .send({ label: 'request-id-service', description: 'd' });

    expect(res.status).toBe(201);
    expect(res.headers['x-vcap-request-id']).toMatch(/^abc123::[0-9a-f-]{36}$/);
  });

  it('when every optional field is given, answers 201 echoing each of them', async () => {
    const body = {
      label: 'full-service',
      description: 'short',
      long_description: 'a much longer description',
      info_url: 'http://info.example.com',
      documentation_url: 'http://docs.example.com',
      timeout: 30,
      active: true,
      bindable: false,
      extra: '{"displayName":"Full","container":{"image":"x"}}',
      unique_id: 'full-service-id',
      tags: ['mysql', 'relational'],
      requires: ['syslog_drain', 'route_forwarding'],
      provider: 'p',
      version: '1.0',
      url: 'http://u.example.com',
      plan_updateable: true,
      bindings_retrievable: true,
      instances_retrievable: true,
      allow_context_updates: true,
    };
    const res = await request(w.app).post('/v2/services').set(bearer(w.adminToken)).send(body);

    expect(res.status).toBe(201);
    const guid: string = res.body.metadata.guid;
    expect(res.body.entity).toEqual({
      label: 'full-service',
      provider: 'p',
      url: 'http://u.example.com',
      description: 'short',
      long_description: 'a much longer description',
      version: '1.0',
      info_url: 'http://info.example.com',
      active: true,
      bindable: false,
      unique_id: 'full-service-id',
      extra: '{"displayName":"Full","container":{"image":"x"}}',
      tags: ['mysql', 'relational'],
      requires: ['syslog_drain', 'route_forwarding'],
      documentation_url: 'http://docs.example.com',
      service_broker_guid: null,
      service_broker_name: null,
      plan_updateable: true,
      bindings_retrievable: true,
      instances_retrievable: true,
      allow_context_updates: true,
      service_plans_url: `/v2/services/${guid}/service_plans`,
    });
  });

  it('when cf-nodejs-client sends JSON labelled as a form with null values, answers 201 treating nulls as absent', async () => {
    const res = await request(w.app)
      .post('/v2/services')
      .set(bearer(w.adminToken))
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send(
        '{"label":"form-labelled","description":"d","tags":null,"active":null,"unknown_key":1}',
      );

    expect(res.status).toBe(201);
    expect(res.body.entity).toMatchObject({ label: 'form-labelled', tags: [], active: false });
    expect(res.body.entity).not.toHaveProperty('unknown_key');
  });

  it('when service_broker_guid names a broker, answers 201 with the broker guid and name', async () => {
    const broker = await insertBroker('posting-broker');
    const res = await request(w.app)
      .post('/v2/services')
      .set(bearer(w.adminToken))
      .send({ label: 'broker-owned-by-post', description: 'd', service_broker_guid: broker.guid });

    expect(res.status).toBe(201);
    expect(res.body.entity).toMatchObject({
      service_broker_guid: broker.guid,
      service_broker_name: 'posting-broker',
    });
  });

  it.each<[string, unknown, string]>([
    ['label is missing', { description: 'd' }, 'Field: label, Error: Missing field label'],
    [
      'description is missing',
      { label: 'x' },
      'Field: description, Error: Missing field description',
    ],
    ['label is blank', { label: '   ', description: 'd' }, 'Field: label, Error: can not be blank'],
    [
      'label is a number',
      { label: 5, description: 'd' },
      'Field: label, Error: Expected string, received number',
    ],
    [
      'active is a string',
      { label: 'x', description: 'd', active: 'yes' },
      'Field: active, Error: Expected boolean, received string',
    ],
    [
      'bindable is a number',
      { label: 'x', description: 'd', bindable: 1 },
      'Field: bindable, Error: Expected boolean, received number',
    ],
    [
      'extra is an object',
      { label: 'x', description: 'd', extra: { a: 1 } },
      'Field: extra, Error: Expected string, received object',
    ],
    [
      'extra is not JSON',
      { label: 'x', description: 'd', extra: '{nope' },
      'Field: extra, Error: must be a JSON-encoded string',
    ],
    [
      'tags is a string',
      { label: 'x', description: 'd', tags: 'mysql' },
      'Field: tags, Error: Expected array, received string',
    ],
    [
      'a tag is a number',
      { label: 'x', description: 'd', tags: ['a', 1] },
      'Field: tags.1, Error: Expected string, received number',
    ],
    [
      'requires names an unknown permission',
      { label: 'x', description: 'd', requires: ['root'] },
      "Field: requires.0, Error: Invalid enum value. Expected 'syslog_drain' | 'route_forwarding' | 'volume_mount', received 'root'",
    ],
    [
      'timeout is negative',
      { label: 'x', description: 'd', timeout: -1 },
      'Field: timeout, Error: Number must be greater than or equal to 0',
    ],
    [
      'timeout is fractional',
      { label: 'x', description: 'd', timeout: 1.5 },
      'Field: timeout, Error: Expected integer, received float',
    ],
    [
      'label is longer than 255',
      { label: 'l'.repeat(256), description: 'd' },
      'Field: label, Error: must be at most 255 characters',
    ],
    ['the body is an array', [{ label: 'x' }], 'request body must be a JSON object'],
  ])(
    'when %s, answers 400 CF-MessageParseError naming the field and stores nothing',
    async (_name, body, detail) => {
      const before = await snapshot(w.knex, CATALOG_TABLES);
      const res = await request(w.app)
        .post('/v2/services')
        .set(bearer(w.adminToken))
        .send(JSON.stringify(body))
        .set('Content-Type', 'application/json');

      expectCfError(res, 400, messageParseError(detail));
      expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
    },
  );

  it('when the body is not JSON, answers 400 CF-MessageParseError and stores nothing', async () => {
    const before = await snapshot(w.knex, CATALOG_TABLES);
    const res = await request(w.app)
      .post('/v2/services')
      .set(bearer(w.adminToken))
      .set('Content-Type', 'application/json')
      .send('{"label":');

    expect(res.status).toBe(400);
    expect(res.body).toEqual(
      cfError(
        1001,
        'CF-MessageParseError',
        expect.stringMatching(/^Request invalid due to parse error: \S/),
      ),
    );
    expect(res.text).toBe(`${JSON.stringify(res.body)}\n`);
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the body is empty, answers 400 CF-MessageParseError and stores nothing', async () => {
    const before = await snapshot(w.knex, CATALOG_TABLES);
    const res = await request(w.app).post('/v2/services').set(bearer(w.adminToken));

    expectCfError(
      res,
      400,
      cfError(
        1001,
        'CF-MessageParseError',
        'Request invalid due to parse error: request body must be a JSON object',
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the label is taken by a broker-less service, answers 400 CF-ServiceLabelTaken 120002 and stores nothing', async () => {
    await createService({ label: 'taken-label', description: 'first' });
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .post('/v2/services')
      .set(bearer(w.adminToken))
      .send({ label: 'taken-label', description: 'second' });

    expectCfError(
      res,
      400,
      cfError(120002, 'CF-ServiceLabelTaken', 'The service label is taken: taken-label'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the unique_id is taken by a broker-less service, answers 400 CF-ServiceInvalid and stores nothing', async () => {
    await createService({ label: 'uid-first', description: 'd', unique_id: 'shared-unique-id' });
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .post('/v2/services')
      .set(bearer(w.adminToken))
      .send({ label: 'uid-second', description: 'd', unique_id: 'shared-unique-id' });

    expectCfError(
      res,
      400,
      cfError(
        120001,
        'CF-ServiceInvalid',
        'The service is invalid: unique_id shared-unique-id is taken',
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when service_broker_guid names no broker, answers 400 CF-InvalidRelation and stores nothing', async () => {
    const before = await snapshot(w.knex, CATALOG_TABLES);
    const res = await request(w.app)
      .post('/v2/services')
      .set(bearer(w.adminToken))
      .send({ label: 'orphan', description: 'd', service_broker_guid: 'no-such-broker' });

    expectCfError(
      res,
      400,
      cfError(1002, 'CF-InvalidRelation', 'Could not find ServiceBroker with guid: no-such-broker'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it.each<[string, () => Record<string, string>, number, CfErrorBody]>([
    [
      'there is no token',
      () => ({}),
      401,
      cfError(10002, 'CF-NotAuthenticated', 'Authentication error'),
    ],
    [
      'the token is not valid',
      () => bearer('not.a.jwt'),
      401,
      cfError(1000, 'CF-InvalidAuthToken', 'Invalid Auth Token'),
    ],
    [
      'the caller is not an admin',
      () => bearer(userToken),
      403,
      cfError(10003, 'CF-NotAuthorized', 'You are not authorized to perform the requested action'),
    ],
  ])('when %s, answers the auth error and stores nothing', async (_name, auth, status, body) => {
    const before = await snapshot(w.knex, CATALOG_TABLES);
    const res = await request(w.app)
      .post('/v2/services')
      .set(auth())
      .send({ label: 'forbidden', description: 'd' });

    expectCfError(res, status, body);
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the token lacks cloud_controller.write, answers 403 CF-InsufficientScope and stores nothing', async () => {
    const reader = w.tokenFor(
      await w.createUser('post-reader', ['openid', 'cloud_controller.read']),
    );
    const before = await snapshot(w.knex, CATALOG_TABLES);
    const res = await request(w.app)
      .post('/v2/services')
      .set(bearer(reader))
      .send({ label: 'forbidden', description: 'd' });

    expectCfError(
      res,
      403,
      cfError(
        10007,
        'CF-InsufficientScope',
        'Your token lacks the necessary scopes to access this resource.',
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });
});

describe('GET /v2/services/:guid', () => {
  it('when an admin reads a service, answers 200 with the same envelope as the create', async () => {
    const created = await request(w.app)
      .post('/v2/services')
      .set(bearer(w.adminToken))
      .send({ label: 'readable', description: 'd', tags: ['t'] });
    const res = await request(w.app)
      .get(`/v2/services/${created.body.metadata.guid}`)
      .set(bearer(w.adminToken));

    expectCfJson(res, 200);
    expect(res.body).toEqual(created.body);
  });

  it('when the guid is unknown, answers 404 CF-ServiceNotFound 120003', async () => {
    const res = await request(w.app).get('/v2/services/nope').set(bearer(w.adminToken));

    expectCfError(
      res,
      404,
      cfError(120003, 'CF-ServiceNotFound', 'The service could not be found: nope'),
    );
  });

  it('when a user cannot see any of its plans, answers 403 CF-NotAuthorized', async () => {
    const guid = await createService({ label: 'hidden-service', description: 'd', active: true });
    await createPlan(guid, { public: false });

    const res = await request(w.app).get(`/v2/services/${guid}`).set(bearer(userToken));

    expectCfError(
      res,
      403,
      cfError(10003, 'CF-NotAuthorized', 'You are not authorized to perform the requested action'),
    );
  });

  it('when a user can see one of its plans, answers 200', async () => {
    const guid = await createService({ label: 'shown-service', description: 'd', active: true });
    await createPlan(guid);

    const res = await request(w.app).get(`/v2/services/${guid}`).set(bearer(userToken));

    expect(res.status).toBe(200);
    expect(res.body.metadata.guid).toBe(guid);
  });

  it('when there is no token, answers 401 CF-NotAuthenticated', async () => {
    const guid = await createService({ label: 'anon-read', description: 'd' });
    const res = await request(w.app).get(`/v2/services/${guid}`);

    expectCfError(res, 401, cfError(10002, 'CF-NotAuthenticated', 'Authentication error'));
  });

  it('when the token lacks cloud_controller.read, answers 403 CF-InsufficientScope', async () => {
    const guid = await createService({ label: 'scope-read', description: 'd' });
    const token = w.tokenFor(await w.createUser('openid-only-read', ['openid']));
    const res = await request(w.app).get(`/v2/services/${guid}`).set(bearer(token));

    expectCfError(
      res,
      403,
      cfError(
        10007,
        'CF-InsufficientScope',
        'Your token lacks the necessary scopes to access this resource.',
      ),
    );
  });

  it('when inline-relations-depth=1, answers with its plans embedded next to service_plans_url', async () => {
    const guid = await createService({ label: 'inline-one', description: 'd' });
    const planGuid = await createPlan(guid, { name: 'small' });
    const plan = await request(w.app)
      .get(`/v2/service_plans/${planGuid}`)
      .set(bearer(w.adminToken));

    const res = await request(w.app)
      .get(`/v2/services/${guid}?inline-relations-depth=1`)
      .set(bearer(w.adminToken));

    expect(res.status).toBe(200);
    expect(res.body.entity.service_plans_url).toBe(`/v2/services/${guid}/service_plans`);
    expect(res.body.entity.service_plans).toEqual([plan.body]);
  });

  it('when inline-relations-depth=3, answers 400 CF-BadQueryParameter', async () => {
    const guid = await createService({ label: 'inline-three', description: 'd' });
    const res = await request(w.app)
      .get(`/v2/services/${guid}?inline-relations-depth=3`)
      .set(bearer(w.adminToken));

    expectCfError(
      res,
      400,
      cfError(
        10005,
        'CF-BadQueryParameter',
        'The query parameter is invalid: inline_relations_depth must be <= 2',
      ),
    );
  });
});

describe('PUT /v2/services/:guid', () => {
  it('when an admin updates a broker-less service, answers 201 with the changed entity and keeps the rest', async () => {
    const created = await request(w.app)
      .post('/v2/services')
      .set(bearer(w.adminToken))
      .send({
        label: 'to-update',
        description: 'before',
        tags: ['a'],
        unique_id: 'to-update-id',
        provider: 'kept',
      });
    const guid: string = created.body.metadata.guid;

    const res = await request(w.app)
      .put(`/v2/services/${guid}`)
      .set(bearer(w.adminToken))
      .send({
        label: 'updated',
        description: 'after',
        active: true,
        tags: ['b', 'c'],
        extra: '{"x":1}',
        long_description: null,
      });

    expectCfJson(res, 201);
    expect(res.body).toEqual({
      metadata: { ...created.body.metadata, updated_at: TIMESTAMP },
      entity: {
        ...created.body.entity,
        label: 'updated',
        description: 'after',
        active: true,
        tags: ['b', 'c'],
        extra: '{"x":1}',
      },
    });
    const reread = await request(w.app).get(`/v2/services/${guid}`).set(bearer(w.adminToken));
    expect(reread.body).toEqual(res.body);
  });

  it('when the service belongs to a broker, answers 400 CF-ServiceInvalid saying the broker owns it and changes nothing', async () => {
    const broker = await insertBroker('owning-broker');
    const guid = await createService({
      label: 'synced',
      description: 'd',
      service_broker_guid: broker.guid,
    });
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .put(`/v2/services/${guid}`)
      .set(bearer(w.adminToken))
      .send({ description: 'hijacked' });

    expectCfError(
      res,
      400,
      cfError(
        120001,
        'CF-ServiceInvalid',
        "The service is invalid: service synced is owned by service broker owning-broker; change it in the broker's catalog",
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the new label is taken, answers 400 CF-ServiceLabelTaken and changes nothing', async () => {
    await createService({ label: 'occupied', description: 'd' });
    const guid = await createService({ label: 'renamer', description: 'd' });
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .put(`/v2/services/${guid}`)
      .set(bearer(w.adminToken))
      .send({ label: 'occupied' });

    expectCfError(
      res,
      400,
      cfError(120002, 'CF-ServiceLabelTaken', 'The service label is taken: occupied'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when a field has the wrong type, answers 400 CF-MessageParseError naming it and changes nothing', async () => {
    const guid = await createService({ label: 'typed', description: 'd' });
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .put(`/v2/services/${guid}`)
      .set(bearer(w.adminToken))
      .send({ bindable: 'no' });

    expectCfError(
      res,
      400,
      cfError(
        1001,
        'CF-MessageParseError',
        'Request invalid due to parse error: Field: bindable, Error: Expected boolean, received string',
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the guid is unknown, answers 404 CF-ServiceNotFound and changes nothing', async () => {
    const before = await snapshot(w.knex, CATALOG_TABLES);
    const res = await request(w.app)
      .put('/v2/services/nope')
      .set(bearer(w.adminToken))
      .send({ description: 'x' });

    expectCfError(
      res,
      404,
      cfError(120003, 'CF-ServiceNotFound', 'The service could not be found: nope'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the caller is not an admin, answers 403 CF-NotAuthorized and changes nothing', async () => {
    const guid = await createService({ label: 'not-yours', description: 'd' });
    const before = await snapshot(w.knex, CATALOG_TABLES);
    const res = await request(w.app)
      .put(`/v2/services/${guid}`)
      .set(bearer(userToken))
      .send({ description: 'x' });

    expectCfError(
      res,
      403,
      cfError(10003, 'CF-NotAuthorized', 'You are not authorized to perform the requested action'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });
});

describe('DELETE /v2/services/:guid', () => {
  it('when the service has no plans, answers 204 and removes it', async () => {
    const guid = await createService({ label: 'bare', description: 'd' });

    const res = await request(w.app).delete(`/v2/services/${guid}`).set(bearer(w.adminToken));

    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await w.knex('services').where({ guid }).first()).toBeUndefined();
  });

  it('when plans exist, answers 400 CF-AssociationNotEmpty 10006 and changes nothing', async () => {
    const guid = await createService({ label: 'has-plans', description: 'd' });
    await createPlan(guid);
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app).delete(`/v2/services/${guid}`).set(bearer(w.adminToken));

    expectCfError(
      res,
      400,
      cfError(
        10006,
        'CF-AssociationNotEmpty',
        'Please delete the service_plans associations for your services.',
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when ?purge=true, answers 204 and removes the service, its plans, visibilities, instances and keys, and nothing else', async () => {
    const org = await createOrg('purge-org');
    const space = await createSpace(org, 'purge-space');
    const guid = await createService({ label: 'purged', description: 'd' });
    const privatePlan = await createPlan(guid, { public: false });
    await createPlan(guid);
    await addVisibility(privatePlan, org);
    const instanceId = await insertInstance(privatePlan, space, 'purged-instance');
    await w.knex('service_keys').insert({
      guid: randomUUID(),
      name: 'k',
      service_instance_id: instanceId,
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
    });
    const survivor = await createService({ label: 'survivor', description: 'd' });
    const survivorPlan = await createPlan(survivor, { public: false });
    await addVisibility(survivorPlan, org);
    const survivorInstance = await insertInstance(survivorPlan, space, 'survivor-instance');
    await w.knex('service_keys').insert({
      guid: randomUUID(),
      name: 'k',
      service_instance_id: survivorInstance,
      created_at: '2026-01-01T00:00:00Z',
      updated_at: '2026-01-01T00:00:00Z',
    });
    const before = await snapshot(w.knex, CATALOG_TABLES);
    const serviceId = (await w.knex('services').where({ guid }).first('id')).id;
    const planIds: number[] = (
      await w.knex('service_plans').where({ service_id: serviceId }).select('id')
    ).map((r: { id: number }) => r.id);
    expect(planIds).toHaveLength(2);

    const res = await request(w.app)
      .delete(`/v2/services/${guid}?purge=true`)
      .set(bearer(w.adminToken));

    expect(res.status).toBe(204);
    const rows = (table: string, snap: Record<string, unknown[]>): Record<string, unknown>[] =>
      (snap[table] ?? []) as Record<string, unknown>[];
    const after = await snapshot(w.knex, CATALOG_TABLES);
    expect(after).toEqual({
      ...before,
      services: rows('services', before).filter((r) => r.id !== serviceId),
      service_plans: rows('service_plans', before).filter((r) => r.service_id !== serviceId),
      service_plan_visibilities: rows('service_plan_visibilities', before).filter(
        (r) => !planIds.includes(Number(r.service_plan_id)),
      ),
      service_instances: rows('service_instances', before).filter((r) => r.id !== instanceId),
      service_keys: rows('service_keys', before).filter(
        (r) => r.service_instance_id !== instanceId,
      ),
    });
    expect(rows('services', after)).toHaveLength(rows('services', before).length - 1);
    expect(rows('service_plans', after)).toHaveLength(rows('service_plans', before).length - 2);
    expect(rows('service_plan_visibilities', after)).toHaveLength(
      rows('service_plan_visibilities', before).length - 1,
    );
    expect(rows('service_instances', after)).toHaveLength(
      rows('service_instances', before).length - 1,
    );
    expect(rows('service_keys', after)).toHaveLength(rows('service_keys', before).length - 1);
  });

  it('when ?purge=true is sent by a non-admin, answers 403 CF-NotAuthorized and changes nothing', async () => {
    const guid = await createService({ label: 'not-purged', description: 'd' });
    await createPlan(guid);
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .delete(`/v2/services/${guid}?purge=true`)
      .set(bearer(userToken));

    expectCfError(
      res,
      403,
      cfError(10003, 'CF-NotAuthorized', 'You are not authorized to perform the requested action'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the guid is unknown, answers 404 CF-ServiceNotFound', async () => {
    const res = await request(w.app).delete('/v2/services/nope').set(bearer(w.adminToken));

    expectCfError(
      res,
      404,
      cfError(120003, 'CF-ServiceNotFound', 'The service could not be found: nope'),
    );
  });

  it('when there is no token, answers 401 CF-NotAuthenticated and changes nothing', async () => {
    const guid = await createService({ label: 'anon-delete', description: 'd' });
    const before = await snapshot(w.knex, CATALOG_TABLES);
    const res = await request(w.app).delete(`/v2/services/${guid}`);

    expectCfError(res, 401, cfError(10002, 'CF-NotAuthenticated', 'Authentication error'));
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });
});

describe('GET /v2/services/:guid/service_plans', () => {
  it('when an admin lists the plans of a service, answers 200 with only that service’s plans', async () => {
    const guid = await createService({ label: 'nested', description: 'd' });
    const a = await createPlan(guid, { name: 'a' });
    const b = await createPlan(guid, { name: 'b', active: false });
    await createPlan(await createService({ label: 'nested-other', description: 'd' }));

    const res = await request(w.app)
      .get(`/v2/services/${guid}/service_plans`)
      .set(bearer(w.adminToken));

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      total_results: 2,
      total_pages: 1,
      prev_url: null,
      next_url: null,
      resources: [expect.anything(), expect.anything()],
    });
    expect(guidsOf(res.body)).toEqual([a, b]);
    expect(res.body.resources[0].entity).toMatchObject({
      name: 'a',
      service_guid: guid,
      service_url: `/v2/services/${guid}`,
    });
  });

  it('when a user lists them, answers only the plans the user can see', async () => {
    const guid = await createService({ label: 'nested-user', description: 'd' });
    const visible = await createPlan(guid, { name: 'visible' });
    await createPlan(guid, { name: 'private', public: false });
    await createPlan(guid, { name: 'inactive', active: false });

    const res = await request(w.app)
      .get(`/v2/services/${guid}/service_plans`)
      .set(bearer(userToken));

    expect(res.status).toBe(200);
    expect(res.body.total_results).toBe(1);
    expect(guidsOf(res.body)).toEqual([visible]);
  });

  it('when filtered with q=active:false, answers only the inactive plans', async () => {
    const guid = await createService({ label: 'nested-q', description: 'd' });
    await createPlan(guid, { name: 'on' });
    const off = await createPlan(guid, { name: 'off', active: false });

    const res = await request(w.app)
      .get(`/v2/services/${guid}/service_plans?q=active:false`)
      .set(bearer(w.adminToken));

    expect(guidsOf(res.body)).toEqual([off]);
  });

  it('when the service is unknown, answers 404 CF-ServiceNotFound', async () => {
    const res = await request(w.app)
      .get('/v2/services/nope/service_plans')
      .set(bearer(w.adminToken));

    expectCfError(
      res,
      404,
      cfError(120003, 'CF-ServiceNotFound', 'The service could not be found: nope'),
    );
  });

  it('when there is no token, answers 401 CF-NotAuthenticated', async () => {
    const guid = await createService({ label: 'nested-anon', description: 'd' });
    const res = await request(w.app).get(`/v2/services/${guid}/service_plans`);

    expectCfError(res, 401, cfError(10002, 'CF-NotAuthenticated', 'Authentication error'));
  });
});

describe('GET /v2/services', () => {
  const VIEW_LABELS = [
    'v-public',
    'v-private',
    'v-private-other',
    'v-inactive',
    'v-empty',
    'v-private-broker',
    'v-mixed',
  ];
  const IN_VIEW = `/v2/services?q=${encodeURIComponent(`label IN ${VIEW_LABELS.join(',')}`)}`;
  let memberToken: string;
  let strangerToken: string;
  let mixedGuid: string;
  let mixedPublicPlan: string;

  beforeAll(async () => {
    const member = await w.createUser('view-member');
    memberToken = w.tokenFor(member);
    strangerToken = w.tokenFor(await w.createUser('view-stranger'));
    const orgA = await createOrg('view-org-a');
    const orgB = await createOrg('view-org-b');
    const spaceA = await createSpace(orgA, 'view-space-a');
    await grantOrgRole(w, orgA, 'users', member.guid);
    await grantSpaceRole(w, spaceA, 'developers', member.guid);

    await createPlan(await createService({ label: 'v-public', description: 'd', active: true }));
    await addVisibility(
      await createPlan(await createService({ label: 'v-private', description: 'd' }), {
        public: false,
      }),
      orgA,
    );
    await addVisibility(
      await createPlan(await createService({ label: 'v-private-other', description: 'd' }), {
        public: false,
      }),
      orgB,
    );
    await createPlan(await createService({ label: 'v-inactive', description: 'd' }), {
      active: false,
    });
    await createService({ label: 'v-empty', description: 'd' });
    const spaceId: number = (await w.knex('spaces').where({ guid: spaceA }).first('id')).id;
    const privateBroker = await insertBroker('view-space-broker', spaceId);
    await insertBrokerPlan(
      await createService({
        label: 'v-private-broker',
        description: 'd',
        service_broker_guid: privateBroker.guid,
      }),
      'space-plan',
      { public: false },
    );
    mixedGuid = await createService({ label: 'v-mixed', description: 'd' });
    mixedPublicPlan = await createPlan(mixedGuid, { name: 'public-one' });
    await createPlan(mixedGuid, { name: 'private-one', public: false });
  });

  async function labelsSeenWith(headers: Record<string, string>): Promise<string[]> {
    const res = await request(w.app).get(IN_VIEW).set(headers);
    expect(res.status).toBe(200);
    expect(res.body.total_results).toBe(res.body.resources.length);
    return labelsOf(res.body);
  }

  it('when anonymous, answers 200 with only services having an active public plan', async () => {
    const res = await request(w.app).get(IN_VIEW);

    expectCfJson(res, 200);
    expect(res.body).toEqual({
      total_results: 2,
      total_pages: 1,
      prev_url: null,
      next_url: null,
      resources: [expect.anything(), expect.anything()],
    });
    expect(fieldOf(res.body, 'label')).toEqual(['v-public', 'v-mixed']);
    const one = await request(w.app).get(`/v2/services/${mixedGuid}`).set(bearer(w.adminToken));
    expect(res.body.resources[1]).toEqual(one.body);
  });

  it('when anonymous and unfiltered, answers no service without an active public plan', async () => {
    const res = await request(w.app).get('/v2/services?results-per-page=100');

    expect(res.status).toBe(200);
    const labels = fieldOf(res.body, 'label');
    expect(labels).toEqual(expect.arrayContaining(['v-public', 'v-mixed']));
    for (const hidden of [
      'v-private',
      'v-private-other',
      'v-inactive',
      'v-empty',
      'v-private-broker',
    ])
      expect(labels).not.toContain(hidden);
  });

  it('when a user belongs to no organization, answers the same as anonymous', async () => {
    expect(await labelsSeenWith(bearer(strangerToken))).toEqual(['v-public', 'v-mixed']);
  });

  it('when a user is a member of an organization, answers also its org-visible plans and its space’s private-broker services', async () => {
    expect(await labelsSeenWith(bearer(memberToken))).toEqual([
      'v-public',
      'v-private',
      'v-private-broker',
      'v-mixed',
    ]);
  });

  it.each([
    ['cloud_controller.admin', ['openid', 'cloud_controller.admin']],
    ['cloud_controller.admin_read_only', ['openid', 'cloud_controller.admin_read_only']],
    ['cloud_controller.global_auditor', ['openid', 'cloud_controller.global_auditor']],
  ])(
    'when the caller has %s, answers every service including inactive and plan-less ones',
    async (scope, scopes) => {
      const token = w.tokenFor(await w.createUser(`view-${scope}`, scopes));
      expect(await labelsSeenWith(bearer(token))).toEqual(VIEW_LABELS);
    },
  );

  it('when the token lacks cloud_controller.read, answers 200 as the marketplace needs no scope while the flag is off', async () => {
    const token = w.tokenFor(await w.createUser('view-openid-only', ['openid']));
    expect(await labelsSeenWith(bearer(token))).toEqual(['v-public', 'v-mixed']);
  });

  it('when the token is not valid, answers 401 CF-InvalidAuthToken although anonymous reads are allowed', async () => {
    const res = await request(w.app).get('/v2/services').set(bearer('garbage'));

    expectCfError(res, 401, cfError(1000, 'CF-InvalidAuthToken', 'Invalid Auth Token'));
  });

  it('when inline-relations-depth=1, embeds for each service only the plans the caller can see', async () => {
    const q = `/v2/services?q=label:v-mixed&inline-relations-depth=1`;
    const admin = await request(w.app).get(q).set(bearer(w.adminToken));
    const user = await request(w.app).get(q).set(bearer(strangerToken));
    const plan = await request(w.app)
      .get(`/v2/service_plans/${mixedPublicPlan}`)
      .set(bearer(w.adminToken));

    expect(fieldOf({ resources: admin.body.resources[0].entity.service_plans }, 'name')).toEqual([
      'public-one',
      'private-one',
    ]);
    expect(user.body.resources[0].entity.service_plans).toEqual([plan.body]);
    expect(user.body.resources[0].entity.service_plans_url).toBe(
      `/v2/services/${mixedGuid}/service_plans`,
    );
  });

  it('when anonymous asks for inline-relations-depth=1, answers without embedded plans', async () => {
    const res = await request(w.app).get('/v2/services?q=label:v-mixed&inline-relations-depth=1');

    expect(res.status).toBe(200);
    expect(res.body.resources[0].entity).not.toHaveProperty('service_plans');
  });

  it('when inline-relations-depth=3, answers 400 CF-BadQueryParameter', async () => {
    const res = await request(w.app)
      .get('/v2/services?inline-relations-depth=3')
      .set(bearer(w.adminToken));

    expectCfError(
      res,
      400,
      cfError(
        10005,
        'CF-BadQueryParameter',
        'The query parameter is invalid: inline_relations_depth must be <= 2',
      ),
    );
  });
});

describe('GET /v2/services after the catalog or a membership changes', () => {
  it('when a visibility is added and then removed, answers a member’s next list with and then without the service', async () => {
    const { user, token } = await w.userWithToken('fresh-member', [
      'openid',
      'cloud_controller.read',
    ]);
    const org = await createOrg('fresh-org');
    await grantOrgRole(w, org, 'users', user.guid);
    const guid = await createService({ label: 'fresh-private', description: 'd' });
    const plan = await createPlan(guid, { public: false });
    const url = '/v2/services?q=label:fresh-private';
    expect((await request(w.app).get(url).set(bearer(token))).body.total_results).toBe(0);

    const visibility = await request(w.app)
      .post('/v2/service_plan_visibilities')
      .set(bearer(w.adminToken))
      .send({ service_plan_guid: plan, organization_guid: org });
    expect(guidsOf((await request(w.app).get(url).set(bearer(token))).body)).toEqual([guid]);

    await request(w.app)
      .delete(`/v2/service_plan_visibilities/${visibility.body.metadata.guid}`)
      .set(bearer(w.adminToken))
      .expect(204);
    expect((await request(w.app).get(url).set(bearer(token))).body.total_results).toBe(0);
  });

  it('when a member leaves the organization, answers their next list without its services', async () => {
    const { user, token } = await w.userWithToken('leaving-member', [
      'openid',
      'cloud_controller.read',
    ]);
    const org = await createOrg('leaving-org');
    await grantOrgRole(w, org, 'users', user.guid);
    const guid = await createService({ label: 'leaving-private', description: 'd' });
    await addVisibility(await createPlan(guid, { public: false }), org);
    const url = '/v2/services?q=label:leaving-private';
    expect(guidsOf((await request(w.app).get(url).set(bearer(token))).body)).toEqual([guid]);

    await request(w.app)
      .delete(`/v2/organizations/${org}/users/${user.guid}`)
      .set(bearer(w.adminToken))
      .expect(204);

    expect((await request(w.app).get(url).set(bearer(token))).body.total_results).toBe(0);
  });

  it('when a plan is made public or a service renamed, answers anonymous callers the change at once', async () => {
    const guid = await createService({ label: 'going-public', description: 'd' });
    const plan = await createPlan(guid, { public: false });
    const url = '/v2/services?q=label IN going-public,now-public';
    expect((await request(w.app).get(url)).body.total_results).toBe(0);

    await request(w.app)
      .put(`/v2/service_plans/${plan}`)
      .set(bearer(w.adminToken))
      .send({ public: true })
      .expect(201);
    expect(labelsOf((await request(w.app).get(url)).body)).toEqual(['going-public']);

    await request(w.app)
      .put(`/v2/services/${guid}`)
      .set(bearer(w.adminToken))
      .send({ label: 'now-public' })
      .expect(201);
    expect(labelsOf((await request(w.app).get(url)).body)).toEqual(['now-public']);
  });

  it('when anonymous callers ask the same page with and without inline-relations-depth, answers each its own next_url', async () => {
    for (const label of ['anon-page-1', 'anon-page-2'])
      await createPlan(await createService({ label, description: 'd' }));
    const q = encodeURIComponent('label IN anon-page-1,anon-page-2');
    const withDepth = await request(w.app).get(
      `/v2/services?results-per-page=1&inline-relations-depth=1&q=${q}`,
    );
    expectCfJson(withDepth, 200);

    const plain = await request(w.app).get(`/v2/services?results-per-page=1&q=${q}`);

    expect(plain.body.next_url).toBe(
      `/v2/services?order-direction=asc&page=2&q=${q}&results-per-page=1`,
    );
    const next = await request(w.app).get(withDepth.body.next_url);
    expectCfJson(next, 200);
    expect(labelsOf(next.body)).toEqual(['anon-page-2']);
    expect(next.body.resources[0].entity).not.toHaveProperty('service_plans');
  });
});

describe('GET /v2/services SQL per request', () => {
  /** Runs a request and answers how many SQL statements Knex issued for it. */
  async function queriesFor(url: string, token: string): Promise<number> {
    let count = 0;
    const listener = (): void => {
      count += 1;
    };
    w.knex.on('query', listener);
    try {
      const res = await request(w.app).get(url).set(bearer(token));
      expect(res.status).toBe(200);
    } finally {
      w.knex.removeListener('query', listener);
    }
    return count;
  }

  it('when an admin pages through the unfiltered catalog, answers every service once in id order, later pages from the generation’s ids', async () => {
    for (const label of ['sql-admin-1', 'sql-admin-2', 'sql-admin-3'])
      await createService({ label, description: 'd' });
    const all: { guid: string }[] = await w.knex('services').orderBy('id').select('guid');
    const perPage = Math.max(1, Math.ceil(all.length / 3));
    const first = await request(w.app)
      .get(`/v2/services?results-per-page=${perPage}`)
      .set(bearer(w.adminToken));
    expect(first.body.total_results).toBe(all.length);
    const seen = guidsOf(first.body);
    for (let page = 2; page <= first.body.total_pages; page++) {
      expect(
        await queriesFor(`/v2/services?results-per-page=${perPage}&page=${page}`, w.adminToken),
      ).toBe(2);
      const res = await request(w.app)
        .get(`/v2/services?results-per-page=${perPage}&page=${page}`)
        .set(bearer(w.adminToken));
      seen.push(...guidsOf(res.body));
    }
    expect(seen).toEqual(all.map((s) => s.guid));
  });

  it('when a member of 20 organizations lists services, runs no more statements than a member of one, at most 4', async () => {
    const one = await w.userWithToken('sql-one-org', ['openid', 'cloud_controller.read']);
    const many = await w.userWithToken('sql-many-orgs', ['openid', 'cloud_controller.read']);
    for (let i = 0; i < 20; i++) {
      const org = await createOrg(`sql-org-${i}`);
      await grantOrgRole(w, org, 'users', many.user.guid);
      if (i === 0) await grantOrgRole(w, org, 'users', one.user.guid);
      const service = await createService({ label: `sql-private-${i}`, description: 'd' });
      await addVisibility(await createPlan(service, { public: false }), org);
    }
    const url = '/v2/services?results-per-page=50';

    const forOne = await queriesFor(url, one.token);
    const forMany = await queriesFor(url, many.token);

    expect(forMany).toBeLessThanOrEqual(4);
    expect(forMany).toBe(forOne);
    const listed = await request(w.app)
      .get(`${url}&q=${encodeURIComponent('label>=sql-private-;label<sql-private-~')}`)
      .set(bearer(many.token));
    expect(listed.body.total_results).toBe(20);
  });
});

describe('GET /v2/services pagination for a member (visible ids cached per generation)', () => {
  const LABELS = ['mp-1', 'mp-2', 'mp-3', 'mp-4', 'mp-5', 'mp-6'];
  const Q = encodeURIComponent(`label IN ${LABELS.join(',')}`);
  /** mp-1, mp-3 and mp-5 are visible to the member's org; the others only to another org. */
  let visibleGuids: string[];
  let member: { token: string; guid: string };
  let memberOrg: string;
  let hiddenPlans: string[];

  beforeAll(async () => {
    const m = await w.userWithToken('mp-member', ['openid', 'cloud_controller.read']);
    member = { token: m.token, guid: m.user.guid };
    memberOrg = await createOrg('mp-org');
    const otherOrg = await createOrg('mp-other-org');
    await grantOrgRole(w, memberOrg, 'users', member.guid);
    visibleGuids = [];
    hiddenPlans = [];
    for (const [i, label] of LABELS.entries()) {
      const service = await createService({ label, description: 'd' });
      const plan = await createPlan(service, { public: false });
      if (i % 2 === 0) {
        await addVisibility(plan, memberOrg);
        visibleGuids.push(service);
      } else {
        await addVisibility(plan, otherOrg);
        hiddenPlans.push(plan);
      }
    }
  });

  async function page(query: string): Promise<{ total: number; guids: string[] }> {
    const res = await request(w.app).get(`/v2/services?${query}`).set(bearer(member.token));
    expect(res.status).toBe(200);
    return { total: res.body.total_results, guids: guidsOf(res.body) };
  }

  it('when a member pages through with results-per-page=2, answers every visible service once, in order', async () => {
    const first = await page(`results-per-page=2&q=${Q}`);
    const second = await page(`results-per-page=2&page=2&q=${Q}`);
    const past = await page(`results-per-page=2&page=3&q=${Q}`);

    expect(first).toEqual({ total: 3, guids: visibleGuids.slice(0, 2) });
    expect(second).toEqual({ total: 3, guids: visibleGuids.slice(2) });
    expect(past).toEqual({ total: 3, guids: [] });
  });

  it('when a member asks order-direction=desc, answers the visible services in reverse', async () => {
    expect(await page(`order-direction=desc&results-per-page=2&q=${Q}`)).toEqual({
      total: 3,
      guids: [visibleGuids[2], visibleGuids[1]],
    });
  });

  it('when a member asks another page of the same list, reads only the generation and that page’s rows', async () => {
    await page(`results-per-page=1&q=${Q}`);
    let statements = 0;
    const count = (): void => {
      statements += 1;
    };
    w.knex.on('query', count);
    try {
      expect(await page(`results-per-page=1&page=2&q=${Q}`)).toEqual({
        total: 3,
        guids: [visibleGuids[1]],
      });
    } finally {
      w.knex.removeListener('query', count);
    }
    expect(statements).toBe(2);
  });

  it('when a plan becomes visible to the member’s org, answers the next page with it at once', async () => {
    const [plan] = hiddenPlans;
    if (plan === undefined) throw new Error('no hidden plan');
    expect((await page(`results-per-page=10&q=${Q}`)).total).toBe(3);
    await addVisibility(plan, memberOrg);

    const after = await page(`results-per-page=10&q=${Q}`);
    expect(after.total).toBe(4);
    expect(after.guids).toHaveLength(4);
  });
});

describe('GET /v2/services pagination', () => {
  const LABELS = ['page-1', 'page-2', 'page-3', 'page-4', 'page-5'];
  const Q = `label IN ${LABELS.join(',')}`;
  let guids: string[];

  beforeAll(async () => {
    guids = [];
    for (const label of LABELS) guids.push(await createService({ label, description: 'd' }));
  });

  it('when results-per-page=2, answers 3 pages whose prev and next URLs keep the filter and lead through every row once', async () => {
    const first = await request(w.app)
      .get(`/v2/services?results-per-page=2&q=${encodeURIComponent(Q)}`)
      .set(bearer(w.adminToken));

    const encodedQ = encodeURIComponent(Q);
    expect(first.body).toEqual({
      total_results: 5,
      total_pages: 3,
      prev_url: null,
      next_url: `/v2/services?order-direction=asc&page=2&q=${encodedQ}&results-per-page=2`,
      resources: [expect.anything(), expect.anything()],
    });
    const second = await request(w.app).get(first.body.next_url).set(bearer(w.adminToken));
    expect(second.body).toMatchObject({
      total_results: 5,
      total_pages: 3,
      prev_url: `/v2/services?order-direction=asc&page=1&q=${encodedQ}&results-per-page=2`,
      next_url: `/v2/services?order-direction=asc&page=3&q=${encodedQ}&results-per-page=2`,
    });
    const third = await request(w.app).get(second.body.next_url).set(bearer(w.adminToken));
    expect(third.body).toMatchObject({
      total_results: 5,
      total_pages: 3,
      next_url: null,
      prev_url: `/v2/services?order-direction=asc&page=2&q=${encodedQ}&results-per-page=2`,
    });
    const back = await request(w.app).get(third.body.prev_url).set(bearer(w.adminToken));
    expect(back.body).toEqual(second.body);

    const seen = [first, second, third].flatMap((r) => guidsOf(r.body));
    expect(seen).toEqual(guids);
  });

  it('when order-direction=desc, answers the rows in reverse and keeps the direction in next_url', async () => {
    const res = await request(w.app)
      .get(`/v2/services?order-direction=desc&results-per-page=3&q=${encodeURIComponent(Q)}`)
      .set(bearer(w.adminToken));

    expect(guidsOf(res.body)).toEqual([guids[4], guids[3], guids[2]]);
    expect(res.body.next_url).toBe(
      `/v2/services?order-direction=desc&page=2&q=${encodeURIComponent(Q)}&results-per-page=3`,
    );
  });

  it('when the page is past the end, answers an empty page with a prev_url', async () => {
    const res = await request(w.app)
      .get(`/v2/services?page=9&results-per-page=2&q=${encodeURIComponent(Q)}`)
      .set(bearer(w.adminToken));

    expect(res.body).toEqual({
      total_results: 5,
      total_pages: 3,
      prev_url: `/v2/services?order-direction=asc&page=8&q=${encodeURIComponent(Q)}&results-per-page=2`,
      next_url: null,
      resources: [],
    });
  });

  it('when nothing matches, answers total_pages 1', async () => {
    const res = await request(w.app)
      .get('/v2/services?q=label:nothing-has-this')
      .set(bearer(w.adminToken));

    expect(res.body).toEqual({
      total_results: 0,
      total_pages: 1,
      prev_url: null,
      next_url: null,
      resources: [],
    });
  });

  it.each([
    ['results-per-page=101', 'results_per_page must be <= 100'],
    ['results-per-page=0', 'results_per_page must be >= 1'],
    ['page=abc', 'page must be an integer'],
    ['order-direction=up', "order_direction must be 'asc' or 'desc' but was 'up'"],
  ])('when %s, answers 400 CF-BadQueryParameter', async (param, detail) => {
    const res = await request(w.app).get(`/v2/services?${param}`).set(bearer(w.adminToken));

    expectCfError(
      res,
      400,
      cfError(10005, 'CF-BadQueryParameter', `The query parameter is invalid: ${detail}`),
    );
  });

  it('when order-by is given, answers 400 CF-OrderByParameterInvalid (CC: 500)', async () => {
    const res = await request(w.app).get('/v2/services?order-by=label').set(bearer(w.adminToken));

    expectCfError(res, 400, cfError(10012, 'CF-OrderByParameterInvalid', 'Cannot order by: label'));
  });
});

describe('GET /v2/services q filters', () => {
  const byLabel: Record<string, string> = {};
  let brokerA: { id: number; guid: string };
  let brokerB: { id: number; guid: string };

  beforeAll(async () => {
    for (const [label, active] of [
      ['op-a', true],
      ['op-b', false],
      ['op-c', true],
      ['op-d', false],
    ] as const) {
      byLabel[label] = await createService({
        label,
        description: 'd',
        provider: 'op-provider',
        active,
        unique_id: `uid-${label}`,
      });
    }
    brokerA = await insertBroker('q-broker-a');
    brokerB = await insertBroker('q-broker-b');
    byLabel['ba-on'] = await createService({
      label: 'ba-on',
      description: 'd',
      service_broker_guid: brokerA.guid,
      active: true,
      provider: 'broker-provider',
    });
    byLabel['ba-off'] = await createService({
      label: 'ba-off',
      description: 'd',
      service_broker_guid: brokerA.guid,
      active: false,
      provider: 'broker-provider',
    });
    byLabel['bb-on'] = await createService({
      label: 'bb-on',
      description: 'd',
      service_broker_guid: brokerB.guid,
      active: true,
      provider: 'broker-provider',
    });
  });

  async function labelsFor(...q: string[]): Promise<string[]> {
    const query = q.map((f) => `q=${encodeURIComponent(f)}`).join('&');
    const res = await request(w.app).get(`/v2/services?${query}`).set(bearer(w.adminToken));
    expect(res.status).toBe(200);
    return labelsOf(res.body);
  }

  it.each<[string, string[], string[]]>([
    ['label equals (:)', ['provider:op-provider', 'label:op-b'], ['op-b']],
    ['label >=', ['provider:op-provider', 'label>=op-c'], ['op-c', 'op-d']],
    ['label <=', ['provider:op-provider', 'label<=op-b'], ['op-a', 'op-b']],
    ['label <', ['provider:op-provider', 'label<op-b'], ['op-a']],
    ['label >', ['provider:op-provider', 'label>op-c'], ['op-d']],
    ['label IN', ['provider:op-provider', 'label IN op-a,op-d,op-z'], ['op-a', 'op-d']],
    ['active:true', ['provider:op-provider', 'active:true'], ['op-a', 'op-c']],
    ['active:t', ['provider:op-provider', 'active:t'], ['op-a', 'op-c']],
    ['active:false', ['provider:op-provider', 'active:false'], ['op-b', 'op-d']],
    [
      'active with any other value meaning false',
      ['provider:op-provider', 'active:yes'],
      ['op-b', 'op-d'],
    ],
    ['unique_id equals', ['unique_id:uid-op-c'], ['op-c']],
    ['unique_id IN', ['unique_id IN uid-op-a,uid-op-b'], ['op-a', 'op-b']],
    ['unique_id >', ['provider:op-provider', 'unique_id>uid-op-b'], ['op-c', 'op-d']],
    ['provider equals', ['provider:broker-provider'], ['ba-on', 'ba-off', 'bb-on']],
    ['provider IN', ['provider IN broker-provider,none'], ['ba-on', 'ba-off', 'bb-on']],
    [
      'several filters in one q joined by ;',
      ['provider:op-provider;active:true;label>op-a'],
      ['op-c'],
    ],
  ])('when filtered by %s, answers exactly the matching services', async (_name, q, expected) => {
    expect(await labelsFor(...q)).toEqual(expected);
  });

  it('when filtered by service_broker_guid with each operator, answers that broker’s services', async () => {
    expect(await labelsFor(`service_broker_guid:${brokerA.guid}`)).toEqual(['ba-on', 'ba-off']);
    expect(await labelsFor(`service_broker_guid IN ${brokerA.guid},${brokerB.guid}`)).toEqual([
      'ba-on',
      'ba-off',
      'bb-on',
    ]);
    const [low, high] = [brokerA.guid, brokerB.guid].sort();
    expect(await labelsFor('provider:broker-provider', `service_broker_guid>${low}`)).toEqual(
      high === brokerA.guid ? ['ba-on', 'ba-off'] : ['bb-on'],
    );
    expect(await labelsFor('provider:broker-provider', `service_broker_guid<${high}`)).toEqual(
      low === brokerA.guid ? ['ba-on', 'ba-off'] : ['bb-on'],
    );
    expect(await labelsFor('provider:broker-provider', `service_broker_guid>=${low}`)).toEqual([
      'ba-on',
      'ba-off',
      'bb-on',
    ]);
    expect(await labelsFor('provider:broker-provider', `service_broker_guid<=${low}`)).toEqual(
      low === brokerA.guid ? ['ba-on', 'ba-off'] : ['bb-on'],
    );
  });

  it('when filtered by service_broker_guid AND active, answers only services matching both', async () => {
    expect(await labelsFor(`service_broker_guid:${brokerA.guid}`, 'active:true')).toEqual([
      'ba-on',
    ]);
    expect(await labelsFor(`active:false`, `service_broker_guid:${brokerA.guid}`)).toEqual([
      'ba-off',
    ]);
    expect(await labelsFor(`service_broker_guid:${brokerA.guid};active:true`)).toEqual(['ba-on']);
  });

  it('when a value contains a colon, splits on the first operator only', async () => {
    const guid = await createService({ label: 'colon:label', description: 'd' });
    const res = await request(w.app)
      .get(`/v2/services?q=${encodeURIComponent('label:colon:label')}`)
      .set(bearer(w.adminToken));

    expect(guidsOf(res.body)).toEqual([guid]);
  });

  it.each([
    ['an unknown field', 'name:op-a', 'name'],
    ['a field of another resource', 'service_guid:x', 'service_guid'],
    ['no operator', 'label', 'label'],
  ])('when q has %s, answers 400 CF-BadQueryParameter naming it', async (_name, q, detail) => {
    const res = await request(w.app)
      .get(`/v2/services?q=${encodeURIComponent(q)}`)
      .set(bearer(w.adminToken));

    expectCfError(
      res,
      400,
      cfError(10005, 'CF-BadQueryParameter', `The query parameter is invalid: ${detail}`),
    );
  });
});
