import { randomUUID } from 'node:crypto';
import request from 'supertest';
import {
  badQueryParameter,
  expectCfError,
  expectCfJson,
  INSUFFICIENT_SCOPE,
  INVALID_AUTH_TOKEN,
  messageParseError,
  NOT_AUTHENTICATED,
  NOT_AUTHORIZED,
} from '../../support/cf-expect';
import type { CfErrorBody } from '../../support/cf-expect';
import { grantOrgRole, grantSpaceRole } from '../../support/orgs';
import { bearer, CORE_TABLES, snapshot, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import { catalogHelpers, cfError, guidsOf, fieldOf } from '../../support/catalog-world';

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

/** Reference §3.2's entity keys, in CC's order. */
const PLAN_KEYS = [
  'name',
  'free',
  'description',
  'service_guid',
  'extra',
  'unique_id',
  'public',
  'bindable',
  'plan_updateable',
  'active',
  'maximum_polling_duration',
  'maintenance_info',
  'schemas',
  'service_url',
  'service_instances_url',
];

const EMPTY_SCHEMAS = {
  service_instance: { create: { parameters: {} }, update: { parameters: {} } },
  service_binding: { create: { parameters: {} } },
};

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

interface Envelope {
  metadata: Record<string, unknown>;
  entity: Record<string, unknown>;
}

async function readPlan(guid: string): Promise<Envelope> {
  const res = await request(w.app).get(`/v2/service_plans/${guid}`).set(bearer(w.adminToken));
  expect(res.status).toBe(200);
  const body: Envelope = res.body;
  return body;
}

describe('POST /v2/service_plans', () => {
  it('when an admin sends only the required fields, answers 201 with Location and the whole entity with its defaults', async () => {
    const serviceGuid = await createService({ label: 'plan-defaults', description: 'd' });

    const res = await request(w.app)
      .post('/v2/service_plans')
      .set(bearer(w.adminToken))
      .send({ name: 'small', description: 'A small plan', service_guid: serviceGuid });

    expectCfJson(res, 201);
    const guid = String(res.body.metadata.guid);
    expect(guid).toMatch(UUID);
    expect(res.headers.location).toBe(`/v2/service_plans/${guid}`);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toEqual({
      metadata: {
        guid,
        url: `/v2/service_plans/${guid}`,
        created_at: TIMESTAMP,
        updated_at: TIMESTAMP,
      },
      entity: {
        name: 'small',
        free: true,
        description: 'A small plan',
        service_guid: serviceGuid,
        extra: null,
        unique_id: expect.any(String),
        public: true,
        bindable: true,
        plan_updateable: null,
        active: true,
        maximum_polling_duration: null,
        maintenance_info: {},
        schemas: EMPTY_SCHEMAS,
        service_url: `/v2/services/${serviceGuid}`,
        service_instances_url: `/v2/service_plans/${guid}/service_instances`,
      },
    });
    expect(Object.keys(res.body.entity)).toEqual(PLAN_KEYS);
    expect(res.body.entity.unique_id).toMatch(UUID);
  });

  it('when every optional field is given, answers 201 echoing them with schemas fully shaped', async () => {
    const serviceGuid = await createService({ label: 'plan-full', description: 'd' });
    const createParameters = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' };

    const res = await request(w.app)
      .post('/v2/service_plans')
      .set(bearer(w.adminToken))
      .send({
        name: 'large',
        description: 'A large plan',
        service_guid: serviceGuid,
        free: false,
        public: false,
        active: false,
        bindable: false,
        plan_updateable: true,
        extra: '{"cost":10}',
        unique_id: 'large-id',
        maintenance_info: { version: '1.2.3', description: 'patched' },
        schemas: { service_instance: { create: { parameters: createParameters } } },
        maximum_polling_duration: 600,
      });

    expectCfJson(res, 201);
    const guid = String(res.body.metadata.guid);
    expect(res.body.entity).toEqual({
      name: 'large',
      free: false,
      description: 'A large plan',
      service_guid: serviceGuid,
      extra: '{"cost":10}',
      unique_id: 'large-id',
      public: false,
      bindable: false,
      plan_updateable: true,
      active: false,
      maximum_polling_duration: 600,
      maintenance_info: { version: '1.2.3', description: 'patched' },
      schemas: {
        service_instance: { create: { parameters: createParameters }, update: { parameters: {} } },
        service_binding: { create: { parameters: {} } },
      },
      service_url: `/v2/services/${serviceGuid}`,
      service_instances_url: `/v2/service_plans/${guid}/service_instances`,
    });
    expect(await readPlan(guid)).toEqual(res.body);
  });

  it('when the plan says nothing about bindable, answers the value inherited from its service', async () => {
    const serviceGuid = await createService({
      label: 'unbindable',
      description: 'd',
      bindable: false,
    });

    const res = await request(w.app)
      .post('/v2/service_plans')
      .set(bearer(w.adminToken))
      .send({ name: 'inherits', description: 'd', service_guid: serviceGuid });

    expect(res.body.entity.bindable).toBe(false);
  });

  it('when another service already has a plan of that name, answers 201', async () => {
    await createPlan(await createService({ label: 'name-owner', description: 'd' }), {
      name: 'shared-name',
    });
    const res = await request(w.app)
      .post('/v2/service_plans')
      .set(bearer(w.adminToken))
      .send({
        name: 'shared-name',
        description: 'd',
        service_guid: await createService({ label: 'name-reuser', description: 'd' }),
      });

    expectCfJson(res, 201);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['name is missing', { description: 'd' }, 'Field: name, Error: Missing field name'],
    [
      'description is missing',
      { name: 'n' },
      'Field: description, Error: Missing field description',
    ],
    ['name is blank', { name: ' ', description: 'd' }, 'Field: name, Error: can not be blank'],
    [
      'free is a string',
      { name: 'n', description: 'd', free: 'yes' },
      'Field: free, Error: Expected boolean, received string',
    ],
    [
      'public is a number',
      { name: 'n', description: 'd', public: 1 },
      'Field: public, Error: Expected boolean, received number',
    ],
    [
      'extra is an object',
      { name: 'n', description: 'd', extra: { cost: 1 } },
      'Field: extra, Error: Expected string, received object',
    ],
    [
      'maintenance_info.version is not semver',
      { name: 'n', description: 'd', maintenance_info: { version: 'one' } },
      'Field: maintenance_info.version, Error: must be a semantic version',
    ],
    [
      'maintenance_info.version has a numeric pre-release with a leading zero (SemVer 2.0 §9)',
      { name: 'n', description: 'd', maintenance_info: { version: '1.0.0-01' } },
      'Field: maintenance_info.version, Error: must be a semantic version',
    ],
    [
      'maintenance_info lacks a version',
      { name: 'n', description: 'd', maintenance_info: {} },
      'Field: maintenance_info.version, Error: Missing field maintenance_info.version',
    ],
    [
      'schemas has an unknown part',
      { name: 'n', description: 'd', schemas: { service_key: {} } },
      "Field: schemas, Error: Unrecognized key(s) in object: 'service_key'",
    ],
    [
      'schemas parameters is a string',
      {
        name: 'n',
        description: 'd',
        schemas: { service_instance: { create: { parameters: 'x' } } },
      },
      'Field: schemas.service_instance.create.parameters, Error: Expected object, received string',
    ],
    [
      'maximum_polling_duration is negative',
      { name: 'n', description: 'd', maximum_polling_duration: -1 },
      'Field: maximum_polling_duration, Error: Number must be greater than or equal to 0',
    ],
  ])(
    'when %s, answers 400 CF-MessageParseError naming the field and stores nothing',
    async (_name, fields, detail) => {
      const serviceGuid = await createService({
        label: `bad-plan-${randomUUID()}`,
        description: 'd',
      });
      const before = await snapshot(w.knex, CATALOG_TABLES);

      const res = await request(w.app)
        .post('/v2/service_plans')
        .set(bearer(w.adminToken))
        .send({ service_guid: serviceGuid, ...fields });

      expectCfError(res, 400, messageParseError(detail));
      expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
    },
  );

  it('when service_guid is missing, answers 400 CF-MessageParseError naming it and stores nothing', async () => {
    const before = await snapshot(w.knex, CATALOG_TABLES);
    const res = await request(w.app)
      .post('/v2/service_plans')
      .set(bearer(w.adminToken))
      .send({ name: 'n', description: 'd' });

    expectCfError(
      res,
      400,
      messageParseError('Field: service_guid, Error: Missing field service_guid'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the name is taken within the service, answers 400 CF-ServicePlanNameTaken 110002 and stores nothing', async () => {
    const serviceGuid = await createService({ label: 'plan-name-taken', description: 'd' });
    await createPlan(serviceGuid, { name: 'medium' });
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .post('/v2/service_plans')
      .set(bearer(w.adminToken))
      .send({ name: 'medium', description: 'again', service_guid: serviceGuid });

    expectCfError(
      res,
      400,
      cfError(110002, 'CF-ServicePlanNameTaken', 'The service plan name is taken: medium'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the unique_id is taken within the service, answers 400 CF-ServicePlanInvalid and stores nothing', async () => {
    const serviceGuid = await createService({ label: 'plan-uid-taken', description: 'd' });
    await createPlan(serviceGuid, { name: 'first', unique_id: 'dup-plan-id' });
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app).post('/v2/service_plans').set(bearer(w.adminToken)).send({
      name: 'second',
      description: 'd',
      service_guid: serviceGuid,
      unique_id: 'dup-plan-id',
    });

    expectCfError(
      res,
      400,
      cfError(
        110001,
        'CF-ServicePlanInvalid',
        'The service plan is invalid: unique_id dup-plan-id is taken',
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the service belongs to a broker, answers 400 CF-ServicePlanInvalid and stores nothing', async () => {
    const broker = await insertBroker('plan-post-broker');
    const serviceGuid = await createService({
      label: 'brokered',
      description: 'd',
      service_broker_guid: broker.guid,
    });
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .post('/v2/service_plans')
      .set(bearer(w.adminToken))
      .send({ name: 'sneaky', description: 'd', service_guid: serviceGuid });

    expectCfError(
      res,
      400,
      cfError(
        110001,
        'CF-ServicePlanInvalid',
        'The service plan is invalid: plans of service brokered come from the catalog of its service broker',
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the service is unknown, answers 400 CF-InvalidRelation and stores nothing', async () => {
    const before = await snapshot(w.knex, CATALOG_TABLES);
    const res = await request(w.app)
      .post('/v2/service_plans')
      .set(bearer(w.adminToken))
      .send({ name: 'n', description: 'd', service_guid: 'nope' });

    expectCfError(
      res,
      400,
      cfError(1002, 'CF-InvalidRelation', 'Could not find Service with guid: nope'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it.each<[string, () => Promise<Record<string, string>>, number, CfErrorBody]>([
    ['there is no token', () => Promise.resolve({}), 401, NOT_AUTHENTICATED],
    ['the caller is not an admin', () => Promise.resolve(bearer(userToken)), 403, NOT_AUTHORIZED],
    [
      'the token lacks cloud_controller.write',
      async () =>
        bearer(
          (await w.userWithToken(`reader-${randomUUID()}`, ['openid', 'cloud_controller.read']))
            .token,
        ),
      403,
      INSUFFICIENT_SCOPE,
    ],
  ])('when %s, answers the auth error and stores nothing', async (_name, auth, status, body) => {
    const serviceGuid = await createService({
      label: `auth-plan-${randomUUID()}`,
      description: 'd',
    });
    const headers = await auth();
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .post('/v2/service_plans')
      .set(headers)
      .send({ name: 'n', description: 'd', service_guid: serviceGuid });

    expectCfError(res, status, body);
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });
});

describe('GET /v2/service_plans/:guid', () => {
  it('when an admin reads a plan, answers 200 with the same envelope as the create', async () => {
    const serviceGuid = await createService({ label: 'plan-read', description: 'd' });
    const created = await request(w.app)
      .post('/v2/service_plans')
      .set(bearer(w.adminToken))
      .send({ name: 'read-me', description: 'd', service_guid: serviceGuid });

    const res = await request(w.app)
      .get(`/v2/service_plans/${created.body.metadata.guid}`)
      .set(bearer(w.adminToken));

    expectCfJson(res, 200);
    expect(res.body).toEqual(created.body);
  });

  it('when the guid is unknown, answers 404 CF-ServicePlanNotFound 110003', async () => {
    const res = await request(w.app).get('/v2/service_plans/nope').set(bearer(w.adminToken));

    expectCfError(
      res,
      404,
      cfError(110003, 'CF-ServicePlanNotFound', 'The service plan could not be found: nope'),
    );
  });

  it('when a user reads an inactive plan, answers 403 CF-NotAuthorized', async () => {
    const guid = await createPlan(
      await createService({ label: 'plan-inactive-read', description: 'd' }),
      { active: false },
    );
    const res = await request(w.app).get(`/v2/service_plans/${guid}`).set(bearer(userToken));

    expectCfError(res, 403, NOT_AUTHORIZED);
  });

  it('when a user reads a non-public plan of no organization of theirs, answers 403 CF-NotAuthorized', async () => {
    const guid = await createPlan(
      await createService({ label: 'plan-private-read', description: 'd' }),
      { public: false },
    );
    const res = await request(w.app).get(`/v2/service_plans/${guid}`).set(bearer(userToken));

    expectCfError(res, 403, NOT_AUTHORIZED);
  });

  it('when a member reads a non-public plan made visible to their organization, answers 200', async () => {
    const { user, token } = await w.userWithToken('plan-read-member', [
      'openid',
      'cloud_controller.read',
    ]);
    const org = await createOrg('plan-read-org');
    await grantOrgRole(w, org, 'users', user.guid);
    const guid = await createPlan(
      await createService({ label: 'plan-visible-read', description: 'd' }),
      { public: false },
    );
    await addVisibility(guid, org);

    const res = await request(w.app).get(`/v2/service_plans/${guid}`).set(bearer(token));

    expectCfJson(res, 200);
    expect(res.body).toEqual(await readPlan(guid));
  });

  it('when a developer reads the plan backing an instance in their space, answers 200 although the plan is no longer visible', async () => {
    const { user, token } = await w.userWithToken('plan-instance-dev', [
      'openid',
      'cloud_controller.read',
    ]);
    const org = await createOrg('plan-instance-org');
    const space = await createSpace(org, 'plan-instance-space');
    await grantOrgRole(w, org, 'users', user.guid);
    await grantSpaceRole(w, space, 'developers', user.guid);
    const guid = await createPlan(
      await createService({ label: 'plan-instance-read', description: 'd' }),
      { public: false },
    );
    await insertInstance(guid, space, 'backed-instance');

    const res = await request(w.app).get(`/v2/service_plans/${guid}`).set(bearer(token));

    expectCfJson(res, 200);
    expect(res.body).toEqual(await readPlan(guid));
    expect(
      (await request(w.app).get('/v2/service_plans?results-per-page=100').set(bearer(token))).body
        .resources,
    ).not.toContainEqual(expect.objectContaining({ metadata: expect.objectContaining({ guid }) }));
  });

  it('when an org member without a role in that space reads the plan backing an instance there, answers 403 CF-NotAuthorized', async () => {
    const { user, token } = await w.userWithToken('plan-instance-outsider', [
      'openid',
      'cloud_controller.read',
    ]);
    const org = await createOrg('plan-instance-org-2');
    const space = await createSpace(org, 'plan-instance-space-2');
    await grantOrgRole(w, org, 'users', user.guid);
    const guid = await createPlan(
      await createService({ label: 'plan-instance-read-2', description: 'd' }),
      { public: false },
    );
    await insertInstance(guid, space, 'backed-instance-2');

    const res = await request(w.app).get(`/v2/service_plans/${guid}`).set(bearer(token));

    expectCfError(res, 403, NOT_AUTHORIZED);
  });

  it('when inline-relations-depth=1, answers with its service embedded next to service_url', async () => {
    const serviceGuid = await createService({ label: 'plan-inline', description: 'd' });
    const guid = await createPlan(serviceGuid);
    const service = await request(w.app)
      .get(`/v2/services/${serviceGuid}`)
      .set(bearer(w.adminToken));

    const res = await request(w.app)
      .get(`/v2/service_plans/${guid}?inline-relations-depth=1`)
      .set(bearer(w.adminToken));

    expectCfJson(res, 200);
    expect(res.body.entity).toEqual({ ...(await readPlan(guid)).entity, service: service.body });
  });

  it('when inline-relations-depth=3, answers 400 CF-BadQueryParameter', async () => {
    const guid = await createPlan(
      await createService({ label: 'plan-inline-3', description: 'd' }),
    );
    const res = await request(w.app)
      .get(`/v2/service_plans/${guid}?inline-relations-depth=3`)
      .set(bearer(w.adminToken));

    expectCfError(res, 400, badQueryParameter('inline_relations_depth must be <= 2'));
  });

  it('when there is no token, answers 401 CF-NotAuthenticated', async () => {
    const guid = await createPlan(
      await createService({ label: 'plan-anon-read', description: 'd' }),
    );
    const res = await request(w.app).get(`/v2/service_plans/${guid}`);

    expectCfError(res, 401, NOT_AUTHENTICATED);
  });

  it('when the token lacks cloud_controller.read, answers 403 CF-InsufficientScope', async () => {
    const guid = await createPlan(
      await createService({ label: 'plan-scope-read', description: 'd' }),
    );
    const { token } = await w.userWithToken('plan-openid-only', ['openid']);
    const res = await request(w.app).get(`/v2/service_plans/${guid}`).set(bearer(token));

    expectCfError(res, 403, INSUFFICIENT_SCOPE);
  });
});

describe('PUT /v2/service_plans/:guid', () => {
  it('when an admin updates a broker-less plan, answers 201 with every given field changed', async () => {
    const serviceGuid = await createService({ label: 'plan-put', description: 'd' });
    const guid = await createPlan(serviceGuid, { name: 'before' });
    const before = await readPlan(guid);

    const res = await request(w.app)
      .put(`/v2/service_plans/${guid}`)
      .set(bearer(w.adminToken))
      .send({
        name: 'after',
        description: 'changed',
        free: false,
        public: false,
        bindable: false,
        plan_updateable: true,
        extra: '{"a":1}',
        unique_id: 'after-id',
        maintenance_info: { version: '2.0.0' },
        maximum_polling_duration: 30,
      });

    expectCfJson(res, 201);
    expect(res.body).toEqual({
      metadata: { ...before.metadata, updated_at: TIMESTAMP },
      entity: {
        ...before.entity,
        name: 'after',
        description: 'changed',
        free: false,
        public: false,
        bindable: false,
        plan_updateable: true,
        extra: '{"a":1}',
        unique_id: 'after-id',
        maintenance_info: { version: '2.0.0' },
        maximum_polling_duration: 30,
      },
    });
    expect(await readPlan(guid)).toEqual(res.body);
  });

  it('when the plan comes from a broker, answers 201 having applied only public', async () => {
    const broker = await insertBroker('plan-put-broker');
    const serviceGuid = await createService({
      label: 'plan-put-brokered',
      description: 'd',
      service_broker_guid: broker.guid,
    });
    const plan = await insertBrokerPlan(serviceGuid, 'catalog-plan', { public: false });
    const before = await readPlan(plan.guid);

    const res = await request(w.app)
      .put(`/v2/service_plans/${plan.guid}`)
      .set(bearer(w.adminToken))
      .send({
        public: true,
        name: 'renamed',
        description: 'rewritten',
        free: false,
        unique_id: 'other',
      });

    expectCfJson(res, 201);
    expect(res.body).toEqual({
      metadata: { ...before.metadata, updated_at: TIMESTAMP },
      entity: { ...before.entity, public: true },
    });
  });

  it('when a broker plan update has a field of the wrong type, answers 400 CF-MessageParseError and changes nothing', async () => {
    const broker = await insertBroker('plan-put-broker-typed');
    const serviceGuid = await createService({
      label: 'plan-put-brokered-typed',
      description: 'd',
      service_broker_guid: broker.guid,
    });
    const plan = await insertBrokerPlan(serviceGuid, 'typed-plan', { public: false });
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .put(`/v2/service_plans/${plan.guid}`)
      .set(bearer(w.adminToken))
      .send({ public: true, name: 5 });

    expectCfError(
      res,
      400,
      messageParseError('Field: name, Error: Expected string, received number'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the new name is taken within the service, answers 400 CF-ServicePlanNameTaken and changes nothing', async () => {
    const serviceGuid = await createService({ label: 'plan-put-taken', description: 'd' });
    await createPlan(serviceGuid, { name: 'occupied' });
    const guid = await createPlan(serviceGuid, { name: 'mover' });
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .put(`/v2/service_plans/${guid}`)
      .set(bearer(w.adminToken))
      .send({ name: 'occupied' });

    expectCfError(
      res,
      400,
      cfError(110002, 'CF-ServicePlanNameTaken', 'The service plan name is taken: occupied'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the guid is unknown, answers 404 CF-ServicePlanNotFound and changes nothing', async () => {
    const before = await snapshot(w.knex, CATALOG_TABLES);
    const res = await request(w.app)
      .put('/v2/service_plans/nope')
      .set(bearer(w.adminToken))
      .send({ public: true });

    expectCfError(
      res,
      404,
      cfError(110003, 'CF-ServicePlanNotFound', 'The service plan could not be found: nope'),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the caller is not an admin, answers 403 CF-NotAuthorized and changes nothing', async () => {
    const guid = await createPlan(
      await createService({ label: 'plan-put-forbidden', description: 'd' }),
      { public: false },
    );
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app)
      .put(`/v2/service_plans/${guid}`)
      .set(bearer(userToken))
      .send({ public: true });

    expectCfError(res, 403, NOT_AUTHORIZED);
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });
});

describe('DELETE /v2/service_plans/:guid', () => {
  it('when the plan has no instances, answers 204 and removes it with its visibilities only', async () => {
    const org = await createOrg('plan-delete-org');
    const serviceGuid = await createService({ label: 'plan-delete', description: 'd' });
    const guid = await createPlan(serviceGuid, { public: false });
    const kept = await createPlan(serviceGuid, { public: false });
    await addVisibility(guid, org);
    await addVisibility(kept, org);
    const planId = (await w.knex('service_plans').where({ guid }).first('id')).id;
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app).delete(`/v2/service_plans/${guid}`).set(bearer(w.adminToken));

    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    const rows = (table: string): Record<string, unknown>[] =>
      (before[table] ?? []) as Record<string, unknown>[];
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual({
      ...before,
      service_plans: rows('service_plans').filter((r) => r.id !== planId),
      service_plan_visibilities: rows('service_plan_visibilities').filter(
        (r) => r.service_plan_id !== planId,
      ),
    });
    expect(
      rows('service_plan_visibilities').filter((r) => r.service_plan_id === planId),
    ).toHaveLength(1);
  });

  it('when instances exist, answers 400 CF-AssociationNotEmpty 10006 and changes nothing', async () => {
    const org = await createOrg('plan-busy-org');
    const space = await createSpace(org, 'plan-busy-space');
    const guid = await createPlan(await createService({ label: 'plan-busy', description: 'd' }));
    await insertInstance(guid, space, 'in-use');
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app).delete(`/v2/service_plans/${guid}`).set(bearer(w.adminToken));

    expectCfError(
      res,
      400,
      cfError(
        10006,
        'CF-AssociationNotEmpty',
        'Please delete the service_instances associations for your service_plans.',
      ),
    );
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when the guid is unknown, answers 404 CF-ServicePlanNotFound', async () => {
    const res = await request(w.app).delete('/v2/service_plans/nope').set(bearer(w.adminToken));

    expectCfError(
      res,
      404,
      cfError(110003, 'CF-ServicePlanNotFound', 'The service plan could not be found: nope'),
    );
  });

  it('when the caller is not an admin, answers 403 CF-NotAuthorized and changes nothing', async () => {
    const guid = await createPlan(
      await createService({ label: 'plan-delete-forbidden', description: 'd' }),
    );
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app).delete(`/v2/service_plans/${guid}`).set(bearer(userToken));

    expectCfError(res, 403, NOT_AUTHORIZED);
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });

  it('when there is no token, answers 401 CF-NotAuthenticated and changes nothing', async () => {
    const guid = await createPlan(
      await createService({ label: 'plan-delete-anon', description: 'd' }),
    );
    const before = await snapshot(w.knex, CATALOG_TABLES);

    const res = await request(w.app).delete(`/v2/service_plans/${guid}`);

    expectCfError(res, 401, NOT_AUTHENTICATED);
    expect(await snapshot(w.knex, CATALOG_TABLES)).toEqual(before);
  });
});

describe('GET /v2/service_plans', () => {
  let serviceGuid: string;
  const plans: Record<string, string> = {};
  let memberToken: string;
  let strangerToken: string;

  beforeAll(async () => {
    const member = await w.createUser('plans-member');
    memberToken = w.tokenFor(member);
    strangerToken = w.tokenFor(await w.createUser('plans-stranger'));
    const orgA = await createOrg('plans-org-a');
    const orgB = await createOrg('plans-org-b');
    const spaceA = await createSpace(orgA, 'plans-space-a');
    await grantOrgRole(w, orgA, 'users', member.guid);
    await grantSpaceRole(w, spaceA, 'developers', member.guid);
    serviceGuid = await createService({ label: 'plans-view', description: 'd' });
    plans.public = await createPlan(serviceGuid, { name: 'public' });
    plans.orgA = await createPlan(serviceGuid, { name: 'org-a', public: false });
    await addVisibility(plans.orgA, orgA);
    plans.orgB = await createPlan(serviceGuid, { name: 'org-b', public: false });
    await addVisibility(plans.orgB, orgB);
    plans.inactive = await createPlan(serviceGuid, { name: 'inactive', active: false });
    plans.inactiveVisible = await createPlan(serviceGuid, {
      name: 'inactive-visible',
      active: false,
      public: false,
    });
    await addVisibility(plans.inactiveVisible, orgA);
    const spaceId: number = (await w.knex('spaces').where({ guid: spaceA }).first('id')).id;
    const spaceBroker = await insertBroker('plans-space-broker', spaceId);
    const brokered = await createService({
      label: 'plans-view-space-broker',
      description: 'd',
      service_broker_guid: spaceBroker.guid,
    });
    plans.spaceBroker = (await insertBrokerPlan(brokered, 'space-scoped', { public: false })).guid;
  });

  async function namesSeenWith(headers: Record<string, string>): Promise<string[]> {
    const res = await request(w.app)
      .get(
        `/v2/service_plans?results-per-page=100&q=${encodeURIComponent(`service_guid IN ${serviceGuid},${await brokeredServiceGuid()}`)}`,
      )
      .set(headers);
    expectCfJson(res, 200);
    expect(res.body.total_results).toBe(res.body.resources.length);
    return fieldOf(res.body, 'name').map(String);
  }

  async function brokeredServiceGuid(): Promise<string> {
    return String(
      (await w.knex('services').where({ label: 'plans-view-space-broker' }).first('guid')).guid,
    );
  }

  it('when anonymous, answers only the active public plans', async () => {
    expect(await namesSeenWith({})).toEqual(['public']);
  });

  it('when a user belongs to no organization, answers only the active public plans', async () => {
    expect(await namesSeenWith(bearer(strangerToken))).toEqual(['public']);
  });

  it('when a user is a member, answers also the active plans visible to their organization and their space’s broker', async () => {
    expect(await namesSeenWith(bearer(memberToken))).toEqual(['public', 'org-a', 'space-scoped']);
  });

  it.each([
    ['cloud_controller.admin', ['openid', 'cloud_controller.admin']],
    ['cloud_controller.admin_read_only', ['openid', 'cloud_controller.admin_read_only']],
    ['cloud_controller.global_auditor', ['openid', 'cloud_controller.global_auditor']],
  ])(
    'when the caller has %s, answers every plan including inactive ones',
    async (scope, scopes) => {
      const { token } = await w.userWithToken(`plans-${scope}`, scopes);
      expect(await namesSeenWith(bearer(token))).toEqual([
        'public',
        'org-a',
        'org-b',
        'inactive',
        'inactive-visible',
        'space-scoped',
      ]);
    },
  );

  it('when the token lacks cloud_controller.read, answers 403 CF-InsufficientScope', async () => {
    const { token } = await w.userWithToken('plans-openid-only', ['openid']);
    const res = await request(w.app).get('/v2/service_plans').set(bearer(token));

    expectCfError(res, 403, INSUFFICIENT_SCOPE);
  });

  it('when the token is not valid, answers 401 CF-InvalidAuthToken', async () => {
    const res = await request(w.app).get('/v2/service_plans').set(bearer('garbage'));

    expectCfError(res, 401, INVALID_AUTH_TOKEN);
  });

  it('when inline-relations-depth=1, embeds each plan’s service', async () => {
    const service = await request(w.app)
      .get(`/v2/services/${serviceGuid}`)
      .set(bearer(w.adminToken));
    const res = await request(w.app)
      .get(
        `/v2/service_plans?inline-relations-depth=1&q=service_guid:${serviceGuid}&results-per-page=2`,
      )
      .set(bearer(w.adminToken));

    expectCfJson(res, 200);
    expect(res.body.resources).toHaveLength(2);
    for (const plan of res.body.resources) expect(plan.entity.service).toEqual(service.body);
    expect(res.body.next_url).toBe(
      `/v2/service_plans?inline-relations-depth=1&order-direction=asc&page=2&q=${encodeURIComponent(`service_guid:${serviceGuid}`)}&results-per-page=2`,
    );
  });

  it('when anonymous asks for inline-relations-depth=1, answers without the embedded service', async () => {
    const res = await request(w.app).get(
      `/v2/service_plans?inline-relations-depth=1&q=service_guid:${serviceGuid}`,
    );

    expectCfJson(res, 200);
    expect(res.body.resources[0].entity).not.toHaveProperty('service');
  });

  it('when anonymous callers ask the same page with and without inline-relations-depth, answers each a next_url that fits its request', async () => {
    const q = encodeURIComponent(`service_guid:${serviceGuid}`);
    await createPlan(serviceGuid, { name: 'second-public' });
    const withDepth = await request(w.app).get(
      `/v2/service_plans?results-per-page=1&inline-relations-depth=1&q=${q}`,
    );

    const plain = await request(w.app).get(`/v2/service_plans?results-per-page=1&q=${q}`);

    expect(plain.body).toMatchObject({
      total_results: 2,
      next_url: `/v2/service_plans?order-direction=asc&page=2&q=${q}&results-per-page=1`,
    });
    const next = await request(w.app).get(withDepth.body.next_url);
    expectCfJson(next, 200);
    expect(fieldOf(next.body, 'name')).toEqual(['second-public']);
    await request(w.app)
      .delete(`/v2/service_plans/${String(guidsOf(next.body)[0])}`)
      .set(bearer(w.adminToken))
      .expect(204);
  });

  it('when inline-relations-depth=3, answers 400 CF-BadQueryParameter', async () => {
    const res = await request(w.app)
      .get('/v2/service_plans?inline-relations-depth=3')
      .set(bearer(w.adminToken));

    expectCfError(res, 400, badQueryParameter('inline_relations_depth must be <= 2'));
  });

  it('when results-per-page=2, answers pages whose next and prev URLs keep q and lead through every plan once', async () => {
    const q = encodeURIComponent(`service_guid:${serviceGuid}`);
    const first = await request(w.app)
      .get(`/v2/service_plans?results-per-page=2&q=${q}`)
      .set(bearer(w.adminToken));
    expect(first.body).toEqual({
      total_results: 5,
      total_pages: 3,
      prev_url: null,
      next_url: `/v2/service_plans?order-direction=asc&page=2&q=${q}&results-per-page=2`,
      resources: [expect.anything(), expect.anything()],
    });
    const second = await request(w.app).get(first.body.next_url).set(bearer(w.adminToken));
    expect(second.body.prev_url).toBe(
      `/v2/service_plans?order-direction=asc&page=1&q=${q}&results-per-page=2`,
    );
    const third = await request(w.app).get(second.body.next_url).set(bearer(w.adminToken));
    expect(third.body.next_url).toBeNull();

    const seen = [first, second, third].flatMap((r) => guidsOf(r.body));
    expect(seen).toEqual([
      plans.public,
      plans.orgA,
      plans.orgB,
      plans.inactive,
      plans.inactiveVisible,
    ]);
  });
});

describe('GET /v2/service_plans SQL per request', () => {
  async function queriesFor(
    url: string,
    token: string,
  ): Promise<{ count: number; body: { total_results: number } }> {
    let count = 0;
    const listener = (): void => {
      count += 1;
    };
    w.knex.on('query', listener);
    try {
      const res = await request(w.app).get(url).set(bearer(token));
      expect(res.status).toBe(200);
      return { count, body: res.body };
    } finally {
      w.knex.removeListener('query', listener);
    }
  }

  it('when a member of 20 organizations lists a service’s plans, runs no more statements than a member of one, at most 4', async () => {
    const one = await w.userWithToken('sql-plans-one', ['openid', 'cloud_controller.read']);
    const many = await w.userWithToken('sql-plans-many', ['openid', 'cloud_controller.read']);
    const serviceGuid = await createService({ label: 'sql-plans', description: 'd' });
    for (let i = 0; i < 20; i++) {
      const org = await createOrg(`sql-plans-org-${i}`);
      await grantOrgRole(w, org, 'users', many.user.guid);
      if (i === 0) await grantOrgRole(w, org, 'users', one.user.guid);
      await addVisibility(await createPlan(serviceGuid, { public: false }), org);
    }
    const url = `/v2/service_plans?q=${encodeURIComponent(`service_guid:${serviceGuid}`)}`;

    const forOne = await queriesFor(url, one.token);
    const forMany = await queriesFor(url, many.token);

    expect(forOne.body.total_results).toBe(1);
    expect(forMany.body.total_results).toBe(20);
    expect(forMany.count).toBeLessThanOrEqual(4);
    expect(forMany.count).toBe(forOne.count);
  });
});

describe('GET /v2/service_plans q filters', () => {
  let svcA: string;
  let svcB: string;
  let brokerX: { id: number; guid: string };
  let brokerY: { id: number; guid: string };
  const p: Record<string, string> = {};
  let instanceGuid: string;
  let otherInstanceGuid: string;

  beforeAll(async () => {
    svcA = await createService({ label: 'q-plans-a', description: 'd' });
    svcB = await createService({ label: 'q-plans-b', description: 'd' });
    p.a1 = await createPlan(svcA, { name: 'a1', unique_id: 'qp-1' });
    p.a2 = await createPlan(svcA, { name: 'a2', unique_id: 'qp-2', active: false });
    p.b1 = await createPlan(svcB, { name: 'b1', unique_id: 'qp-3' });
    brokerX = await insertBroker('q-plans-broker-x');
    brokerY = await insertBroker('q-plans-broker-y');
    const svcX = await createService({
      label: 'q-plans-x',
      description: 'd',
      service_broker_guid: brokerX.guid,
    });
    const svcY = await createService({
      label: 'q-plans-y',
      description: 'd',
      service_broker_guid: brokerY.guid,
    });
    p.x1 = (await insertBrokerPlan(svcX, 'x1', { unique_id: 'qp-4' })).guid;
    p.x2 = (await insertBrokerPlan(svcX, 'x2', { unique_id: 'qp-5', active: false })).guid;
    p.y1 = (await insertBrokerPlan(svcY, 'y1', { unique_id: 'qp-6' })).guid;
    const org = await createOrg('q-plans-org');
    const space = await createSpace(org, 'q-plans-space');
    await insertInstance(p.a1, space, 'q-instance');
    await insertInstance(p.x1, space, 'q-instance-other');
    instanceGuid = String(
      (await w.knex('service_instances').where({ name: 'q-instance' }).first('guid')).guid,
    );
    otherInstanceGuid = String(
      (await w.knex('service_instances').where({ name: 'q-instance-other' }).first('guid')).guid,
    );
  });

  async function namesFor(...q: string[]): Promise<string[]> {
    const query = q.map((f) => `q=${encodeURIComponent(f)}`).join('&');
    const res = await request(w.app)
      .get(`/v2/service_plans?results-per-page=100&${query}`)
      .set(bearer(w.adminToken));
    expectCfJson(res, 200);
    return fieldOf(res.body, 'name').map(String);
  }

  it.each<[string, string[], string[]]>([
    ['unique_id :', ['unique_id:qp-2'], ['a2']],
    ['unique_id >=', ['unique_id>=qp-5'], ['x2', 'y1']],
    ['unique_id <=', ['unique_id>=qp-', 'unique_id<=qp-2'], ['a1', 'a2']],
    ['unique_id <', ['unique_id>=qp-', 'unique_id<qp-2'], ['a1']],
    ['unique_id >', ['unique_id>qp-5'], ['y1']],
    ['unique_id IN', ['unique_id IN qp-1,qp-6,missing'], ['a1', 'y1']],
    [
      'unique_id range and active',
      ['unique_id>=qp-1', 'unique_id<=qp-6', 'active:true'],
      ['a1', 'b1', 'x1', 'y1'],
    ],
    [
      'unique_id range and active:false joined by ;',
      ['unique_id>=qp-1;unique_id<=qp-6;active:false'],
      ['a2', 'x2'],
    ],
  ])('when filtered by %s, answers exactly the matching plans', async (_name, q, expected) => {
    expect(await namesFor(...q)).toEqual(expected);
  });

  it('when filtered by service_guid with each operator, answers the plans of the matching services', async () => {
    const [low, high] = [svcA, svcB].sort() as [string, string];
    const lowNames = low === svcA ? ['a1', 'a2'] : ['b1'];
    const highNames = high === svcA ? ['a1', 'a2'] : ['b1'];
    const inPair = `service_guid IN ${svcA},${svcB}`;
    expect(await namesFor(`service_guid:${svcA}`)).toEqual(['a1', 'a2']);
    expect(await namesFor(inPair)).toEqual(['a1', 'a2', 'b1']);
    expect(await namesFor(inPair, `service_guid>${low}`)).toEqual(highNames);
    expect(await namesFor(inPair, `service_guid>=${low}`)).toEqual(['a1', 'a2', 'b1']);
    expect(await namesFor(inPair, `service_guid<${high}`)).toEqual(lowNames);
    expect(await namesFor(inPair, `service_guid<=${low}`)).toEqual(lowNames);
  });

  it('when filtered by service_broker_guid with each operator, answers that broker’s plans', async () => {
    const [low, high] = [brokerX.guid, brokerY.guid].sort() as [string, string];
    const names = (guid: string): string[] => (guid === brokerX.guid ? ['x1', 'x2'] : ['y1']);
    const inPair = `service_broker_guid IN ${brokerX.guid},${brokerY.guid}`;
    expect(await namesFor(`service_broker_guid:${brokerX.guid}`)).toEqual(['x1', 'x2']);
    expect(await namesFor(inPair)).toEqual(['x1', 'x2', 'y1']);
    expect(await namesFor(inPair, `service_broker_guid>${low}`)).toEqual(names(high));
    expect(await namesFor(inPair, `service_broker_guid>=${high}`)).toEqual(names(high));
    expect(await namesFor(inPair, `service_broker_guid<${high}`)).toEqual(names(low));
    expect(await namesFor(inPair, `service_broker_guid<=${low}`)).toEqual(names(low));
  });

  it('when filtered by service_broker_guid AND active AND unique_id, answers plans matching all three (not only the first filter, unlike CC)', async () => {
    expect(await namesFor(`service_broker_guid:${brokerX.guid}`, 'active:true')).toEqual(['x1']);
    expect(
      await namesFor('active:false', `service_broker_guid IN ${brokerX.guid},${brokerY.guid}`),
    ).toEqual(['x2']);
    expect(
      await namesFor(
        `service_broker_guid IN ${brokerX.guid},${brokerY.guid}`,
        'unique_id:qp-6',
        'active:true',
      ),
    ).toEqual(['y1']);
  });

  it('when filtered by service_instance_guid, answers the plan behind that instance', async () => {
    expect(await namesFor(`service_instance_guid:${instanceGuid}`)).toEqual(['a1']);
    expect(await namesFor(`service_instance_guid IN ${instanceGuid},${otherInstanceGuid}`)).toEqual(
      ['a1', 'x1'],
    );
    expect(
      await namesFor(
        `service_instance_guid IN ${instanceGuid},${otherInstanceGuid}`,
        `service_guid:${svcA}`,
      ),
    ).toEqual(['a1']);
  });

  it('when filtered by service_guid and active on the nested list, answers the same as the top-level list', async () => {
    const nested = await request(w.app)
      .get(`/v2/services/${svcA}/service_plans?q=active:true`)
      .set(bearer(w.adminToken));

    expect(fieldOf(nested.body, 'name')).toEqual(
      await namesFor(`service_guid:${svcA}`, 'active:true'),
    );
  });

  it.each([
    ['an unknown field', 'name:a1', 'name'],
    ['a field of services', 'label:x', 'label'],
  ])('when q has %s, answers 400 CF-BadQueryParameter naming it', async (_name, q, detail) => {
    const res = await request(w.app)
      .get(`/v2/service_plans?q=${encodeURIComponent(q)}`)
      .set(bearer(w.adminToken));

    expectCfError(res, 400, badQueryParameter(detail));
  });
});
