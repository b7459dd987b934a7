import net from 'node:net';
import { CfError } from '../../src/http/cf-errors';
import { HttpOsbClient } from '../../src/osb-client';
import type { BrokerConnection } from '../../src/osb-client';
import { FakeBroker, reply } from '../support/fake-broker';
import type { FakeReply } from '../support/fake-broker';
import { readCatalogFixture } from './support/catalog-fixtures';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const TIMEOUT_MS = 400;

let broker: FakeBroker;
let client: HttpOsbClient;
let conn: BrokerConnection;

beforeAll(async () => {
  broker = await FakeBroker.start({ catalog: readCatalogFixture('valid-full') });
  client = new HttpOsbClient({
    timeoutMs: TIMEOUT_MS,
    apiInfoLocation: 'wharf.example.com/v2/info',
  });
  conn = broker.connection();
});

afterEach(() => {
  broker.reset();
});

afterAll(async () => {
  await broker.close();
});

type WireBody = Record<string, unknown>;

async function failureOf(
  run: () => Promise<unknown>,
): Promise<{ status: number; body: WireBody; message: string }> {
  try {
    await run();
  } catch (err) {
    if (err instanceof CfError) {
      return { status: err.status, body: err.toBody(), message: err.message };
    }
    throw err;
  }
  throw new Error('expected the call to fail');
}

/** Neither the password (in any of its forms) nor the Basic token may reach an error. */
function expectNoSecrets(failure: { body: WireBody; message: string }): void {
  const token = Buffer.from(`${conn.username}:${conn.password}`).toString('base64');
  const text = JSON.stringify(failure.body) + failure.message;
  for (const secret of [conn.password, JSON.stringify(conn.password).slice(1, -1), token]) {
    expect(text).not.toContain(secret);
  }
}

async function closedPortUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => {
    server.close(() => {
      resolve();
    });
  });
  return `http://127.0.0.1:${port}`;
}

describe('HttpOsbClient.fetchCatalog (GET /v2/catalog)', () => {
  it('when the broker serves a catalog, returns it as sent', async () => {
    await expect(client.fetchCatalog(conn, {})).resolves.toEqual(readCatalogFixture('valid-full'));
  });

  it('sends Basic auth pre-emptively and the OSB and CC headers', async () => {
    await client.fetchCatalog(conn, { vcapRequestId: 'req-123::abc', userGuid: 'user-guid-1' });
    const [request] = broker.requests;
    expect(broker.requests).toHaveLength(1);
    const auth = request!.headers.authorization ?? '';
    expect(auth.startsWith('Basic ')).toBe(true);
    expect(Buffer.from(auth.slice('Basic '.length), 'base64').toString('utf8')).toBe(
      `${conn.username}:${conn.password}`,
    );
    expect(request!.headers).toMatchObject({
      'x-broker-api-version': '2.17',
      'x-vcap-request-id': 'req-123::abc',
      'x-api-info-location': 'wharf.example.com/v2/info',
      accept: 'application/json',
    });
    expect(request!.headers['x-broker-api-request-identity']).toMatch(UUID);
    const [platform, identity] = String(
      request!.headers['x-broker-api-originating-identity'],
    ).split(' ');
    expect(platform).toBe('cloudfoundry');
    expect(JSON.parse(Buffer.from(identity ?? '', 'base64').toString('utf8'))).toEqual({
      user_id: 'user-guid-1',
    });
    expect(request!.headers['content-type']).toBeUndefined();
  });

  it('when no user is known, sends no originating identity; each call gets a fresh request identity', async () => {
    await client.fetchCatalog(conn, {});
    await client.fetchCatalog(conn, {});
    const [first, second] = broker.requests;
    expect(first!.headers['x-broker-api-originating-identity']).toBeUndefined();
    expect(first!.headers['x-vcap-request-id']).toMatch(UUID);
    expect(first!.headers['x-broker-api-request-identity']).not.toBe(
      second!.headers['x-broker-api-request-identity'],
    );
  });

  it('when the broker redirects, follows it with the credentials (same origin)', async () => {
    broker.on('GET', '/v2/catalog', reply.redirect(`${broker.url}/moved/v2/catalog`, 302));
    broker.on('GET', '/moved/v2/catalog', reply.json(200, { services: [] }));
    await expect(client.fetchCatalog(conn, {})).resolves.toEqual({ services: [] });
    expect(broker.requests.map((r) => r.path)).toEqual(['/v2/catalog', '/moved/v2/catalog']);
  });

  /** [situation, what the catalog route answers (null: the catalog), connection override, status, body] */
  it.each<[string, FakeReply | null, Partial<BrokerConnection>, number, WireBody]>([
    [
      'the password is wrong (401)',
      null,
      { password: 'wrong' },
      502,
      {
        code: 10001,
        error_code: 'CF-ServiceBrokerApiAuthenticationFailed',
        description:
          'Authentication with the service broker failed. Double-check that the username and password are correct.',
        http: { method: 'GET', status: 401 },
      },
    ],
    [
      'the broker answers 403',
      reply.status(403, { description: 'go away' }),
      {},
      502,
      {
        code: 270020,
        error_code: 'CF-ServiceBrokerRequestRejected',
        description:
          'The service broker rejected the request. Status Code: 403 Forbidden. Please check that the URL points to a valid service broker.',
      },
    ],
    [
      'the URL is not a broker (404)',
      reply.html(404),
      {},
      502,
      {
        code: 270020,
        error_code: 'CF-ServiceBrokerRequestRejected',
        description:
          'The service broker rejected the request. Status Code: 404 Not Found. Please check that the URL points to a valid service broker.',
      },
    ],
    [
      'the broker answers 200 with HTML',
      reply.html(200),
      {},
      502,
      {
        code: 270021,
        error_code: 'CF-ServiceBrokerRequestMalformed',
        description:
          'The service broker returned an invalid response: expected valid JSON object in body. Please check that the URL points to a valid service broker.',
      },
    ],
    [
      'the broker fails with a description (500)',
      reply.status(500, { description: 'database down' }),
      {},
      502,
      {
        code: 10001,
        error_code: 'CF-ServiceBrokerBadResponse',
        description: 'Service broker error: database down',
        http: { method: 'GET', status: 500 },
      },
    ],
    [
      'the broker fails with an HTML page (502)',
      reply.text(502, '<h1>Bad Gateway</h1>', 'text/html'),
      {},
      502,
      {
        code: 10001,
        error_code: 'CF-ServiceBrokerBadResponse',
        description:
          'The service broker returned an invalid response. Status Code: 502 Bad Gateway, Body: <h1>Bad Gateway</h1>',
        http: { method: 'GET', status: 502 },
      },
    ],
    [
      'the broker answers 408',
      reply.status(408),
      {},
      504,
      {
        code: 10001,
        error_code: 'CF-ServiceBrokerApiTimeout',
        description: 'The request to the service broker timed out',
        http: { method: 'GET', status: 408 },
      },
    ],
  ])('when %s, throws the mapped error', async (_name, answer, override, status, body) => {
    if (answer !== null) broker.on('GET', '/v2/catalog', answer);
    const connection = broker.connection(override);
    const failure = await failureOf(() => client.fetchCatalog(connection, {}));
    expect({ status: failure.status, body: failure.body }).toEqual({ status, body });
    expect(failure.message).toBe(body.description);
    expectNoSecrets(failure);
  });

  it('when the broker does not answer in time, throws CF-HttpClientTimeout 504 with the uri', async () => {
    broker.on('GET', '/v2/catalog', reply.delay(10_000));
    const started = Date.now();
    const failure = await failureOf(() => client.fetchCatalog(conn, {}));
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS + 2000);
    expect(failure).toMatchObject({
      status: 504,
      body: {
        code: 10001,
        error_code: 'CF-HttpClientTimeout',
        description: 'The request to the service broker timed out',
        http: { uri: `${broker.url}/v2/catalog`, method: 'GET' },
      },
    });
  });

  it('when the broker sends headers then stalls mid-body, the deadline still applies', async () => {
    broker.on('GET', '/v2/catalog', reply.stall());
    const failure = await failureOf(() => client.fetchCatalog(conn, {}));
    expect(failure.body).toMatchObject({
      error_code: 'CF-HttpClientTimeout',
      http: { uri: `${broker.url}/v2/catalog`, method: 'GET' },
    });
  });

  it('when the broker closes the connection without answering, throws CF-ServiceBrokerApiUnreachable 502', async () => {
    broker.on('GET', '/v2/catalog', reply.destroy());
    const failure = await failureOf(() => client.fetchCatalog(conn, {}));
    expect(failure).toEqual({
      status: 502,
      message: 'The service broker could not be reached',
      body: {
        code: 10001,
        error_code: 'CF-ServiceBrokerApiUnreachable',
        description: 'The service broker could not be reached',
        http: { uri: `${broker.url}/v2/catalog`, method: 'GET' },
      },
    });
  });

  it('when nothing listens on the port, throws CF-ServiceBrokerApiUnreachable 502', async () => {
    const url = await closedPortUrl();
    const failure = await failureOf(() => client.fetchCatalog({ ...conn, url }, {}));
    expect(failure.body).toMatchObject({
      error_code: 'CF-ServiceBrokerApiUnreachable',
      http: { uri: `${url}/v2/catalog`, method: 'GET' },
    });
    expectNoSecrets(failure);
  });

  it.each<[string, boolean]>([
    ['streamed without a length', false],
    ['with a Content-Length', true],
  ])(
    'when the catalog is 10 MB (%s), stops reading at 8 MiB and throws a 502',
    async (_name, declareLength) => {
      broker.on('GET', '/v2/catalog', reply.huge(10 * 1024 * 1024, { declareLength }));
      const failure = await failureOf(() => new HttpOsbClient().fetchCatalog(conn, {}));
      expect(failure).toEqual({
        status: 502,
        message:
          'The service broker returned an invalid response: the response body is larger than the limit of 8388608 bytes',
        body: {
          code: 10001,
          error_code: 'CF-ServiceBrokerResponseMalformed',
          description:
            'The service broker returned an invalid response: the response body is larger than the limit of 8388608 bytes',
          http: { method: 'GET', status: 200 },
        },
      });
    },
  );

  it('when the catalog is exactly at the limit, reads it whole', async () => {
    broker.on('GET', '/v2/catalog', reply.huge(64 * 1024));
    const small = new HttpOsbClient({ maxBodyBytes: 64 * 1024 });
    await expect(small.fetchCatalog(conn, {})).resolves.toEqual({ services: [] });
  });

  it('when a 500 echoes the request credentials, redacts them', async () => {
    const token = Buffer.from(`${conn.username}:${conn.password}`).toString('base64');
    broker.on(
      'GET',
      '/v2/catalog',
      reply.text(
        500,
        `auth=Basic ${token} password=${conn.password} json=${JSON.stringify(conn.password)}`,
      ),
    );
    const failure = await failureOf(() => client.fetchCatalog(conn, {}));
    expect(failure.body.description).toBe(
      'The service broker returned an invalid response. Status Code: 500 Internal Server Error, Body: auth=Basic [REDACTED] password=[REDACTED] json="[REDACTED]"',
    );
    expectNoSecrets(failure);
  });
});

describe('HttpOsbClient instance and binding calls', () => {
  const provisionArgs = {
    instanceId: 'inst-1',
    acceptsIncomplete: true,
    body: {
      service_id: 'svc',
      plan_id: 'plan',
      organization_guid: 'org',
      space_guid: 'space',
      context: { platform: 'cloudfoundry' },
      parameters: { size: 2 },
    },
  };

  it('provision sends PUT with a JSON body and accepts_incomplete, and types a 202 as accepted with its operation', async () => {
    broker.on('PUT', '/v2/service_instances/:id', reply.json(202, { operation: 'op-1' }));
    const response = await client.provision(conn, provisionArgs, { userGuid: 'u1' });
    expect(response).toEqual({ kind: 'accepted', operation: 'op-1' });
    const [request] = broker.requestsTo('PUT', '/v2/service_instances/:id');
    expect(request).toMatchObject({
      path: '/v2/service_instances/inst-1',
      query: { accepts_incomplete: 'true' },
      json: provisionArgs.body,
    });
    expect(request!.headers['content-type']).toBe('application/json');
    expect(request!.headers['x-broker-api-originating-identity']).toMatch(/^cloudfoundry /);
  });

  it('lastOperation follows a scripted sequence and types Retry-After', async () => {
    const path = '/v2/service_instances/:id/last_operation';
    broker.on(
      'GET',
      path,
      reply.json(200, { state: 'in progress' }, { 'Retry-After': '30' }),
      reply.json(200, { state: 'succeeded' }),
    );
    const args = { instanceId: 'inst-1', serviceId: 'svc', planId: 'plan', operation: 'op-1' };
    const first = await client.lastOperation(conn, args, {});
    const second = await client.lastOperation(conn, args, {});
    const third = await client.lastOperation(conn, args, {});
    expect([first, second, third]).toEqual([
      { state: 'in progress', description: '', retryAfterSeconds: 30 },
      { state: 'succeeded', description: '' },
      { state: 'succeeded', description: '' },
    ]);
    expect(broker.requestsTo('GET', path)[0]!.query).toEqual({
      service_id: 'svc',
      plan_id: 'plan',
      operation: 'op-1',
    });
  });

  it.each<[string, number, unknown, unknown]>([
    ['200', 200, {}, { kind: 'done' }],
    ['410 Gone', 410, {}, { kind: 'gone' }],
    ['202 with an operation', 202, { operation: 'op-9' }, { kind: 'accepted', operation: 'op-9' }],
    ['422 ConcurrencyError', 422, { error: 'ConcurrencyError' }, { kind: 'busy' }],
    [
      '422 AsyncRequired',
      422,
      { error: 'AsyncRequired', description: 'needs async' },
      { error: 'CF-AsyncRequired' },
    ],
    ['409 Conflict', 409, { description: 'busy' }, { error: 'CF-ServiceBrokerBadResponse' }],
  ])('deprovision types %s', async (_name, status, body, expected) => {
    broker.on('DELETE', '/v2/service_instances/:id', reply.json(status, body));
    const outcome = await client
      .deprovision(
        conn,
        { instanceId: 'inst-1', serviceId: 'svc', planId: 'plan', acceptsIncomplete: true },
        {},
      )
      .catch((err: unknown) => ({ error: err instanceof CfError ? err.errorCode : String(err) }));
    expect(outcome).toEqual(expected);
    expect(broker.requests[0]!.query).toEqual({
      service_id: 'svc',
      plan_id: 'plan',
      accepts_incomplete: 'true',
    });
  });

  it.each<[string, () => Promise<unknown>, () => void, WireBody]>([
    [
      'a provision the broker fails (500)',
      () => client.provision(conn, provisionArgs, {}),
      () =>
        broker.on(
          'PUT',
          '/v2/service_instances/:id',
          reply.status(500, { description: 'no capacity' }),
        ),
      {
        code: 10001,
        error_code: 'CF-ServiceBrokerBadResponse',
        description: 'Service broker error: no capacity',
        http: { method: 'PUT', status: 500 },
      },
    ],
    [
      'a provision answered 201 with HTML',
      () => client.provision(conn, provisionArgs, {}),
      () => broker.on('PUT', '/v2/service_instances/:id', reply.html(201)),
      {
        code: 10001,
        error_code: 'CF-ServiceBrokerResponseMalformed',
        description:
          "The service broker returned an invalid response: expected valid JSON object in body, broker returned '<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>'",
        http: { method: 'PUT', status: 201 },
      },
    ],
    [
      'an update the broker rejects (400)',
      () =>
        client.update(
          conn,
          { instanceId: 'inst-1', body: { service_id: 'svc', plan_id: 'other' } },
          {},
        ),
      () =>
        broker.on(
          'PATCH',
          '/v2/service_instances/:id',
          reply.status(400, { error: 'BadRequest', description: 'plan change not allowed' }),
        ),
      {
        code: 10001,
        error_code: 'CF-ServiceBrokerRequestRejected',
        description: 'Service broker error: plan change not allowed',
        http: { method: 'PATCH', status: 400 },
      },
    ],
    [
      'a bind that times out',
      () =>
        client.bind(
          conn,
          {
            instanceId: 'inst-1',
            bindingId: 'bind-1',
            body: { service_id: 'svc', plan_id: 'plan', app_guid: 'app' },
          },
          {},
        ),
      () =>
        broker.on('PUT', '/v2/service_instances/:id/service_bindings/:bid', reply.delay(10_000)),
      {
        code: 10001,
        error_code: 'CF-HttpClientTimeout',
        description: 'The request to the service broker timed out',
        http: {
          uri: expect.stringMatching(
            /^http:\/\/127\.0\.0\.1:\d+\/v2\/service_instances\/inst-1\/service_bindings\/bind-1$/,
          ),
          method: 'PUT',
        },
      },
    ],
    [
      'an unbind on a dropped connection',
      () =>
        client.unbind(
          conn,
          { instanceId: 'inst-1', bindingId: 'bind-1', serviceId: 'svc', planId: 'plan' },
          {},
        ),
      () => broker.on('DELETE', '/v2/service_instances/:id/service_bindings/:bid', reply.destroy()),
      {
        code: 10001,
        error_code: 'CF-ServiceBrokerApiUnreachable',
        description: 'The service broker could not be reached',
        http: {
          uri: expect.stringContaining('/service_bindings/bind-1?service_id=svc&plan_id=plan'),
          method: 'DELETE',
        },
      },
    ],
  ])('when %s, throws the mapped error', async (_name, act, arrange, body) => {
    arrange();
    const failure = await failureOf(act);
    expect(failure.body).toEqual(body);
    expectNoSecrets(failure);
  });

  it('the default routes answer like a well-behaved broker, so other specs script only what they test', async () => {
    const ids = { instanceId: 'i', bindingId: 'b', serviceId: 's', planId: 'p' };
    const results = await Promise.all([
      client.fetchInstance(conn, ids, {}),
      client.bind(conn, { ...ids, body: { service_id: 's', plan_id: 'p' } }, {}),
      client.fetchBinding(conn, ids, {}),
      client.bindingLastOperation(conn, ids, {}),
      client.unbind(conn, ids, {}),
    ]);
    expect(results).toEqual([
      { parameters: {} },
      { credentials: {} },
      { credentials: {}, parameters: {} },
      { state: 'succeeded', description: '' },
      { kind: 'done' },
    ]);
  });
});
