import request from 'supertest';
import { expectCfError, expectCfJson, NOT_AUTHORIZED } from '../../support/cf-expect';
import { FakeBroker } from '../../support/fake-broker';
import {
  drainJobs,
  eventually,
  instanceCatalog,
  setUpBrokerWorld,
  startInstancesWharf,
} from '../../support/instances';
import type { BrokerWorld } from '../../support/instances';
import { grantOrgRole, grantSpaceRole } from '../../support/orgs';
import { bearer, CORE_TABLES, snapshot } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

const TABLES = [
  ...CORE_TABLES,
  'user_provided_service_instances',
  'service_instances',
  'service_instance_names',
] as const;
const REDACTED = { redacted_message: '[PRIVATE DATA HIDDEN]' };

let w: TestWharf;
let broker: FakeBroker;
let world: BrokerWorld;
let auditorToken: string;
let n = 0;

beforeAll(async () => {
  w = await startInstancesWharf();
  broker = await FakeBroker.start({ catalog: instanceCatalog() });
  world = await setUpBrokerWorld(w, broker);
  const auditor = await w.createUser('auditor');
  await grantOrgRole(w, world.orgGuid, 'users', auditor.guid);
  await grantSpaceRole(w, world.spaceGuid, 'auditors', auditor.guid);
  auditorToken = w.tokenFor(auditor);
});
afterAll(async () => {
  await drainJobs(w);
  await w.stop();
  await broker.close();
});

/** `cf create-user-provided-service NAME -p JSON -l URL -r URL`'s body (cf-cli-v6-requests.md §2.15). */
async function createUpsi(
  fields: Record<string, unknown> = {},
  token = world.developer.token,
): Promise<request.Response> {
  return request(w.app)
    .post('/v2/user_provided_service_instances')
    .set(bearer(token))
    .send({
      name: `ups-${++n}`,
      space_guid: world.spaceGuid,
      credentials: { password: 's3cret' },
      syslog_drain_url: '',
      route_service_url: '',
      ...fields,
    });
}

describe('POST /v2/user_provided_service_instances', () => {
  it('creates it with 201, Location, CC entity; credentials sealed at rest', async () => {
    const res = await createUpsi({
      name: 'my-db',
      syslog_drain_url: 'syslog://logs.example.com:514',
      route_service_url: 'https://rs.example.com',
      tags: ['db'],
    });

    expectCfJson(res, 201);
    const guid = String(res.body.metadata.guid);
    expect(res.headers.location).toBe(`/v2/user_provided_service_instances/${guid}`);
    expect(res.body.metadata.url).toBe(`/v2/user_provided_service_instances/${guid}`);
    expect(res.body.entity).toEqual({
      name: 'my-db',
      credentials: { password: 's3cret' },
      space_guid: world.spaceGuid,
      type: 'user_provided_service_instance',
      syslog_drain_url: 'syslog://logs.example.com:514',
      route_service_url: 'https://rs.example.com',
      tags: ['db'],
      space_url: `/v2/spaces/${world.spaceGuid}`,
      service_bindings_url: `/v2/user_provided_service_instances/${guid}/service_bindings`,
      routes_url: `/v2/user_provided_service_instances/${guid}/routes`,
    });
    const row = await w.knex('user_provided_service_instances').where({ guid }).first();
    expect(row.credentials_encrypted).not.toContain('s3cret');
  });

  it('with only name and space_guid, credentials default to {}', async () => {
    const res = await request(w.app)
      .post('/v2/user_provided_service_instances')
      .set(bearer(world.developer.token))
      .send({ name: 'bare', space_guid: world.spaceGuid });

    expectCfJson(res, 201);
    expect(res.body.entity.credentials).toEqual({});
    expect(res.body.entity.tags).toEqual([]);
  });

  it('when a managed instance has the name, answers 400 60002 and creates nothing', async () => {
    const managed = await request(w.app)
      .post('/v2/service_instances')
      .set(bearer(world.developer.token))
      .send({
        name: 'shared-name',
        space_guid: world.spaceGuid,
        service_plan_guid: world.plans['svc-main-plan-1'],
      });
    expect(managed.status).toBe(201);
    const before = await snapshot(w.knex, TABLES);

    const res = await createUpsi({ name: 'shared-name' });

    expectCfError(res, 400, {
      description: 'The service instance name is taken: shared-name',
      error_code: 'CF-ServiceInstanceNameTaken',
      code: 60002,
    });
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });

  it('when a UPSI has the name, a managed instance of that name answers 400 60002', async () => {
    await createUpsi({ name: 'ups-first' });

    const res = await request(w.app)
      .post('/v2/service_instances')
      .set(bearer(world.developer.token))
      .send({
        name: 'ups-first',
        space_guid: world.spaceGuid,
        service_plan_guid: world.plans['svc-main-plan-1'],
      });

    expect(res.status).toBe(400);
    expect(res.body.code).toBe(60002);
  });

  it.each<[string, Record<string, unknown>, number, string]>([
    ['an empty name', { name: '' }, 60001, 'CF-ServiceInstanceNameEmpty'],
    ['a name over 255', { name: 'x'.repeat(256) }, 60009, 'CF-ServiceInstanceNameTooLong'],
    ['tags over 2048', { tags: ['t'.repeat(2049)] }, 60015, 'CF-ServiceInstanceTagsTooLong'],
    [
      'an http route service',
      { route_service_url: 'http://rs.example.com' },
      60019,
      'CF-ServiceInstanceRouteServiceURLInvalid',
    ],
    ['credentials not an object', { credentials: 'nope' }, 1001, 'CF-MessageParseError'],
    ['an unknown space', { space_guid: 'nope' }, 1002, 'CF-InvalidRelation'],
  ])('with %s, answers 400 %s and creates nothing', async (_case, fields, code, errorCode) => {
    const before = await snapshot(w.knex, TABLES);

    const res = await createUpsi(fields);

    expect({ status: res.status, code: res.body.code, error_code: res.body.error_code }).toEqual({
      status: 400,
      code,
      error_code: errorCode,
    });
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });

  it('as a space auditor, answers 403 10003 and creates nothing', async () => {
    const before = await snapshot(w.knex, TABLES);

    expectCfError(await createUpsi({}, auditorToken), 403, NOT_AUTHORIZED);
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });
});

describe('reading user-provided instances', () => {
  let guid: string;
  beforeAll(async () => {
    guid = String((await createUpsi({ name: 'readable' })).body.metadata.guid);
  });

  it('GET /v2/user_provided_service_instances lists it; credentials are redacted for an auditor', async () => {
    const dev = await request(w.app)
      .get('/v2/user_provided_service_instances?q=name%3Areadable')
      .set(bearer(world.developer.token));
    expectCfJson(dev, 200);
    expect(dev.body.total_results).toBe(1);
    expect(dev.body.resources[0].entity.credentials).toEqual({ password: 's3cret' });

    const auditor = await request(w.app)
      .get('/v2/user_provided_service_instances?q=name%3Areadable')
      .set(bearer(auditorToken));
    expect(auditor.body.resources[0].entity.credentials).toEqual(REDACTED);
  });

  it('an outsider sees none of them, and 403 on a read', async () => {
    const outsider = w.tokenFor(await w.createUser('ups-outsider'));
    const list = await request(w.app)
      .get('/v2/user_provided_service_instances')
      .set(bearer(outsider));
    expect(list.body.total_results).toBe(0);

    const one = await request(w.app)
      .get(`/v2/user_provided_service_instances/${guid}`)
      .set(bearer(outsider));
    expectCfError(one, 403, NOT_AUTHORIZED);
  });

  it('GET /v2/service_instances/:guid answers it in the UPSI shape', async () => {
    const res = await request(w.app)
      .get(`/v2/service_instances/${guid}`)
      .set(bearer(world.developer.token));

    expectCfJson(res, 200);
    expect(res.body.metadata.url).toBe(`/v2/user_provided_service_instances/${guid}`);
    expect(res.body.entity.type).toBe('user_provided_service_instance');
  });

  it('an unknown guid answers 404 340001', async () => {
    const res = await request(w.app)
      .get('/v2/user_provided_service_instances/nope')
      .set(bearer(world.developer.token));

    expectCfError(res, 404, {
      description: 'The service instance could not be found: nope',
      error_code: 'CF-UserProvidedServiceInstanceNotFound',
      code: 340001,
    });
  });

  it('GET …/service_bindings (cf service) answers an empty list', async () => {
    const res = await request(w.app)
      .get(`/v2/user_provided_service_instances/${guid}/service_bindings`)
      .set(bearer(world.developer.token));

    expectCfJson(res, 200);
    expect(res.body.resources).toEqual([]);
  });

  it('cf services: the space summary lists it without a plan', async () => {
    const res = await request(w.app)
      .get(`/v2/spaces/${world.spaceGuid}/summary`)
      .set(bearer(world.developer.token));

    expect(res.body.services).toContainEqual({
      guid,
      name: 'readable',
      bound_app_count: 0,
      type: 'user_provided_service_instance',
    });
  });

  it('cf service / update-user-provided-service: the space list with return_user_provided_service_instances=true finds it', async () => {
    const res = await request(w.app)
      .get(
        `/v2/spaces/${world.spaceGuid}/service_instances?q=name%3Areadable&return_user_provided_service_instances=true`,
      )
      .set(bearer(world.developer.token));

    expectCfJson(res, 200);
    expect(res.body.total_results).toBe(1);
    expect(res.body.resources[0].metadata.guid).toBe(guid);
    expect(res.body.resources[0].entity.type).toBe('user_provided_service_instance');
  });

  it('without return_user_provided_service_instances, the space list leaves it out', async () => {
    const res = await request(w.app)
      .get(`/v2/spaces/${world.spaceGuid}/service_instances?q=name%3Areadable`)
      .set(bearer(world.developer.token));

    expect(res.body.total_results).toBe(0);
  });
});

describe('PUT /v2/user_provided_service_instances/:guid (cf update-user-provided-service)', () => {
  it('updates only the given fields and answers 201', async () => {
    const guid = String((await createUpsi({ name: 'to-update', tags: ['a'] })).body.metadata.guid);

    const res = await request(w.app)
      .put(`/v2/user_provided_service_instances/${guid}`)
      .set(bearer(world.developer.token))
      .send({ credentials: { password: 'rotated' } });

    expectCfJson(res, 201);
    expect(res.body.entity).toMatchObject({
      name: 'to-update',
      credentials: { password: 'rotated' },
      tags: ['a'],
    });
  });

  it('a rename onto a taken name answers 400 60002 and changes nothing', async () => {
    await createUpsi({ name: 'taken-one' });
    const guid = String((await createUpsi({ name: 'renamed-one' })).body.metadata.guid);
    const before = await snapshot(w.knex, TABLES);

    const res = await request(w.app)
      .put(`/v2/user_provided_service_instances/${guid}`)
      .set(bearer(world.developer.token))
      .send({ name: 'taken-one' });

    expect(res.status).toBe(400);
    expect(res.body.code).toBe(60002);
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });

  it('PUT /v2/service_instances/:guid on a UPSI answers 400 340002', async () => {
    const guid = String((await createUpsi()).body.metadata.guid);

    const res = await request(w.app)
      .put(`/v2/service_instances/${guid}`)
      .set(bearer(world.developer.token))
      .send({ name: 'x' });

    expectCfError(res, 400, {
      description: 'Please use the User Provided Services API to manage this resource.',
      error_code: 'CF-UserProvidedServiceInstanceHandlerNeeded',
      code: 340002,
    });
  });
});

describe('DELETE /v2/user_provided_service_instances/:guid', () => {
  it('answers 204 and it is gone', async () => {
    const guid = String((await createUpsi()).body.metadata.guid);

    const res = await request(w.app)
      .delete(`/v2/user_provided_service_instances/${guid}`)
      .set(bearer(world.developer.token));

    expect(res.status).toBe(204);
    expect(await w.knex('user_provided_service_instances').where({ guid }).first()).toBeUndefined();
  });

  it('as an auditor, answers 403 and deletes nothing', async () => {
    const guid = String((await createUpsi()).body.metadata.guid);

    const res = await request(w.app)
      .delete(`/v2/user_provided_service_instances/${guid}`)
      .set(bearer(auditorToken));

    expectCfError(res, 403, NOT_AUTHORIZED);
    expect(await w.knex('user_provided_service_instances').where({ guid }).first()).toBeDefined();
  });

  it('a recursive async space delete removes the space UPSIs too', async () => {
    const org = await request(w.app)
      .post('/v2/organizations')
      .set(bearer(w.adminToken))
      .send({ name: `ups-org-${++n}` });
    const space = await request(w.app)
      .post('/v2/spaces')
      .set(bearer(w.adminToken))
      .send({ name: 'ups-space', organization_guid: org.body.metadata.guid });
    const upsi = await createUpsi({ space_guid: space.body.metadata.guid }, w.adminToken);

    const nonRecursive = await request(w.app)
      .delete(`/v2/spaces/${space.body.metadata.guid}`)
      .set(bearer(w.adminToken));
    expect(nonRecursive.status).toBe(400);
    expect(nonRecursive.body.code).toBe(10006);

    const res = await request(w.app)
      .delete(`/v2/spaces/${space.body.metadata.guid}?async=true&recursive=true`)
      .set(bearer(w.adminToken));
    expect(res.status).toBe(202);
    await eventually(
      async () => {
        const job = await request(w.app)
          .get(`/v2/jobs/${res.body.entity.guid}`)
          .set(bearer(w.adminToken));
        return job.body.entity.status === 'finished' ? job : undefined;
      },
      5000,
      'space delete job',
    );
    expect(
      await w
        .knex('user_provided_service_instances')
        .where({ guid: upsi.body.metadata.guid })
        .first(),
    ).toBeUndefined();
  });
});

describe('inline-relations-depth on managed instances (cf update-service -p)', () => {
  it('?q=name:NAME&inline-relations-depth=1 inlines service_plan with entity.service_guid, service and space', async () => {
    const res = await request(w.app)
      .get(
        `/v2/spaces/${world.spaceGuid}/service_instances?return_user_provided_service_instances=true&q=name%3Ashared-name&inline-relations-depth=1`,
      )
      .set(bearer(world.developer.token));

    expectCfJson(res, 200);
    const entity = res.body.resources[0].entity;
    expect(entity.service_plan.metadata.guid).toBe(world.plans['svc-main-plan-1']);
    expect(entity.service_plan.entity).toMatchObject({
      name: 'plan-1',
      service_guid: world.services['svc-main'],
    });
    expect(entity.service_plan.entity.service).toBeUndefined();
    expect(entity.service.metadata.guid).toBe(world.services['svc-main']);
    expect(entity.space.metadata.guid).toBe(world.spaceGuid);
    expect(entity.service_plan_url).toBe(`/v2/service_plans/${world.plans['svc-main-plan-1']}`);
  });

  it('at depth 2 the plan carries its service too; on /v2/service_instances and the read', async () => {
    const list = await request(w.app)
      .get('/v2/service_instances?q=name%3Ashared-name&inline-relations-depth=2')
      .set(bearer(world.developer.token));
    const entity = list.body.resources[0].entity;
    expect(entity.service_plan.entity.service.metadata.guid).toBe(world.services['svc-main']);

    const one = await request(w.app)
      .get(`/v2/service_instances/${list.body.resources[0].metadata.guid}?inline-relations-depth=1`)
      .set(bearer(world.developer.token));
    expect(one.body.entity.service_plan.metadata.guid).toBe(world.plans['svc-main-plan-1']);
  });

  it('depth 3 answers 400 10005', async () => {
    const res = await request(w.app)
      .get('/v2/service_instances?inline-relations-depth=3')
      .set(bearer(world.developer.token));

    expect(res.status).toBe(400);
    expect(res.body.code).toBe(10005);
  });
});
