import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import type { Response } from 'supertest';
import { validateCatalog } from '../../../src/osb-catalog';
import { snapshot } from '../../support/test-wharf';
import {
  BROKER_AUTH,
  containerOf,
  IMAGE,
  OSB_TABLES,
  pumping,
  settle,
  startBrokerWorld,
} from './broker-world';
import type { BrokerWorld } from './broker-world';

/**
 * Conformance of Wharf's own broker with osb-api.md: every status of §7–§8 (and §2, §4, §6),
 * driven over HTTP against the broker on a Wharf catalog, with the fake container driver.
 */

type Method = 'get' | 'put' | 'patch' | 'delete';

interface CallOptions {
  version?: string | null;
  auth?: { username: string; password: string } | null;
  app?: Express;
}

let world: BrokerWorld;
const ORG = randomUUID();
const SPACE = randomUUID();

function osb(method: Method, path: string, options: CallOptions = {}): request.Test {
  const agent = request(options.app ?? world.app);
  const url = `/broker${path}`;
  const req =
    method === 'get'
      ? agent.get(url)
      : method === 'put'
        ? agent.put(url)
        : method === 'patch'
          ? agent.patch(url)
          : agent.delete(url);
  const auth = options.auth === undefined ? BROKER_AUTH : options.auth;
  if (auth !== null) void req.auth(auth.username, auth.password);
  const version = options.version === undefined ? '2.17' : options.version;
  if (version !== null) void req.set('X-Broker-API-Version', version);
  return req;
}

const newId = (): string => randomUUID();
const instancePath = (id: string): string => `/v2/service_instances/${encodeURIComponent(id)}`;
const bindingPath = (id: string, bindingId: string): string =>
  `${instancePath(id)}/service_bindings/${encodeURIComponent(bindingId)}`;
const IDS = { service_id: 'svc-web', plan_id: 'plan-small' };
const SYNC_DELETE = '?service_id=svc-web&plan_id=plan-small';

function provisionBody(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    ...IDS,
    organization_guid: ORG,
    space_guid: SPACE,
    context: {
      platform: 'cloudfoundry',
      organization_guid: ORG,
      space_guid: SPACE,
      instance_name: 'site',
    },
    ...over,
  };
}

/** A provisioned (ready) instance of plan-small, created synchronously. */
async function provisioned(over: Record<string, unknown> = {}): Promise<string> {
  const id = newId();
  const res = await pumping(world, osb('put', instancePath(id)).send(provisionBody(over)));
  expect(res.status).toBe(201);
  return id;
}

/** An instance still provisioning (async, the reconciler not run yet); returns its operation. */
async function provisioning(): Promise<{ id: string; operation: string }> {
  const id = newId();
  const res = await osb('put', `${instancePath(id)}?accepts_incomplete=true`).send(provisionBody());
  expect(res.status).toBe(202);
  return { id, operation: String(res.body.operation) };
}

async function lastOperation(id: string, query = ''): Promise<Response> {
  return osb('get', `${instancePath(id)}/last_operation${query}`);
}

/** Runs `act` and asserts it left every broker table and the container services as they were. */
async function expectNothingChanged(act: () => Promise<void>): Promise<void> {
  const before = await snapshot(world.wharf.knex, OSB_TABLES);
  await act();
  expect(await snapshot(world.wharf.knex, OSB_TABLES)).toEqual(before);
}

beforeAll(async () => {
  world = await startBrokerWorld();
});

afterAll(async () => {
  await world.close();
});

describe('headers and authentication (osb-api.md §1–§3)', () => {
  it.each([
    ['no credentials', null],
    ['a wrong password', { username: BROKER_AUTH.username, password: 'nope' }],
    ['a wrong user', { username: 'someone', password: BROKER_AUTH.password }],
  ])('with %s, answers 401 {} on every route', async (_name, auth) => {
    for (const [method, path] of [
      ['get', '/v2/catalog'],
      ['put', instancePath('x')],
      ['delete', `${instancePath('x')}${SYNC_DELETE}`],
    ] as const) {
      const res = await osb(method, path, { auth });
      expect(res.status).toBe(401);
      expect(res.body).toEqual({});
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    }
  });

  it('checks credentials before the version: no auth and no version header → 401', async () => {
    expect((await osb('get', '/v2/catalog', { auth: null, version: null })).status).toBe(401);
  });

  it.each([
    [
      'missing',
      null,
      'X-Broker-API-Version header is required; this broker serves 2.x (up to 2.17).',
    ],
    [
      '1.0',
      '1.0',
      'X-Broker-API-Version 1.0 is not supported; this broker serves 2.x (up to 2.17).',
    ],
    [
      '3.0',
      '3.0',
      'X-Broker-API-Version 3.0 is not supported; this broker serves 2.x (up to 2.17).',
    ],
    [
      'not a version',
      'latest',
      'X-Broker-API-Version latest is not supported; this broker serves 2.x (up to 2.17).',
    ],
  ])(
    'when the version is %s, answers 412 with a description, before looking at the body',
    async (_name, version, description) => {
      await expectNothingChanged(async () => {
        const res = await osb('put', instancePath(newId()), { version }).send('');
        expect(res.status).toBe(412);
        expect(res.body).toEqual({ description });
      });
    },
  );

  it.each(['2.13', '2.14', '2.15', '2.17'])('serves version %s', async (version) => {
    expect((await osb('get', '/v2/catalog', { version })).status).toBe(200);
  });

  it('echoes X-Broker-API-Request-Identity', async () => {
    const res = await osb('get', '/v2/catalog').set('X-Broker-API-Request-Identity', 'req-42');
    expect(res.headers['x-broker-api-request-identity']).toBe('req-42');
  });

  it('answers an unknown route 404 in OSB shape', async () => {
    const res = await osb('get', '/v2/nothing-here');
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      description: 'No route GET /broker/v2/nothing-here in this service broker.',
    });
  });

  it.each<[string, (req: request.Test) => request.Test, number, string]>([
    [
      'larger than 1 MiB',
      (req) => req.send({ ...provisionBody(), padding: 'x'.repeat(1024 * 1024) }),
      413,
      'The request body is too large.',
    ],
    [
      'in a charset other than UTF-8',
      (req) =>
        req
          .set('Content-Type', 'application/json; charset=latin1')
          .send(JSON.stringify(provisionBody())),
      415,
      'The request body cannot be read.',
    ],
  ])('answers a body %s %s (§1), changing nothing', async (_name, send, status, description) => {
    await expectNothingChanged(async () => {
      const res = await send(osb('put', instancePath(newId())));
      expect([res.status, res.body]).toEqual([status, { description }]);
    });
  });

  it('answers a body that is not JSON 400 (§1), changing nothing', async () => {
    await expectNothingChanged(async () => {
      const res = await osb('put', instancePath(newId()))
        .set('Content-Type', 'application/json')
        .send('{"service_id":');
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ description: 'The request body is not valid JSON.' });
    });
  });
});

describe('GET /v2/catalog (§4)', () => {
  it('at 2.17, serves the container-backed services with their active plans, ids from the catalog', async () => {
    const res = await osb('get', '/v2/catalog');
    expect(res.status).toBe(200);
    const services = res.body.services as { id: string; name: string; plans: { id: string }[] }[];
    expect(services.map((s) => [s.id, s.name, s.plans.map((p) => p.id)])).toEqual([
      ['svc-web', 'web', ['plan-small', 'plan-large', 'plan-big-box']],
      ['svc-fixed', 'fixed', ['plan-fixed-one', 'plan-fixed-two']],
    ]);
    expect(services[0]).toMatchObject({
      description: 'An HTTP service on containers',
      bindable: true,
      plan_updateable: true,
      instances_retrievable: true,
      bindings_retrievable: true,
      tags: ['http'],
      metadata: { displayName: 'Web' },
    });
    expect(JSON.stringify(res.body)).not.toContain('"container"');
    expect(services[0]?.plans[0]).toMatchObject({
      maintenance_info: { version: '1.0.0' },
      schemas: { service_instance: { create: { parameters: { additionalProperties: false } } } },
    });
    expect(services[0]?.plans[1]).toMatchObject({ metadata: { bullets: ['two replicas'] } });
    expect(validateCatalog(res.body).ok).toBe(true);
  });

  it('at 2.13, plans carry only the fields 2.13 defines', async () => {
    const res = await osb('get', '/v2/catalog', { version: '2.13' });
    const plans = (res.body.services as { plans: Record<string, unknown>[] }[]).flatMap(
      (s) => s.plans,
    );
    const allowed = ['id', 'name', 'description', 'metadata', 'free', 'bindable', 'schemas'];
    for (const plan of plans)
      expect(Object.keys(plan).filter((k) => !allowed.includes(k))).toEqual([]);
    expect(res.body.services[0]).not.toHaveProperty('instances_retrievable');
  });
});

describe('PUT /v2/service_instances/:id (§7.1)', () => {
  it('synchronously: 201 {} once the container service is active; identical again: 200; different: 409', async () => {
    const id = newId();
    const created = await pumping(
      world,
      osb('put', instancePath(id)).send(provisionBody({ parameters: { Replicas: 2 } })),
    );
    expect(created.body).toEqual({});
    expect(created.status).toBe(201);
    const container = await containerOf(world, id, SPACE);
    expect(container?.record).toMatchObject({
      status: 'active',
      spec: { replicas: 2, image: IMAGE },
    });
    expect(container?.record.spec.labels).toMatchObject({ 'osb.service-instance': id });

    const again = await osb('put', instancePath(id)).send(
      provisionBody({ parameters: { Replicas: 2 } }),
    );
    expect(again.status).toBe(200);
    expect(again.body).toEqual({});
    await expectNothingChanged(async () => {
      const different = await osb('put', instancePath(id)).send(
        provisionBody({ parameters: { Replicas: 3 } }),
      );
      expect(different.status).toBe(409);
      expect(different.body).toEqual({
        description: `Service instance ${id} already exists with different attributes.`,
      });
      expect(
        (await osb('put', instancePath(id)).send(provisionBody({ plan_id: 'plan-large' }))).status,
      ).toBe(409);
    });
  });

  it('asynchronously: 202 with an operation; re-sent 202 with the same one; polls in progress, then succeeded; then 200', async () => {
    const { id, operation } = await provisioning();
    const resent = await osb('put', `${instancePath(id)}?accepts_incomplete=true`).send(
      provisionBody(),
    );
    expect(resent.status).toBe(202);
    expect(resent.body).toEqual({ operation });
    const syncResend = await osb('put', instancePath(id)).send(provisionBody());
    expect(syncResend.status).toBe(422);
    expect(syncResend.body).toMatchObject({ error: 'AsyncRequired' });
    expect(
      (
        await osb('put', `${instancePath(id)}?accepts_incomplete=true`).send(
          provisionBody({ plan_id: 'plan-large' }),
        )
      ).status,
    ).toBe(409);

    const polled = await lastOperation(
      id,
      `?operation=${operation}&service_id=svc-web&plan_id=plan-small`,
    );
    expect(polled.status).toBe(200);
    expect(polled.body).toEqual({ state: 'in progress', description: 'Service is created' });
    await world.containers.reconciler.passOnce();
    expect((await lastOperation(id, `?operation=${operation}`)).body).toEqual({
      state: 'in progress',
      description: 'Scaling 0/1',
    });
    await settle(world);
    expect((await lastOperation(id, `?operation=${operation}`)).body).toEqual({
      state: 'succeeded',
      description: 'Scaling complete',
    });
    expect(
      (await osb('put', `${instancePath(id)}?accepts_incomplete=true`).send(provisionBody()))
        .status,
    ).toBe(200);
  });

  it.each<[string, Record<string, unknown>, string]>([
    [
      'an unknown service_id',
      { service_id: 'svc-nope' },
      "service_id svc-nope is not a service of this broker's catalog.",
    ],
    [
      'a service without container template',
      { service_id: 'svc-plain', plan_id: 'plan-plain' },
      "service_id svc-plain is not a service of this broker's catalog.",
    ],
    [
      'an unknown plan_id',
      { plan_id: 'plan-nope' },
      'plan_id plan-nope is not a plan of service web.',
    ],
    [
      'an inactive plan',
      { plan_id: 'plan-retired' },
      'plan_id plan-retired is not a plan of service web.',
    ],
    [
      "another service's plan",
      { plan_id: 'plan-fixed-one' },
      'plan_id plan-fixed-one is not a plan of service web.',
    ],
    ['a missing service_id', { service_id: undefined }, 'service_id is required'],
    ['a missing space_guid', { space_guid: undefined }, 'space_guid is required'],
    [
      'a parameter the template does not allow',
      { parameters: { Image: 'evil:1' } },
      'parameters: parameter Image is not allowed by this service',
    ],
    [
      'a parameter out of bounds',
      { parameters: { Replicas: 9 } },
      'parameters: parameter Replicas must be between 1 and 3',
    ],
    [
      'an Env name not listed',
      { parameters: { Env: { PATH: '/tmp' } } },
      'parameters: parameter Env may set only GREETING (as strings), not PATH',
    ],
  ])('with %s: 400 naming it, nothing created', async (_name, over, description) => {
    await expectNothingChanged(async () => {
      const res = await osb('put', `${instancePath(newId())}?accepts_incomplete=true`).send(
        provisionBody(over),
      );
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ description });
    });
  });

  it("with a maintenance_info.version other than the plan's: 422 MaintenanceInfoConflict", async () => {
    await expectNothingChanged(async () => {
      const res = await osb('put', instancePath(newId())).send(
        provisionBody({ maintenance_info: { version: '0.9.0' } }),
      );
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        error: 'MaintenanceInfoConflict',
        description: "maintenance_info.version 0.9.0 does not match the plan's 1.0.0.",
      });
    });
    expect(
      (
        await pumping(
          world,
          osb('put', instancePath(newId())).send(
            provisionBody({ maintenance_info: { version: '1.0.0' } }),
          ),
        )
      ).status,
    ).toBe(201);
  });

  it('synchronously, when the engine cannot finish in time: 422 AsyncRequired, and what was made is removed', async () => {
    const id = newId();
    await expectNothingChanged(async () => {
      const res = await osb('put', instancePath(id), { app: world.impatientApp }).send(
        provisionBody(),
      );
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        error: 'AsyncRequired',
        description:
          'Provisioning takes longer than 0 s (Service is created); resend with accepts_incomplete=true.',
      });
    });
    expect(await containerOf(world, id, SPACE)).toBeUndefined();
  });

  describe('when the container service fails (image missing)', () => {
    beforeEach(() => world.driver.missingImages.add(IMAGE));
    afterEach(() => world.driver.missingImages.delete(IMAGE));

    it('synchronously: 500 with the engine message; nothing left behind', async () => {
      const id = newId();
      await expectNothingChanged(async () => {
        const res = await pumping(world, osb('put', instancePath(id)).send(provisionBody()));
        expect(res.status).toBe(500);
        expect(res.body.description).toMatch(
          /^The container service failed: Image wharf\/test-web:1 is missing/,
        );
      });
      expect(await containerOf(world, id, SPACE)).toBeUndefined();
    });

    it('asynchronously: last_operation failed with the message, the container service removed; orphan mitigation gets 200', async () => {
      const { id, operation } = await provisioning();
      await settle(world);
      const polled = await lastOperation(id, `?operation=${operation}`);
      expect(polled.status).toBe(200);
      expect(polled.body).toMatchObject({
        state: 'failed',
        description: expect.stringMatching(/is missing/),
      });
      expect(await containerOf(world, id, SPACE)).toBeUndefined();
      expect((await osb('get', instancePath(id))).status).toBe(404);
      expect(
        (await osb('put', `${instancePath(id)}?accepts_incomplete=true`).send(provisionBody()))
          .status,
      ).toBe(409);
      expect(
        (await osb('delete', `${instancePath(id)}${SYNC_DELETE}&accepts_incomplete=true`)).status,
      ).toBe(200);
    });
  });
});

describe('fields newer than the request X-Broker-API-Version are ignored, not rejected (§2)', () => {
  it.each(['2.13', '2.14'])(
    'at %s, a provision with an empty or foreign maintenance_info (2.15) is created',
    async (version) => {
      for (const maintenanceInfo of [{}, { version: '0.9.0' }, 'not an object']) {
        const res = await pumping(
          world,
          osb('put', instancePath(newId()), { version }).send(
            provisionBody({ maintenance_info: maintenanceInfo }),
          ),
        );
        expect([res.status, res.body]).toEqual([201, {}]);
      }
    },
  );

  it('at 2.15, the same empty maintenance_info is still a 400 that changes nothing', async () => {
    await expectNothingChanged(async () => {
      const res = await osb('put', instancePath(newId()), { version: '2.15' }).send(
        provisionBody({ maintenance_info: {} }),
      );
      expect([res.status, res.body]).toEqual([
        400,
        { description: 'maintenance_info.version is required' },
      ]);
    });
  });

  it('at 2.14, an update with an empty maintenance_info is a no-op 200', async () => {
    const id = await provisioned();
    const res = await osb('patch', instancePath(id), { version: '2.14' }).send({
      service_id: 'svc-web',
      maintenance_info: {},
    });
    expect([res.status, res.body]).toEqual([200, {}]);
  });

  it('at 2.16, a bind naming a predecessor_binding_id (2.17) is bound as a new binding', async () => {
    const id = await provisioned();
    const res = await osb('put', bindingPath(id, newId()), { version: '2.16' }).send({
      ...IDS,
      predecessor_binding_id: newId(),
    });
    expect(res.status).toBe(201);
    const rotated = await osb('put', bindingPath(id, newId()), { version: '2.17' }).send({
      ...IDS,
      predecessor_binding_id: newId(),
    });
    expect(rotated.status).toBe(400);
  });
});

describe('GET /v2/service_instances/:id (§7.2)', () => {
  it('answers 200 with the service, plan, parameters and maintenance_info', async () => {
    const id = await provisioned({ parameters: { Env: { GREETING: 'hi' } } });
    const res = await osb('get', `${instancePath(id)}?service_id=svc-web&plan_id=plan-small`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      service_id: 'svc-web',
      plan_id: 'plan-small',
      parameters: { Env: { GREETING: 'hi' } },
      maintenance_info: { version: '1.0.0' },
    });
    expect((await osb('get', instancePath(id), { version: '2.14' })).body).not.toHaveProperty(
      'maintenance_info',
    );
  });

  it('answers 404 for an unknown instance and while it is still provisioning', async () => {
    expect((await osb('get', instancePath(newId()))).status).toBe(404);
    const { id } = await provisioning();
    const res = await osb('get', instancePath(id));
    expect(res.status).toBe(404);
    expect(res.body).toEqual({
      description: `Service instance ${id} is not provisioned (provisioning).`,
    });
    await settle(world);
    expect((await osb('get', instancePath(id))).status).toBe(200);
  });
});

describe('PATCH /v2/service_instances/:id (§7.3)', () => {
  it('synchronously: a plan change within the service scales; 200 {}', async () => {
    const id = await provisioned();
    const res = await pumping(
      world,
      osb('patch', instancePath(id)).send({
        ...IDS,
        plan_id: 'plan-large',
        previous_values: { plan_id: 'plan-small' },
      }),
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({});
    expect((await containerOf(world, id, SPACE))?.record).toMatchObject({
      status: 'active',
      spec: { replicas: 2 },
    });
    expect((await osb('get', instancePath(id))).body).toMatchObject({ plan_id: 'plan-large' });
  });

  it('with a change that needs no engine work (same plan, no parameters): 200 {}', async () => {
    const id = await provisioned();
    await expectNothingChanged(async () => {
      const res = await osb('patch', instancePath(id)).send({
        service_id: 'svc-web',
        context: { platform: 'cloudfoundry', instance_name: 'renamed' },
      });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({});
    });
  });

  it('asynchronously: 202 with an operation; re-sent 202; others meet ConcurrencyError; then succeeded', async () => {
    const id = await provisioned();
    const accepted = await osb('patch', `${instancePath(id)}?accepts_incomplete=true`).send({
      ...IDS,
      parameters: { Replicas: 3 },
    });
    expect(accepted.status).toBe(202);
    const operation = String(accepted.body.operation);
    const resent = await osb('patch', `${instancePath(id)}?accepts_incomplete=true`).send({
      ...IDS,
      parameters: { Replicas: 3 },
    });
    expect(resent.status).toBe(202);
    expect(resent.body).toEqual({ operation });

    const concurrency = {
      error: 'ConcurrencyError',
      description: 'Another operation for this service instance is in progress.',
    };
    const other = await osb('patch', `${instancePath(id)}?accepts_incomplete=true`).send({
      ...IDS,
      parameters: { Replicas: 2 },
    });
    expect([other.status, other.body]).toEqual([422, concurrency]);
    const fetched = await osb('get', instancePath(id));
    expect([fetched.status, fetched.body]).toEqual([
      422,
      { error: 'ConcurrencyError', description: `Service instance ${id} is being updated.` },
    ]);
    const deleted = await osb(
      'delete',
      `${instancePath(id)}${SYNC_DELETE}&accepts_incomplete=true`,
    );
    expect([deleted.status, deleted.body]).toEqual([422, concurrency]);
    const bound = await osb('put', bindingPath(id, newId())).send(IDS);
    expect([bound.status, bound.body]).toEqual([422, concurrency]);

    expect((await lastOperation(id, `?operation=${operation}`)).body).toEqual({
      state: 'in progress',
      description: 'Scaling 0/3',
    });
    await settle(world);
    expect((await lastOperation(id, `?operation=${operation}`)).body).toEqual({
      state: 'succeeded',
      description: 'Scaling complete',
    });
    expect((await osb('get', instancePath(id))).body).toMatchObject({
      parameters: { Replicas: 3 },
    });
  });

  it('synchronously, when the engine cannot finish in time: 422 AsyncRequired and the old replicas come back', async () => {
    const id = await provisioned();
    const res = await osb('patch', instancePath(id), { app: world.impatientApp }).send({
      ...IDS,
      plan_id: 'plan-large',
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'AsyncRequired' });
    expect((await containerOf(world, id, SPACE))?.record.spec.replicas).toBe(1);
    await settle(world);
    expect((await osb('get', instancePath(id))).body).toMatchObject({ plan_id: 'plan-small' });
  });

  it.each<[string, Record<string, unknown>, number, Record<string, string>]>([
    [
      'a plan that needs a new container service',
      { plan_id: 'plan-big-box' },
      422,
      {
        description:
          'Changing ContainerSize needs a new container service; this broker can only scale an instance or change its image.',
      },
    ],
    [
      "a maintenance_info.version other than the plan's",
      { maintenance_info: { version: '2.0.0' } },
      422,
      {
        error: 'MaintenanceInfoConflict',
        description: "maintenance_info.version 2.0.0 does not match the plan's 1.0.0.",
      },
    ],
    [
      'an unknown plan',
      { plan_id: 'plan-nope' },
      400,
      { description: "plan_id plan-nope is not a plan of this instance's service." },
    ],
    [
      'an inactive plan',
      { plan_id: 'plan-retired' },
      400,
      { description: "plan_id plan-retired is not a plan of this instance's service." },
    ],
    [
      'another service_id',
      { service_id: 'svc-fixed' },
      400,
      { description: 'service_id svc-fixed is not the service of instance ID.' },
    ],
    ['no service_id', { service_id: undefined }, 400, { description: 'service_id is required' }],
    [
      'parameters out of bounds',
      { parameters: { Replicas: 0 } },
      400,
      { description: 'parameters: parameter Replicas must be between 1 and 3' },
    ],
  ])('with %s: %i, nothing changed', async (_name, over, status, body) => {
    const id = await provisioned();
    await expectNothingChanged(async () => {
      const res = await osb('patch', `${instancePath(id)}?accepts_incomplete=true`).send({
        ...IDS,
        ...over,
      });
      expect(res.status).toBe(status);
      expect(res.body).toEqual(JSON.parse(JSON.stringify(body).replace(' ID.', ` ${id}.`)));
    });
  });

  it('when the service does not allow plan changes: 422', async () => {
    const id = await provisioned({ service_id: 'svc-fixed', plan_id: 'plan-fixed-one' });
    await expectNothingChanged(async () => {
      const res = await osb('patch', instancePath(id)).send({
        service_id: 'svc-fixed',
        plan_id: 'plan-fixed-two',
      });
      expect(res.status).toBe(422);
      expect(res.body).toEqual({
        description: 'The service fixed does not support changing plans.',
      });
    });
  });

  it('for an unknown instance: 404; while provisioning: 422 ConcurrencyError', async () => {
    expect((await osb('patch', instancePath(newId())).send(IDS)).status).toBe(404);
    const { id } = await provisioning();
    const res = await osb('patch', `${instancePath(id)}?accepts_incomplete=true`).send({
      ...IDS,
      plan_id: 'plan-large',
    });
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'ConcurrencyError' });
    await settle(world);
  });
});

describe('DELETE /v2/service_instances/:id (§7.4)', () => {
  it.each([
    ['service_id missing', '?plan_id=plan-small', 'service_id is required'],
    ['plan_id missing', '?service_id=svc-web', 'plan_id is required'],
    ['both missing', '', 'service_id is required; plan_id is required'],
  ])('with %s: 400, the instance kept', async (_name, query, description) => {
    const id = await provisioned();
    await expectNothingChanged(async () => {
      const res = await osb('delete', `${instancePath(id)}${query}`);
      expect([res.status, res.body]).toEqual([400, { description }]);
    });
  });

  it('for an unknown instance: 410 {}', async () => {
    const res = await osb('delete', `${instancePath(newId())}${SYNC_DELETE}`);
    expect([res.status, res.body]).toEqual([410, {}]);
  });

  it('synchronously: 200 {}, the container service and bindings gone; again: 410', async () => {
    const id = await provisioned();
    const bindingId = newId();
    expect((await osb('put', bindingPath(id, bindingId)).send(IDS)).status).toBe(201);
    const res = await osb('delete', `${instancePath(id)}${SYNC_DELETE}`);
    expect([res.status, res.body]).toEqual([200, {}]);
    expect(await containerOf(world, id, SPACE)).toBeUndefined();
    expect((await osb('get', bindingPath(id, bindingId))).status).toBe(404);
    expect((await osb('delete', `${instancePath(id)}${SYNC_DELETE}`)).status).toBe(410);
  });

  it('asynchronously, when the removal finished within the request: 200 {}; polling still answers 200 succeeded, a literal or none', async () => {
    const id = await provisioned();
    const res = await osb('delete', `${instancePath(id)}${SYNC_DELETE}&accepts_incomplete=true`);
    expect([res.status, res.body]).toEqual([200, {}]);
    for (const query of ['?operation=deprovision', '', '?service_id=svc-web&plan_id=plan-small']) {
      const polled = await lastOperation(id, query);
      expect([polled.status, polled.body]).toEqual([
        200,
        { state: 'succeeded', description: 'Deprovisioned' },
      ]);
    }
    expect(await containerOf(world, id, SPACE)).toBeUndefined();
    expect(
      (await osb('delete', `${instancePath(id)}${SYNC_DELETE}&accepts_incomplete=true`)).status,
    ).toBe(410);
  });

  it('while provisioning, halts it: the container service is removed and the provision reported failed', async () => {
    const { id, operation } = await provisioning();
    const res = await osb('delete', `${instancePath(id)}${SYNC_DELETE}`);
    expect([res.status, res.body]).toEqual([200, {}]);
    expect(await containerOf(world, id, SPACE)).toBeUndefined();
    expect((await lastOperation(id, `?operation=${operation}`)).body).toEqual({
      state: 'failed',
      description: 'Deprovisioned before provisioning finished.',
    });
  });
});

describe('GET /v2/service_instances/:id/last_operation (§6.1)', () => {
  it('for an instance never seen: 404', async () => {
    const res = await lastOperation(newId());
    expect(res.status).toBe(404);
  });

  it('for an operation given twice: 400', async () => {
    const id = await provisioned();
    expect((await lastOperation(id, '?operation=a&operation=b')).status).toBe(400);
  });

  it('for an unknown operation value: the latest operation of the instance', async () => {
    const id = await provisioned();
    expect((await lastOperation(id, '?operation=update')).body).toEqual({
      state: 'succeeded',
      description: 'Scaling complete',
    });
  });
});

describe('bindings (§8)', () => {
  it('PUT: 201 with credentials rendered from the template; identical again 200, the same; different 409', async () => {
    const id = await provisioned();
    const bindingId = newId();
    const body = {
      ...IDS,
      bind_resource: { app_guid: 'app-1' },
      context: { platform: 'cloudfoundry' },
    };
    const created = await osb('put', bindingPath(id, bindingId)).send(body);
    expect(created.status).toBe(201);
    const container = await containerOf(world, id, SPACE);
    const [host, port] = (container?.observation.endpoint ?? '').split(':');
    const password = (container?.record.spec.env ?? [])
      .find((e) => e.startsWith('PASSWORD='))
      ?.slice('PASSWORD='.length);
    expect(password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    expect(created.body).toEqual({
      credentials: {
        uri: `http://${host}:${port}`,
        host,
        port,
        password,
        name: container?.record.spec.name,
      },
      endpoints: [{ host, ports: [port], protocol: 'tcp' }],
    });

    const again = await osb('put', bindingPath(id, bindingId)).send(body);
    expect([again.status, again.body]).toEqual([200, created.body]);
    const otherId = await provisioned();
    await expectNothingChanged(async () => {
      const different = await osb('put', bindingPath(id, bindingId)).send({
        ...body,
        bind_resource: { app_guid: 'app-2' },
      });
      expect([different.status, different.body]).toEqual([
        409,
        { description: `Service binding ${bindingId} already exists with different attributes.` },
      ]);
      const otherInstance = await osb('put', bindingPath(otherId, bindingId)).send(body);
      expect(otherInstance.status).toBe(409);
    });
  });

  it('PUT at 2.13: credentials only', async () => {
    const id = await provisioned();
    const res = await osb('put', bindingPath(id, newId()), { version: '2.13' }).send(IDS);
    expect(res.status).toBe(201);
    expect(Object.keys(res.body)).toEqual(['credentials']);
  });

  it.each<[string, Record<string, unknown>, number, Record<string, string>]>([
    ['plan_id missing', { plan_id: undefined }, 400, { description: 'plan_id is required' }],
    [
      'another plan than the instance has',
      { plan_id: 'plan-large' },
      400,
      { description: 'service_id and plan_id must be those of instance ID (svc-web, plan-small).' },
    ],
    [
      'binding parameters',
      { parameters: { user: 'x' } },
      400,
      { description: 'parameters: this service accepts no binding parameters (user).' },
    ],
  ])('PUT with %s: %i, nothing bound', async (_name, over, status, body) => {
    const id = await provisioned();
    await expectNothingChanged(async () => {
      const res = await osb('put', bindingPath(id, newId())).send({ ...IDS, ...over });
      expect([res.status, res.body]).toEqual([
        status,
        JSON.parse(JSON.stringify(body).replace(' ID ', ` ${id} `)),
      ]);
    });
  });

  it('PUT on a plan that is not bindable: 400', async () => {
    const id = await provisioned({ service_id: 'svc-fixed', plan_id: 'plan-fixed-one' });
    const res = await osb('put', bindingPath(id, newId())).send({
      service_id: 'svc-fixed',
      plan_id: 'plan-fixed-one',
    });
    expect([res.status, res.body]).toEqual([400, { description: 'The plan one is not bindable.' }]);
  });

  it('PUT on an unknown instance: 404; while it provisions: 422 ConcurrencyError', async () => {
    expect((await osb('put', bindingPath(newId(), newId())).send(IDS)).status).toBe(404);
    const { id } = await provisioning();
    const res = await osb('put', bindingPath(id, newId())).send(IDS);
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ error: 'ConcurrencyError' });
    await settle(world);
  });

  it('GET: 200 with the credentials; 404 when unknown or asked through another instance', async () => {
    const id = await provisioned();
    const bindingId = newId();
    const created = await osb('put', bindingPath(id, bindingId)).send(IDS);
    const fetched = await osb('get', bindingPath(id, bindingId));
    expect([fetched.status, fetched.body]).toEqual([200, created.body]);
    expect((await osb('get', bindingPath(id, newId()))).status).toBe(404);
    expect((await osb('get', bindingPath(newId(), bindingId))).status).toBe(404);
  });

  it('DELETE: 400 without service_id/plan_id; 200 {}; again 410; last_operation 200 succeeded after it', async () => {
    const id = await provisioned();
    const bindingId = newId();
    await osb('put', bindingPath(id, bindingId)).send(IDS);
    const bindingOperation = `${bindingPath(id, bindingId)}/last_operation`;
    expect((await osb('get', bindingOperation)).body).toEqual({
      state: 'succeeded',
      description: 'Bound',
    });
    await expectNothingChanged(async () => {
      expect((await osb('delete', `${bindingPath(id, bindingId)}?plan_id=plan-small`)).status).toBe(
        400,
      );
      expect((await osb('delete', `${bindingPath(id, bindingId)}?service_id=svc-web`)).status).toBe(
        400,
      );
    });
    const res = await osb(
      'delete',
      `${bindingPath(id, bindingId)}${SYNC_DELETE}&accepts_incomplete=true`,
    );
    expect([res.status, res.body]).toEqual([200, {}]);
    expect((await osb('get', bindingPath(id, bindingId))).status).toBe(404);
    const again = await osb('delete', `${bindingPath(id, bindingId)}${SYNC_DELETE}`);
    expect([again.status, again.body]).toEqual([410, {}]);
    expect((await osb('get', `${bindingOperation}?operation=unbind`)).body).toEqual({
      state: 'succeeded',
      description: 'Unbound',
    });
    expect((await osb('get', `${bindingPath(id, newId())}/last_operation`)).status).toBe(404);
  });
});

describe('instance ids with any characters (§1)', () => {
  it('provisions, binds and deprovisions an id that is not a DNS name', async () => {
    const id = 'Team A/instance #1';
    expect((await pumping(world, osb('put', instancePath(id)).send(provisionBody()))).status).toBe(
      201,
    );
    expect((await containerOf(world, id, SPACE))?.record.spec.name).toMatch(/^osb-[0-9a-f]{40}$/);
    expect((await osb('put', bindingPath(id, 'key 1')).send(IDS)).status).toBe(201);
    expect((await osb('delete', `${instancePath(id)}${SYNC_DELETE}`)).status).toBe(200);
  });
});
