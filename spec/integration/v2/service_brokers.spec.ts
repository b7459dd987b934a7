import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { validateCatalog } from '../../../src/osb-catalog';
import { DEFAULT_OSB_MAX_BODY_BYTES } from '../../../src/osb-client';
import type { OsbCatalog, OsbPlan, OsbService } from '../../../src/osb-catalog';
import { catalogFixtureNames, readCatalogFixture } from '../../osb-client/support/catalog-fixtures';
import {
  badQueryParameter,
  expectCfError,
  expectCfJson,
  messageParseError,
  NOT_AUTHORIZED,
  UNKNOWN_REQUEST,
} from '../../support/cf-expect';
import type { CfErrorBody } from '../../support/cf-expect';
import { FakeBroker, generateCatalog, reply } from '../../support/fake-broker';
import type { FakeReply } from '../../support/fake-broker';
import {
  CF_TIMESTAMP,
  createOrg,
  createSpace,
  GUID,
  grantOrgRole,
  grantSpaceRole,
} from '../../support/orgs';
import { bearer, CORE_TABLES, snapshot, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import type { Change } from '../../../src/changes';

/** Every table a broker action could write, plus the counter every catalog write bumps. */
const BROKER_TABLES = [
  ...CORE_TABLES,
  'feature_flags',
  'service_brokers',
  'services',
  'service_plans',
  'service_plan_visibilities',
  'service_instances',
  'service_keys',
  'catalog_generation',
] as const;

const USERNAME = 'broker-admin';
const PASSWORD = 'Pa$$w0rd:with"quotes&specials';
const BASIC = `Basic ${Buffer.from(`${USERNAME}:${PASSWORD}`).toString('base64')}`;
const FLAG = 'space_scoped_private_broker_creation';

let w: TestWharf;
const brokers: FakeBroker[] = [];

beforeAll(async () => {
  // A short client timeout so the "broker never answers" case takes seconds, not sixty; not one
  // second, which a healthy local broker can exceed on a loaded machine.
  w = await startTestWharf({ WHARF_BROKER_TIMEOUT_SECONDS: '3' });
});
afterEach(async () => {
  await Promise.all(brokers.splice(0).map((b) => b.close()));
});
afterAll(async () => {
  await w.stop();
});

async function startBroker(
  catalog: unknown = generateCatalog(1, 1),
  password = PASSWORD,
): Promise<FakeBroker> {
  const broker = await FakeBroker.start({ catalog, username: USERNAME, password });
  brokers.push(broker);
  return broker;
}

function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

function brokerBody(
  broker: FakeBroker,
  name: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    name,
    broker_url: broker.url,
    auth_username: USERNAME,
    auth_password: PASSWORD,
    ...extra,
  };
}

function postBroker(body: Record<string, unknown>, token = w.adminToken): request.Test {
  return request(w.app).post('/v2/service_brokers').set(bearer(token)).send(body);
}

function putBroker(
  guid: string,
  body: Record<string, unknown>,
  token = w.adminToken,
): request.Test {
  return request(w.app).put(`/v2/service_brokers/${guid}`).set(bearer(token)).send(body);
}

function deleteBroker(guid: string, token = w.adminToken): request.Test {
  return request(w.app).delete(`/v2/service_brokers/${guid}`).set(bearer(token));
}

async function registered(
  broker: FakeBroker,
  name = uniqueName('broker'),
  extra: Record<string, unknown> = {},
): Promise<string> {
  const res = await postBroker(brokerBody(broker, name, extra));
  if (res.status !== 201) throw new Error(`register ${name}: ${res.status} ${res.text}`);
  broker.reset();
  return String(res.body.metadata.guid);
}

/** The password must never come back, in any form a careless renderer could produce. */
function expectNoPassword(res: request.Response, password = PASSWORD): void {
  expect(res.text).not.toContain(password);
  expect(res.text).not.toContain(JSON.stringify(password).slice(1, -1));
  expect(res.text).not.toContain(Buffer.from(`${USERNAME}:${password}`).toString('base64'));
  expect(JSON.stringify(res.headers)).not.toContain(password);
}

function catalogRequests(broker: FakeBroker): number {
  return broker.requestsTo('GET', '/v2/catalog').length;
}

/** X-Cf-Warnings decoded (comma-joined, URL-encoded with `+` for spaces, reference §1.8). */
function warningsOf(res: request.Response): string[] {
  const header = res.headers['x-cf-warnings'];
  if (typeof header !== 'string') return [];
  return header.split(',').map((w) => decodeURIComponent(w.replace(/\+/g, ' ')));
}

interface Listed {
  metadata: { guid: string };
  entity: Record<string, unknown>;
}

async function adminList(url: string): Promise<Listed[]> {
  const res = await request(w.app).get(url).set(bearer(w.adminToken));
  expect(res.status).toBe(200);
  return res.body.resources as Listed[];
}

function servicesOf(brokerGuid: string): Promise<Listed[]> {
  return adminList(`/v2/services?results-per-page=100&q=service_broker_guid:${brokerGuid}`);
}

function plansOf(brokerGuid: string): Promise<Listed[]> {
  return adminList(`/v2/service_plans?results-per-page=100&q=service_broker_guid:${brokerGuid}`);
}

/** `label/plan → {active, public, description}`: what a sync decides, in one comparable value. */
async function planSummary(brokerGuid: string): Promise<Record<string, unknown>> {
  const labels = new Map(
    (await servicesOf(brokerGuid)).map((s) => [s.metadata.guid, String(s.entity.label)]),
  );
  const out: Record<string, unknown> = {};
  for (const p of await plansOf(brokerGuid)) {
    out[`${labels.get(String(p.entity.service_guid))}/${String(p.entity.name)}`] = {
      active: p.entity.active,
      public: p.entity.public,
      description: p.entity.description,
    };
  }
  return out;
}

async function serviceSummary(brokerGuid: string): Promise<Record<string, unknown>> {
  const services = await servicesOf(brokerGuid);
  return Object.fromEntries(
    services.map((s): [string, unknown] => [
      String(s.entity.label),
      { active: s.entity.active, description: s.entity.description },
    ]),
  );
}

const now = (): string => new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');

let spaceForInstances: string | undefined;

/** An instance row for `planGuid` (instances are another feature; the sync only asks "in use?"). */
async function insertInstance(planGuid: string): Promise<void> {
  if (spaceForInstances === undefined) {
    spaceForInstances = await createSpace(
      w,
      await createOrg(w, uniqueName('inst-org')),
      'instances',
    );
  }
  const plan = await w.knex('service_plans').where({ guid: planGuid }).first('id');
  const space = await w.knex('spaces').where({ guid: spaceForInstances }).first('id');
  await w.knex('service_instances').insert({
    guid: randomUUID(),
    name: uniqueName('si'),
    space_id: space.id,
    service_plan_id: plan.id,
    created_at: now(),
    updated_at: now(),
  });
}

async function planGuidOf(brokerGuid: string, label: string, planName: string): Promise<string> {
  const service = (await servicesOf(brokerGuid)).find((s) => s.entity.label === label);
  const plan = (await plansOf(brokerGuid)).find(
    (p) => p.entity.service_guid === service?.metadata.guid && p.entity.name === planName,
  );
  if (!plan) throw new Error(`no plan ${label}/${planName}`);
  return plan.metadata.guid;
}

function plan(id: string, name: string, extra: Partial<OsbPlan> = {}): OsbPlan {
  return { id, name, description: `${name} plan`, ...extra };
}

function service(
  id: string,
  name: string,
  plans: OsbPlan[],
  extra: Partial<OsbService> = {},
): OsbService {
  return { id, name, description: `${name} service`, bindable: true, plans, ...extra };
}

/** What reference §3.1 says the catalog's service becomes, derived independently of the code. */
function expectedServiceEntity(
  s: OsbService,
  brokerGuid: string,
  brokerName: string,
  guid: string,
): Record<string, unknown> {
  return {
    label: s.name,
    provider: null,
    url: null,
    description: s.description,
    long_description: null,
    version: null,
    info_url: null,
    active: true,
    bindable: s.bindable,
    unique_id: s.id,
    extra: s.metadata === undefined ? null : JSON.stringify(s.metadata),
    tags: s.tags ?? [],
    requires: s.requires ?? [],
    documentation_url: null,
    service_broker_guid: brokerGuid,
    service_broker_name: brokerName,
    plan_updateable: s.plan_updateable ?? false,
    bindings_retrievable: s.bindings_retrievable ?? false,
    instances_retrievable: s.instances_retrievable ?? false,
    allow_context_updates: s.allow_context_updates ?? false,
    service_plans_url: `/v2/services/${guid}/service_plans`,
  };
}

function schemaPart(schemas: Record<string, unknown> | undefined, ...path: string[]): unknown {
  let node: unknown = schemas;
  for (const key of path)
    node =
      typeof node === 'object' && node !== null
        ? (node as Record<string, unknown>)[key]
        : undefined;
  return node ?? {};
}

/** Reference §3.2's plan entity for a catalog plan; new plans from a broker start private. */
function expectedPlanEntity(
  p: OsbPlan,
  s: OsbService,
  serviceGuid: string,
  guid: string,
): Record<string, unknown> {
  return {
    name: p.name,
    free: p.free ?? true,
    description: p.description,
    service_guid: serviceGuid,
    extra: p.metadata === undefined ? null : JSON.stringify(p.metadata),
    unique_id: p.id,
    public: false,
    bindable: p.bindable ?? s.bindable,
    plan_updateable: p.plan_updateable ?? null,
    active: true,
    maximum_polling_duration: p.maximum_polling_duration ?? null,
    maintenance_info: p.maintenance_info ?? {},
    schemas: {
      service_instance: {
        create: { parameters: schemaPart(p.schemas, 'service_instance', 'create', 'parameters') },
        update: { parameters: schemaPart(p.schemas, 'service_instance', 'update', 'parameters') },
      },
      service_binding: {
        create: { parameters: schemaPart(p.schemas, 'service_binding', 'create', 'parameters') },
      },
    },
    service_url: `/v2/services/${serviceGuid}`,
    service_instances_url: `/v2/service_plans/${guid}/service_instances`,
  };
}

/** CC's key order (description, error_code, code): expectCfError compares the raw text too. */
function cfError(code: number, errorCode: string, description: string): CfErrorBody {
  return { description, error_code: errorCode, code };
}

function brokerError(
  errorCode: string,
  description: string,
  http: Record<string, unknown>,
): CfErrorBody {
  return { description, error_code: errorCode, code: 10001, http } as CfErrorBody;
}

describe('POST /v2/service_brokers', () => {
  it('registers a global broker: 201, Location, the entity without the password, and its catalog synced', async () => {
    const catalog = readCatalogFixture('valid-full') as OsbCatalog;
    const broker = await startBroker(catalog);
    const name = uniqueName('full');

    const res = await postBroker(brokerBody(broker, name));

    expectCfJson(res, 201);
    const guid = String(res.body.metadata.guid);
    expect(res.headers.location).toBe(`/v2/service_brokers/${guid}`);
    expect(res.headers['x-cf-warnings']).toBeUndefined();
    expect(res.body).toEqual({
      metadata: {
        guid: expect.stringMatching(GUID),
        url: `/v2/service_brokers/${guid}`,
        created_at: expect.stringMatching(CF_TIMESTAMP),
        updated_at: expect.stringMatching(CF_TIMESTAMP),
      },
      entity: { name, broker_url: broker.url, auth_username: USERNAME, space_guid: null },
    });
    expectNoPassword(res);

    const services = await servicesOf(guid);
    expect(services.map((s) => s.entity)).toEqual(
      catalog.services.map((s) =>
        expectedServiceEntity(
          s,
          guid,
          name,
          services.find((x) => x.entity.unique_id === s.id)?.metadata.guid ?? '',
        ),
      ),
    );
    const plans = await plansOf(guid);
    const expectedPlans = catalog.services.flatMap((s) => {
      const serviceGuid = services.find((x) => x.entity.unique_id === s.id)?.metadata.guid ?? '';
      return s.plans.map((p) =>
        expectedPlanEntity(
          p,
          s,
          serviceGuid,
          plans.find((x) => x.entity.unique_id === p.id)?.metadata.guid ?? '',
        ),
      );
    });
    expect(plans.map((p) => p.entity)).toEqual(expectedPlans);
  });

  it('calls GET /v2/catalog once with pre-emptive Basic auth and the OSB headers', async () => {
    const broker = await startBroker();

    const res = await postBroker(brokerBody(broker, uniqueName('headers')));

    expect(res.status).toBe(201);
    expect(broker.requests).toHaveLength(1);
    const [call] = broker.requests;
    expect({ method: call?.method, path: call?.path }).toEqual({
      method: 'GET',
      path: '/v2/catalog',
    });
    expect(call?.headers.authorization).toBe(BASIC);
    expect(call?.headers['x-broker-api-version']).toBe('2.17');
    expect(call?.headers['x-broker-api-request-identity']).toMatch(GUID);
    expect(call?.headers['x-vcap-request-id']).toBe(res.headers['x-vcap-request-id']);
    const identity = String(call?.headers['x-broker-api-originating-identity']);
    expect(identity.startsWith('cloudfoundry ')).toBe(true);
    expect(
      JSON.parse(Buffer.from(identity.slice('cloudfoundry '.length), 'base64').toString('utf8')),
    ).toEqual({ user_id: w.admin.guid });
  });

  it('stores the password sealed (not the plain text), and the sealed value opens to the password', async () => {
    const broker = await startBroker();

    const res = await postBroker(brokerBody(broker, uniqueName('sealed')));

    const row = await w.knex('service_brokers').where({ guid: res.body.metadata.guid }).first();
    expect(row.auth_password_encrypted).not.toContain(PASSWORD);
    expect(row.auth_password_encrypted).toMatch(/^v1:[^:]+:[^:]+:[^:]+:[^:]+$/);
    expect(w.secrets.decrypt(row.auth_password_encrypted)).toBe(PASSWORD);
    expect(JSON.stringify(row)).not.toContain(PASSWORD);
  });

  it('seals the same password differently each time (random IV)', async () => {
    const broker = await startBroker();
    const a = await registered(broker);
    const b = await registered(broker);

    const rows = await w
      .knex('service_brokers')
      .whereIn('guid', [a, b])
      .select('auth_password_encrypted');

    expect(rows[0].auth_password_encrypted).not.toBe(rows[1].auth_password_encrypted);
  });

  it('allows a second broker with the same URL (CC since 2018) when the catalog ids differ', async () => {
    const broker = await startBroker();
    await registered(broker);

    const res = await postBroker(brokerBody(broker, uniqueName('same-url')));

    expect(res.status).toBe(201);
  });

  it('strips trailing slashes from the URL before calling /v2/catalog', async () => {
    const broker = await startBroker();

    const res = await postBroker(
      brokerBody(broker, uniqueName('slash'), { broker_url: `${broker.url}/` }),
    );

    expect(res.status).toBe(201);
    expect(res.body.entity.broker_url).toBe(broker.url);
    expect(broker.requests.map((r) => r.path)).toEqual(['/v2/catalog']);
  });

  describe('request body problems answer 400 CF-MessageParseError without calling the broker', () => {
    it.each<[string, Record<string, unknown>, string]>([
      ['no name', { name: undefined }, 'Field: name, Error: Missing field name'],
      [
        'no broker_url',
        { broker_url: undefined },
        'Field: broker_url, Error: Missing field broker_url',
      ],
      [
        'no auth_username',
        { auth_username: undefined },
        'Field: auth_username, Error: Missing field auth_username',
      ],
      [
        'no auth_password',
        { auth_password: undefined },
        'Field: auth_password, Error: Missing field auth_password',
      ],
      [
        'a null auth_password (null means absent)',
        { auth_password: null },
        'Field: auth_password, Error: Missing field auth_password',
      ],
      ['a blank name', { name: '' }, 'Field: name, Error: can not be blank'],
      [
        'a numeric password',
        { auth_password: 12345 },
        'Field: auth_password, Error: Expected string, received number',
      ],
    ])('%s', async (_case, override, detail) => {
      const broker = await startBroker();
      const before = await snapshot(w.knex, BROKER_TABLES);

      const res = await postBroker({ ...brokerBody(broker, uniqueName('body')), ...override });

      expectCfError(res, 400, messageParseError(detail));
      expectNoPassword(res);
      expect(broker.requests).toEqual([]);
      expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
    });
  });

  describe('URL rules are checked before any HTTP call', () => {
    it.each<[string, (port: string) => string, CfErrorBody]>([
      [
        'an ftp URL',
        (p) => `ftp://127.0.0.1:${p}`,
        { description: '', error_code: 'CF-ServiceBrokerUrlInvalid', code: 270011 },
      ],
      [
        'no scheme',
        (p) => `127.0.0.1:${p}`,
        { description: '', error_code: 'CF-ServiceBrokerUrlInvalid', code: 270011 },
      ],
      [
        'not a URL at all',
        () => 'not a url',
        { description: '', error_code: 'CF-ServiceBrokerUrlInvalid', code: 270011 },
      ],
      [
        'a scheme without a host',
        () => 'http://',
        { description: '', error_code: 'CF-ServiceBrokerUrlInvalid', code: 270011 },
      ],
      [
        'user and password in the URL',
        (p) => `http://${USERNAME}:hunter2@127.0.0.1:${p}`,
        {
          description: 'User name and password fields in the broker URI are not supported',
          error_code: 'CF-ServiceBrokerUrlBasicAuthNotSupported',
          code: 270016,
        },
      ],
      [
        'a user without a password in the URL',
        (p) => `https://${USERNAME}@127.0.0.1:${p}`,
        {
          description: 'User name and password fields in the broker URI are not supported',
          error_code: 'CF-ServiceBrokerUrlBasicAuthNotSupported',
          code: 270016,
        },
      ],
    ])('%s', async (_case, urlFor, expected) => {
      const broker = await startBroker();
      const url = urlFor(new URL(broker.url).port);
      const before = await snapshot(w.knex, BROKER_TABLES);

      const res = await postBroker(brokerBody(broker, uniqueName('url'), { broker_url: url }));

      const description =
        expected.code === 270011 ? `${url} is not a valid URL` : expected.description;
      expectCfError(res, 400, { ...expected, description });
      expect(res.text).not.toContain('hunter2');
      expectNoPassword(res);
      expect(broker.requests).toEqual([]);
      expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
    });
  });

  it('answers 400 CF-ServiceBrokerNameTaken for a taken name without calling the broker', async () => {
    const first = await startBroker();
    const name = uniqueName('taken');
    await registered(first, name);
    const second = await startBroker(generateCatalog(1, 1, { prefix: 'other' }));
    const before = await snapshot(w.knex, BROKER_TABLES);

    const res = await postBroker(brokerBody(second, name));

    expectCfError(res, 400, {
      description: 'The service broker name is taken',
      error_code: 'CF-ServiceBrokerNameTaken',
      code: 270002,
    });
    expect(second.requests).toEqual([]);
    expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
  });

  describe('when the broker fails, answers its error and stores nothing', () => {
    type Case = [string, (broker: FakeBroker) => void, number, (broker: FakeBroker) => CfErrorBody];
    const catalogUri = (b: FakeBroker): string => `${b.url}/v2/catalog`;
    const scripted = (r: FakeReply) => (b: FakeBroker) => {
      b.on('GET', '/v2/catalog', r);
    };
    it.each<Case>([
      [
        'it never answers (client timeout)',
        scripted(reply.delay(10_000, reply.json(200, generateCatalog(1, 1)))),
        504,
        (b) =>
          brokerError('CF-HttpClientTimeout', 'The request to the service broker timed out', {
            uri: catalogUri(b),
            method: 'GET',
          }),
      ],
      [
        'it sends headers, then stalls mid-body',
        scripted(reply.stall()),
        504,
        (b) =>
          brokerError('CF-HttpClientTimeout', 'The request to the service broker timed out', {
            uri: catalogUri(b),
            method: 'GET',
          }),
      ],
      [
        'it closes the connection',
        scripted(reply.destroy()),
        502,
        (b) =>
          brokerError('CF-ServiceBrokerApiUnreachable', 'The service broker could not be reached', {
            uri: catalogUri(b),
            method: 'GET',
          }),
      ],
      [
        'it answers 401',
        scripted(reply.status(401, { description: 'bad credentials' })),
        502,
        () =>
          brokerError(
            'CF-ServiceBrokerApiAuthenticationFailed',
            'Authentication with the service broker failed. Double-check that the username and password are correct.',
            { method: 'GET', status: 401 },
          ),
      ],
      [
        'it answers 403',
        scripted(reply.status(403, { description: 'go away' })),
        502,
        () =>
          cfError(
            270020,
            'CF-ServiceBrokerRequestRejected',
            'The service broker rejected the request. Status Code: 403 Forbidden. Please check that the URL points to a valid service broker.',
          ),
      ],
      [
        'it answers 404 (not a broker)',
        scripted(reply.text(404, 'Not Found')),
        502,
        () =>
          cfError(
            270020,
            'CF-ServiceBrokerRequestRejected',
            'The service broker rejected the request. Status Code: 404 Not Found. Please check that the URL points to a valid service broker.',
          ),
      ],
      [
        'it answers 408',
        scripted(reply.status(408, {})),
        504,
        () =>
          brokerError('CF-ServiceBrokerApiTimeout', 'The request to the service broker timed out', {
            method: 'GET',
            status: 408,
          }),
      ],
      [
        'it answers 500 with a description',
        scripted(reply.status(500, { description: 'catalog store is down' })),
        502,
        () =>
          brokerError(
            'CF-ServiceBrokerBadResponse',
            'Service broker error: catalog store is down',
            { method: 'GET', status: 500 },
          ),
      ],
      [
        'it answers 500 without a description',
        scripted(reply.text(500, 'oops')),
        502,
        () =>
          brokerError(
            'CF-ServiceBrokerBadResponse',
            'The service broker returned an invalid response. Status Code: 500 Internal Server Error, Body: oops',
            {
              method: 'GET',
              status: 500,
            },
          ),
      ],
      [
        'it answers 500 echoing our password and Authorization header',
        scripted(reply.status(500, { description: `rejected ${PASSWORD} / ${BASIC}` })),
        502,
        () =>
          brokerError(
            'CF-ServiceBrokerBadResponse',
            'Service broker error: rejected [REDACTED] / Basic [REDACTED]',
            { method: 'GET', status: 500 },
          ),
      ],
      [
        'it answers an HTML page',
        scripted(reply.html(200)),
        502,
        () =>
          cfError(
            270021,
            'CF-ServiceBrokerRequestMalformed',
            'The service broker returned an invalid response: expected valid JSON object in body. Please check that the URL points to a valid service broker.',
          ),
      ],
      [
        'it answers a JSON array',
        scripted(reply.json(200, [1, 2])),
        502,
        () =>
          cfError(
            270021,
            'CF-ServiceBrokerRequestMalformed',
            'The service broker returned an invalid response: expected valid JSON object in body. Please check that the URL points to a valid service broker.',
          ),
      ],
      [
        'it streams a 10 MB catalog',
        scripted(reply.huge(10 * 1024 * 1024)),
        502,
        () =>
          brokerError(
            'CF-ServiceBrokerResponseMalformed',
            `The service broker returned an invalid response: the response body is larger than the limit of ${DEFAULT_OSB_MAX_BODY_BYTES} bytes`,
            {
              method: 'GET',
              status: 200,
            },
          ),
      ],
      [
        'it declares a 10 MB catalog in Content-Length',
        scripted(reply.huge(10 * 1024 * 1024, { declareLength: true })),
        502,
        () =>
          brokerError(
            'CF-ServiceBrokerResponseMalformed',
            `The service broker returned an invalid response: the response body is larger than the limit of ${DEFAULT_OSB_MAX_BODY_BYTES} bytes`,
            {
              method: 'GET',
              status: 200,
            },
          ),
      ],
    ])('%s', async (_case, script, status, expected) => {
      const broker = await startBroker();
      script(broker);
      const before = await snapshot(w.knex, BROKER_TABLES);

      const res = await postBroker(brokerBody(broker, uniqueName('failing')));

      expectCfError(res, status, expected(broker));
      expectNoPassword(res);
      expect(catalogRequests(broker)).toBe(1);
      expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
    });

    it('nothing listens on the port', async () => {
      const broker = await startBroker();
      const url = broker.url;
      const body = brokerBody(broker, uniqueName('refused'));
      await broker.close();
      const before = await snapshot(w.knex, BROKER_TABLES);

      const res = await postBroker(body);

      expectCfError(
        res,
        502,
        brokerError('CF-ServiceBrokerApiUnreachable', 'The service broker could not be reached', {
          uri: `${url}/v2/catalog`,
          method: 'GET',
        }),
      );
      expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
    });

    it('the password is wrong (the broker itself refuses it)', async () => {
      const broker = await startBroker();
      const before = await snapshot(w.knex, BROKER_TABLES);

      const res = await postBroker(
        brokerBody(broker, uniqueName('wrong'), { auth_password: 'not-the-password' }),
      );

      expect(res.status).toBe(502);
      expect(res.body.error_code).toBe('CF-ServiceBrokerApiAuthenticationFailed');
      expectNoPassword(res, 'not-the-password');
      expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
    });
  });

  describe('when the catalog is invalid, answers 502 CF-ServiceBrokerCatalogInvalid and stores nothing', () => {
    it.each(catalogFixtureNames('invalid'))('%s', async (fixture) => {
      const raw = readCatalogFixture(fixture);
      const broker = await startBroker(raw);
      const before = await snapshot(w.knex, BROKER_TABLES);
      const checked = validateCatalog(raw);
      if (checked.ok) throw new Error(`${fixture} should be invalid`);

      const res = await postBroker(brokerBody(broker, uniqueName('invalid')));

      expectCfError(
        res,
        502,
        cfError(
          270012,
          'CF-ServiceBrokerCatalogInvalid',
          `Service broker catalog is invalid: ${checked.problems}`,
        ),
      );
      expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
    });

    it('reports every problem at once, grouped by service and plan', async () => {
      const raw = {
        services: [
          {
            id: 'svc-a',
            name: 'alpha',
            bindable: 'yes',
            plans: [
              { id: 'p1', name: 'small' },
              { id: 'p1', name: 'small', description: 'dup', free: 'no' },
            ],
          },
          {
            id: 'svc-a',
            name: 'beta',
            description: 'b',
            bindable: true,
            requires: ['gpu'],
            plans: [],
          },
        ],
      };
      const broker = await startBroker(raw);
      const before = await snapshot(w.knex, BROKER_TABLES);

      const res = await postBroker(brokerBody(broker, uniqueName('many')));

      expectCfError(
        res,
        502,
        cfError(
          270012,
          'CF-ServiceBrokerCatalogInvalid',
          [
            'Service broker catalog is invalid: ',
            'Service ids must be unique',
            "Plan ids must be unique. Unable to register plan with id 'p1' (plan name 'small', service name 'alpha') because it uses the same id as another plan in the catalog (plan name 'small', service name 'alpha')",
            'Service alpha',
            '  Service description is required',
            '  Service "bindable" field must be a boolean, but has value "yes"',
            "  Plan ids must be unique. Service alpha already has a plan with id 'p1'",
            '  Plan names must be unique within a service. Service alpha already has a plan named small',
            '  Plan small',
            '    Plan description is required',
            '  Plan small',
            '    Plan free must be a boolean, but has value "no"',
            'Service beta',
            '  Service "requires" field contains unsupported value "gpu"',
            '  At least one plan is required',
            '',
          ].join('\n'),
        ),
      );
      expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
    });
  });

  it('20 parallel registrations of one name: exactly one 201, the rest 400 CF-ServiceBrokerNameTaken, one row', async () => {
    const broker = await startBroker(generateCatalog(3, 2, { prefix: 'race' }));
    const name = uniqueName('race');

    const answers = await Promise.all(
      Array.from({ length: 20 }, () => postBroker(brokerBody(broker, name))),
    );

    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, ...Array.from({ length: 19 }, () => 400)]);
    for (const res of answers.filter((r) => r.status === 400)) {
      expectCfError(res, 400, {
        description: 'The service broker name is taken',
        error_code: 'CF-ServiceBrokerNameTaken',
        code: 270002,
      });
    }
    const rows = await w.knex('service_brokers').where({ name });
    expect(rows).toHaveLength(1);
    expect(await w.knex('services').where({ service_broker_id: rows[0].id })).toHaveLength(3);
  });
});

describe('space-scoped brokers', () => {
  let orgGuid: string;
  let spaceGuid: string;
  let developerToken: string;
  let auditorToken: string;
  let outsiderToken: string;

  beforeAll(async () => {
    orgGuid = await createOrg(w, uniqueName('scoped-org'));
    spaceGuid = await createSpace(w, orgGuid, 'scoped');
    const developer = await w.createUser(uniqueName('dev'));
    const auditor = await w.createUser(uniqueName('auditor'));
    const outsider = await w.createUser(uniqueName('outsider'));
    for (const user of [developer, auditor]) await grantOrgRole(w, orgGuid, 'users', user.guid);
    await grantSpaceRole(w, spaceGuid, 'developers', developer.guid);
    await grantSpaceRole(w, spaceGuid, 'auditors', auditor.guid);
    developerToken = w.tokenFor(developer);
    auditorToken = w.tokenFor(auditor);
    outsiderToken = w.tokenFor(outsider);
  });

  async function setFlag(enabled: boolean): Promise<void> {
    const res = await request(w.app)
      .put(`/v2/config/feature_flags/${FLAG}`)
      .set(bearer(w.adminToken))
      .send({ enabled });
    expect(res.status).toBe(200);
  }

  it('a space developer registers a broker for their space while the flag is on', async () => {
    const broker = await startBroker(generateCatalog(1, 2, { prefix: 'scoped' }));
    const name = uniqueName('scoped');

    const res = await postBroker(
      brokerBody(broker, name, { space_guid: spaceGuid }),
      developerToken,
    );

    expectCfJson(res, 201);
    expect(res.body.entity).toEqual({
      name,
      broker_url: broker.url,
      auth_username: USERNAME,
      space_guid: spaceGuid,
    });
    expectNoPassword(res);
    const guid = String(res.body.metadata.guid);
    const mine = await request(w.app).get('/v2/service_brokers').set(bearer(developerToken));
    expect(mine.body.resources.map((r: Listed) => r.metadata.guid)).toContain(guid);
    const theirs = await request(w.app).get('/v2/service_brokers').set(bearer(outsiderToken));
    expect(theirs.body).toMatchObject({ total_results: 0, resources: [] });
    expect(
      (await request(w.app).get(`/v2/service_brokers/${guid}`).set(bearer(developerToken))).status,
    ).toBe(200);
    expectCfError(
      await request(w.app).get(`/v2/service_brokers/${guid}`).set(bearer(outsiderToken)),
      403,
      NOT_AUTHORIZED,
    );
  });

  it('the space developer may rename and delete their broker', async () => {
    const broker = await startBroker(generateCatalog(1, 1, { prefix: 'scoped-edit' }));
    const res = await postBroker(
      brokerBody(broker, uniqueName('scoped-edit'), { space_guid: spaceGuid }),
      developerToken,
    );
    const guid = String(res.body.metadata.guid);

    const renamed = await putBroker(guid, { name: uniqueName('scoped-renamed') }, developerToken);
    const removed = await deleteBroker(guid, developerToken);

    expect(renamed.status).toBe(200);
    expect(removed.status).toBe(204);
  });

  it('answers 403 CF-FeatureDisabled to the space developer while the flag is off', async () => {
    const broker = await startBroker();
    await setFlag(false);
    try {
      const before = await snapshot(w.knex, BROKER_TABLES);

      const res = await postBroker(
        brokerBody(broker, uniqueName('flag-off'), { space_guid: spaceGuid }),
        developerToken,
      );

      expectCfError(res, 403, cfError(330002, 'CF-FeatureDisabled', `Feature Disabled: ${FLAG}`));
      expect(broker.requests).toEqual([]);
      expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
    } finally {
      await setFlag(true);
    }
  });

  it.each<[string, () => string, () => Record<string, unknown>]>([
    ['a space auditor, for that space', () => auditorToken, () => ({ space_guid: spaceGuid })],
    [
      'a user outside the space, for that space',
      () => outsiderToken,
      () => ({ space_guid: spaceGuid }),
    ],
    ['a space developer, for a global broker', () => developerToken, () => ({})],
    [
      'a space developer, for a global broker at an invalid URL (access is checked first)',
      () => developerToken,
      () => ({ broker_url: 'ftp://127.0.0.1:1' }),
    ],
  ])('answers 403 NotAuthorized to %s', async (_case, token, extra) => {
    const broker = await startBroker();
    const before = await snapshot(w.knex, BROKER_TABLES);

    const res = await postBroker(brokerBody(broker, uniqueName('forbidden'), extra()), token());

    expectCfError(res, 403, NOT_AUTHORIZED);
    expect(broker.requests).toEqual([]);
    expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
  });

  it('answers 404 "Space not found" for an unknown space_guid', async () => {
    const broker = await startBroker();
    const before = await snapshot(w.knex, BROKER_TABLES);

    const res = await postBroker(
      brokerBody(broker, uniqueName('nospace'), { space_guid: randomUUID() }),
    );

    expectCfError(res, 404, {
      description: 'Space not found',
      error_code: 'CF-ResourceNotFound',
      code: 10010,
    });
    expect(broker.requests).toEqual([]);
    expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
  });

  it('a non-admin cannot update or delete a global broker', async () => {
    const broker = await startBroker();
    const guid = await registered(broker);
    const before = await snapshot(w.knex, BROKER_TABLES);

    expectCfError(await putBroker(guid, { name: 'mine-now' }, developerToken), 403, NOT_AUTHORIZED);
    expectCfError(await deleteBroker(guid, developerToken), 403, NOT_AUTHORIZED);
    expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
  });
});

describe('GET /v2/service_brokers', () => {
  it('lists brokers, filtered by name and by space_guid, never with a password', async () => {
    const org = await createOrg(w, uniqueName('list-org'));
    const space = await createSpace(w, org, 'list');
    const broker = await startBroker(generateCatalog(1, 1, { prefix: 'list-a' }));
    const other = await startBroker(generateCatalog(1, 1, { prefix: 'list-b' }));
    const globalName = uniqueName('listed');
    const globalGuid = await registered(broker, globalName);
    const scopedName = uniqueName('listed-scoped');
    const scopedGuid = await registered(other, scopedName, { space_guid: space });

    const byName = await request(w.app)
      .get(`/v2/service_brokers?q=name:${globalName}`)
      .set(bearer(w.adminToken));
    const bySpace = await request(w.app)
      .get(`/v2/service_brokers?q=space_guid:${space}`)
      .set(bearer(w.adminToken));
    const all = await request(w.app)
      .get('/v2/service_brokers?results-per-page=100')
      .set(bearer(w.adminToken));

    expectCfJson(byName, 200);
    expect(byName.body).toEqual({
      total_results: 1,
      total_pages: 1,
      prev_url: null,
      next_url: null,
      resources: [
        {
          metadata: {
            guid: globalGuid,
            url: `/v2/service_brokers/${globalGuid}`,
            created_at: expect.stringMatching(CF_TIMESTAMP),
            updated_at: expect.stringMatching(CF_TIMESTAMP),
          },
          entity: {
            name: globalName,
            broker_url: broker.url,
            auth_username: USERNAME,
            space_guid: null,
          },
        },
      ],
    });
    expect(bySpace.body.resources.map((r: Listed) => [r.metadata.guid, r.entity])).toEqual([
      [
        scopedGuid,
        { name: scopedName, broker_url: other.url, auth_username: USERNAME, space_guid: space },
      ],
    ]);
    expect(all.body.resources.map((r: Listed) => r.metadata.guid)).toEqual(
      expect.arrayContaining([globalGuid, scopedGuid]),
    );
    for (const res of [byName, bySpace, all]) expectNoPassword(res);
  });

  it('answers 400 BadQueryParameter for a field that is not queryable', async () => {
    const res = await request(w.app)
      .get('/v2/service_brokers?q=broker_url:x')
      .set(bearer(w.adminToken));

    expectCfError(res, 400, badQueryParameter('broker_url'));
  });

  it('reads one broker by guid', async () => {
    const broker = await startBroker();
    const name = uniqueName('one');
    const guid = await registered(broker, name);

    const res = await request(w.app).get(`/v2/service_brokers/${guid}`).set(bearer(w.adminToken));

    expectCfJson(res, 200);
    expect(res.body.entity).toEqual({
      name,
      broker_url: broker.url,
      auth_username: USERNAME,
      space_guid: null,
    });
    expectNoPassword(res);
  });

  it('answers 404 CF-ServiceBrokerNotFound (270004) for an unknown guid', async () => {
    const guid = randomUUID();

    const res = await request(w.app).get(`/v2/service_brokers/${guid}`).set(bearer(w.adminToken));

    expectCfError(
      res,
      404,
      cfError(270004, 'CF-ServiceBrokerNotFound', `The service broker was not found: ${guid}`),
    );
  });
});

describe('PUT /v2/service_brokers/:guid', () => {
  it('renames without calling the broker', async () => {
    const broker = await startBroker();
    const guid = await registered(broker);
    const catalogBefore = await snapshot(w.knex, ['services', 'service_plans']);
    const name = uniqueName('renamed');

    const res = await putBroker(guid, { name });

    expectCfJson(res, 200);
    expect(res.headers.location).toBeUndefined();
    expect(res.body.entity).toEqual({
      name,
      broker_url: broker.url,
      auth_username: USERNAME,
      space_guid: null,
    });
    expectNoPassword(res);
    expect(broker.requests).toEqual([]);
    expect(await snapshot(w.knex, ['services', 'service_plans'])).toEqual(catalogBefore);
  });

  it('ignores space_guid (a broker cannot change scope)', async () => {
    const broker = await startBroker();
    const guid = await registered(broker);
    const space = await createSpace(w, await createOrg(w, uniqueName('ignored-org')), 'ignored');

    const res = await putBroker(guid, { space_guid: space });

    expect(res.status).toBe(200);
    expect(res.body.entity.space_guid).toBeNull();
  });

  it('with a new URL, refetches the catalog there and syncs: added, changed, removed, kept inactive', async () => {
    const before: OsbCatalog = {
      services: [
        service('svc-db', 'db', [
          plan('db-small', 'small'),
          plan('db-large', 'large'),
          plan('db-old', 'old'),
        ]),
        service('svc-cache', 'cache', [plan('cache-basic', 'basic')]),
        service('svc-queue', 'queue', [plan('queue-std', 'std')]),
      ],
    };
    const after: OsbCatalog = {
      services: [
        service(
          'svc-db',
          'db',
          [plan('db-small', 'small', { description: 'now bigger' }), plan('db-xl', 'xl')],
          { description: 'db v2' },
        ),
        service('svc-search', 'search', [plan('search-basic', 'basic')]),
      ],
    };
    const oldBroker = await startBroker(before);
    const newBroker = await startBroker(after);
    const name = uniqueName('synced');
    const guid = await registered(oldBroker, name);
    // The operator opens `small` up; a sync must not take that back.
    const small = await planGuidOf(guid, 'db', 'small');
    expect(
      (
        await request(w.app)
          .put(`/v2/service_plans/${small}`)
          .set(bearer(w.adminToken))
          .send({ public: true })
      ).status,
    ).toBe(201);
    // A visibility on a plan that disappears goes with it.
    const org = await createOrg(w, uniqueName('vis-org'));
    const basic = await planGuidOf(guid, 'cache', 'basic');
    const vis = await request(w.app)
      .post('/v2/service_plan_visibilities')
      .set(bearer(w.adminToken))
      .send({ service_plan_guid: basic, organization_guid: org });
    expect(vis.status).toBe(201);
    // Instances keep `db/old` and `queue/std` (and so `queue`) alive, inactive.
    await insertInstance(await planGuidOf(guid, 'db', 'old'));
    await insertInstance(await planGuidOf(guid, 'queue', 'std'));
    const servicesBefore = new Map(
      (await servicesOf(guid)).map((s) => [s.entity.label, s.metadata.guid]),
    );

    const res = await putBroker(guid, { broker_url: newBroker.url });

    expectCfJson(res, 200);
    expect(res.body.entity).toEqual({
      name,
      broker_url: newBroker.url,
      auth_username: USERNAME,
      space_guid: null,
    });
    expectNoPassword(res);
    expect(catalogRequests(oldBroker)).toBe(0);
    expect(catalogRequests(newBroker)).toBe(1);
    expect(newBroker.requests[0]?.headers.authorization).toBe(BASIC);
    const warning = (label: string, plans: string): string =>
      `Warning: Service plans are missing from the broker's catalog (${newBroker.url}/v2/catalog) but can not be removed from Cloud Foundry while instances exist. ` +
      'The plans have been deactivated to prevent users from attempting to provision new instances of these plans. ' +
      'The broker should continue to support bind, unbind, and delete for existing instances; if these operations fail contact your broker provider.\n' +
      `Service Offering: ${label}\nPlans deactivated: ${plans}`;
    expect(warningsOf(res).sort()).toEqual([warning('db', 'old'), warning('queue', 'std')].sort());
    expect(await serviceSummary(guid)).toEqual({
      db: { active: true, description: 'db v2' },
      queue: { active: false, description: 'queue service' },
      search: { active: true, description: 'search service' },
    });
    expect(await planSummary(guid)).toEqual({
      'db/small': { active: true, public: true, description: 'now bigger' },
      'db/old': { active: false, public: false, description: 'old plan' },
      'db/xl': { active: true, public: false, description: 'xl plan' },
      'queue/std': { active: false, public: false, description: 'std plan' },
      'search/basic': { active: true, public: false, description: 'basic plan' },
    });
    // Updated in place: the guids clients hold stay valid.
    const servicesAfter = new Map(
      (await servicesOf(guid)).map((s) => [s.entity.label, s.metadata.guid]),
    );
    expect(servicesAfter.get('db')).toBe(servicesBefore.get('db'));
    expect(await planGuidOf(guid, 'db', 'small')).toBe(small);
    expect(
      await w.knex('service_plan_visibilities').where({ guid: vis.body.metadata.guid }),
    ).toEqual([]);
  });

  it('plans that swap names keep their guids and take their new names', async () => {
    const v1: OsbCatalog = {
      services: [service('svc-swap', 'swap', [plan('swap-1', 'small'), plan('swap-2', 'large')])],
    };
    const v2: OsbCatalog = {
      services: [service('svc-swap', 'swap', [plan('swap-1', 'large'), plan('swap-2', 'small')])],
    };
    const first = await startBroker(v1);
    const second = await startBroker(v2);
    const guid = await registered(first);
    const smallGuid = await planGuidOf(guid, 'swap', 'small');

    const res = await putBroker(guid, { broker_url: second.url });

    expectCfJson(res, 200);
    expect(await planGuidOf(guid, 'swap', 'large')).toBe(smallGuid);
    expect((await plansOf(guid)).map((p) => [p.entity.unique_id, p.entity.name])).toEqual([
      ['swap-1', 'large'],
      ['swap-2', 'small'],
    ]);
  });

  it('a new plan may not take the name of a removed plan kept for its instances', async () => {
    const v1: OsbCatalog = {
      services: [service('svc-reuse', 'reuse', [plan('reuse-1', 'small')])],
    };
    const v2: OsbCatalog = {
      services: [service('svc-reuse', 'reuse', [plan('reuse-2', 'small')])],
    };
    const first = await startBroker(v1);
    const second = await startBroker(v2);
    const guid = await registered(first);
    await insertInstance(await planGuidOf(guid, 'reuse', 'small'));
    const before = await snapshot(w.knex, BROKER_TABLES);

    const res = await putBroker(guid, { broker_url: second.url });

    expectCfError(
      res,
      502,
      cfError(
        270012,
        'CF-ServiceBrokerCatalogInvalid',
        'Service broker catalog is invalid: \nService reuse\n  Plan names must be unique within a service. Service reuse already has a plan named small\n',
      ),
    );
    expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
  });

  it('a plan that comes back is active again, and keeps its public flag', async () => {
    const v1: OsbCatalog = {
      services: [service('svc-back', 'back', [plan('back-a', 'a'), plan('back-b', 'b')])],
    };
    const v2: OsbCatalog = { services: [service('svc-back', 'back', [plan('back-a', 'a')])] };
    const first = await startBroker(v1);
    const second = await startBroker(v2);
    const third = await startBroker(v1);
    const guid = await registered(first);
    const b = await planGuidOf(guid, 'back', 'b');
    await request(w.app)
      .put(`/v2/service_plans/${b}`)
      .set(bearer(w.adminToken))
      .send({ public: true });
    await insertInstance(b);

    await putBroker(guid, { broker_url: second.url });
    const gone = await planSummary(guid);
    await putBroker(guid, { broker_url: third.url });

    expect(gone['back/b']).toEqual({ active: false, public: true, description: 'b plan' });
    expect((await planSummary(guid))['back/b']).toEqual({
      active: true,
      public: true,
      description: 'b plan',
    });
  });

  it('with a new password, refetches with it and stores it sealed', async () => {
    const rotated = 'rotated-Pa$$word';
    const broker = await startBroker(generateCatalog(1, 1, { prefix: 'pw' }));
    const guid = await registered(broker);
    const moved = await startBroker(generateCatalog(1, 1, { prefix: 'pw', revision: 1 }), rotated);
    const sealedBefore = (await w.knex('service_brokers').where({ guid }).first())
      .auth_password_encrypted;

    const res = await putBroker(guid, { broker_url: moved.url, auth_password: rotated });

    expect(res.status).toBe(200);
    expectNoPassword(res, rotated);
    expect(moved.requests[0]?.headers.authorization).toBe(
      `Basic ${Buffer.from(`${USERNAME}:${rotated}`).toString('base64')}`,
    );
    const sealed = (await w.knex('service_brokers').where({ guid }).first())
      .auth_password_encrypted;
    expect(sealed).not.toBe(sealedBefore);
    expect(sealed).not.toContain(rotated);
    expect(w.secrets.decrypt(sealed)).toBe(rotated);
    expect(Object.values(await planSummary(guid))).toEqual([
      { active: true, public: false, description: 'Plan 0 of service 0 (revision 1)' },
    ]);
  });

  it('with only a new password, refetches from the same URL', async () => {
    const broker = await startBroker();
    const guid = await registered(broker);

    const res = await putBroker(guid, { auth_password: PASSWORD });

    expect(res.status).toBe(200);
    expect(catalogRequests(broker)).toBe(1);
  });

  it('answers the broker error and changes nothing when the new settings fail', async () => {
    const broker = await startBroker();
    const guid = await registered(broker);
    const before = await snapshot(w.knex, BROKER_TABLES);

    const res = await putBroker(guid, {
      name: uniqueName('never'),
      auth_password: 'wrong-password',
    });

    expect(res.status).toBe(502);
    expect(res.body.error_code).toBe('CF-ServiceBrokerApiAuthenticationFailed');
    expectNoPassword(res, 'wrong-password');
    expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
  });

  it('answers 502 CF-ServiceBrokerCatalogInvalid and changes nothing when the new catalog is invalid', async () => {
    const broker = await startBroker();
    const guid = await registered(broker);
    const invalid = await startBroker(readCatalogFixture('invalid-duplicate-plan-names'));
    const before = await snapshot(w.knex, BROKER_TABLES);

    const res = await putBroker(guid, { broker_url: invalid.url });

    expectCfError(
      res,
      502,
      cfError(
        270012,
        'CF-ServiceBrokerCatalogInvalid',
        'Service broker catalog is invalid: \nService db\n  Plan names must be unique within a service. Service db already has a plan named small\n',
      ),
    );
    expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
  });

  it('rejects a plan id that moves to another service while the broker already has it', async () => {
    const v1: OsbCatalog = {
      services: [
        service('svc-x', 'x', [plan('shared-plan', 'p')]),
        service('svc-y', 'y', [plan('y-plan', 'q')]),
      ],
    };
    const v2: OsbCatalog = {
      services: [
        service('svc-x', 'x', [plan('x-plan', 'p')]),
        service('svc-y', 'y', [plan('y-plan', 'q'), plan('shared-plan', 'moved')]),
      ],
    };
    const first = await startBroker(v1);
    const second = await startBroker(v2);
    const name = uniqueName('moving');
    const guid = await registered(first, name);
    const before = await snapshot(w.knex, BROKER_TABLES);

    const res = await putBroker(guid, { broker_url: second.url });

    expectCfError(
      res,
      502,
      cfError(
        270012,
        'CF-ServiceBrokerCatalogInvalid',
        'Service broker catalog is invalid: \n' +
          "Plan ids must be unique. Unable to register plan with id 'shared-plan' (plan name 'moved', service name 'y') because it uses the same id as an existing plan " +
          `(plan name 'p', service name 'x', broker name '${name}')\n`,
      ),
    );
    expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
  });

  it("rejects a new service that takes the name of the broker's service that still has instances", async () => {
    const v1: OsbCatalog = { services: [service('svc-old', 'db', [plan('old-plan', 'p')])] };
    const v2: OsbCatalog = { services: [service('svc-new', 'db', [plan('new-plan', 'p')])] };
    const first = await startBroker(v1);
    const second = await startBroker(v2);
    const guid = await registered(first);
    await insertInstance(await planGuidOf(guid, 'db', 'p'));
    const before = await snapshot(w.knex, BROKER_TABLES);

    const res = await putBroker(guid, { broker_url: second.url });

    expectCfError(
      res,
      502,
      cfError(
        270012,
        'CF-ServiceBrokerCatalogInvalid',
        'Service broker catalog is invalid: \nService names must be unique within a broker. Services with names ["db"] already exist\n',
      ),
    );
    expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
  });

  it('answers 400 CF-ServiceBrokerNameTaken when renaming onto another broker, without calling either', async () => {
    const a = await startBroker(generateCatalog(1, 1, { prefix: 'ren-a' }));
    const b = await startBroker(generateCatalog(1, 1, { prefix: 'ren-b' }));
    const takenName = uniqueName('taken');
    await registered(a, takenName);
    const guid = await registered(b);
    const before = await snapshot(w.knex, BROKER_TABLES);

    const res = await putBroker(guid, { name: takenName });

    expectCfError(res, 400, {
      description: 'The service broker name is taken',
      error_code: 'CF-ServiceBrokerNameTaken',
      code: 270002,
    });
    expect([...a.requests, ...b.requests]).toEqual([]);
    expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
  });

  it.each<[string, string]>([
    ['270011 for a bad URL', 'ftp://127.0.0.1:1'],
    ['270016 for credentials in the URL', 'http://u:p@127.0.0.1:1'],
  ])('answers %s without calling anyone', async (_case, url) => {
    const broker = await startBroker();
    const guid = await registered(broker);
    const before = await snapshot(w.knex, BROKER_TABLES);

    const res = await putBroker(guid, { broker_url: url });

    expect(res.status).toBe(400);
    expect(res.body.code).toBe(url.startsWith('ftp') ? 270011 : 270016);
    expect(broker.requests).toEqual([]);
    expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
  });

  it('answers 404 NotFound (10000) for an unknown broker', async () => {
    const res = await putBroker(randomUUID(), { name: 'whatever' });

    expectCfError(res, 404, UNKNOWN_REQUEST);
  });
});

describe('DELETE /v2/service_brokers/:guid', () => {
  it('answers 204 and removes the broker with its services, plans and visibilities', async () => {
    const broker = await startBroker(generateCatalog(2, 2, { prefix: 'del' }));
    const keep = await startBroker(generateCatalog(1, 1, { prefix: 'keep' }));
    const guid = await registered(broker);
    const keptGuid = await registered(keep);
    const org = await createOrg(w, uniqueName('del-org'));
    const planGuid = (await plansOf(guid))[0]?.metadata.guid;
    await request(w.app)
      .post('/v2/service_plan_visibilities')
      .set(bearer(w.adminToken))
      .send({ service_plan_guid: planGuid, organization_guid: org });
    const kept = await snapshot(w.knex, ['services', 'service_plans']);
    const brokerId = (await w.knex('service_brokers').where({ guid }).first()).id;
    const serviceIds = (
      await w.knex('services').where({ service_broker_id: brokerId }).select('id')
    ).map((r: { id: number }) => r.id);

    const res = await deleteBroker(guid);

    expect(res.status).toBe(204);
    expect(res.text).toBe('');
    expect(await w.knex('service_brokers').where({ guid })).toEqual([]);
    expect(await w.knex('services').whereIn('id', serviceIds)).toEqual([]);
    expect(await w.knex('service_plans').whereIn('service_id', serviceIds)).toEqual([]);
    expect(
      await w
        .knex('service_plan_visibilities')
        .join('service_plans', 'service_plans.id', 'service_plan_visibilities.service_plan_id')
        .whereIn('service_plans.service_id', serviceIds),
    ).toEqual([]);
    expect(
      await w.knex('service_plan_visibilities').where({
        organization_id: (await w.knex('organizations').where({ guid: org }).first()).id,
      }),
    ).toEqual([]);
    const survivors = await snapshot(w.knex, ['services', 'service_plans']);
    expect(survivors.services).toEqual(
      kept.services?.filter((s) => !serviceIds.includes((s as { id: number }).id)),
    );
    expect(await servicesOf(keptGuid)).toHaveLength(1);
    expect(keep.requests).toEqual([]);
    expect(broker.requests).toEqual([]);
  });

  it('answers 400 CF-ServiceBrokerNotRemovable while instances exist, and removes nothing', async () => {
    const broker = await startBroker(generateCatalog(1, 1, { prefix: 'busy' }));
    const name = uniqueName('busy');
    const guid = await registered(broker, name);
    await insertInstance((await plansOf(guid))[0]?.metadata.guid ?? '');
    const before = await snapshot(w.knex, BROKER_TABLES);

    const res = await deleteBroker(guid);

    expectCfError(
      res,
      400,
      cfError(
        270010,
        'CF-ServiceBrokerNotRemovable',
        `Can not remove brokers that have associated service instances: ${name}`,
      ),
    );
    expect(await snapshot(w.knex, BROKER_TABLES)).toEqual(before);
  });

  it('answers 404 NotFound (10000) for an unknown broker', async () => {
    const res = await deleteBroker(randomUUID());

    expectCfError(res, 404, UNKNOWN_REQUEST);
  });
});

describe('broker changes on the change feed', () => {
  it('publishes created, updated (by PUT and by sync) and deleted with the guid and name only', async () => {
    const seen: Change[] = [];
    const unsubscribe = w.changes.subscribe((change) => {
      if (change.topic === 'broker') seen.push(change);
    });
    try {
      const broker = await startBroker();
      const name = uniqueName('fed');
      const guid = await registered(broker, name);
      expect((await putBroker(guid, { name: `${name}-2` })).status).toBe(200);
      await w.brokers.sync(guid, {});
      expect((await deleteBroker(guid)).status).toBe(204);
      expect(seen).toEqual([
        { topic: 'broker', action: 'created', id: guid, detail: { name } },
        { topic: 'broker', action: 'updated', id: guid, detail: { name: `${name}-2` } },
        { topic: 'broker', action: 'updated', id: guid, detail: { name: `${name}-2` } },
        { topic: 'broker', action: 'deleted', id: guid, detail: { name: `${name}-2` } },
      ]);
      expect(JSON.stringify(seen)).not.toContain(PASSWORD);
    } finally {
      unsubscribe();
    }
  });

  it('publishes nothing when the registration fails', async () => {
    const seen: Change[] = [];
    const unsubscribe = w.changes.subscribe((change) => {
      if (change.topic === 'broker') seen.push(change);
    });
    try {
      const broker = await startBroker({ services: [] });
      expect((await postBroker(brokerBody(broker, uniqueName('empty')))).status).toBe(502);
      expect(seen).toEqual([]);
    } finally {
      unsubscribe();
    }
  });
});
