import fc from 'fast-check';
import request from 'supertest';
import { startFuzzWharf } from './fuzz-wharf';
import type { FuzzWharf } from './fuzz-wharf';

/**
 * Issue 9 item 8: random requests against every route family never answer 5xx, and a 4xx changes
 * nothing. Fixed seed and bounded runs, so a failure reproduces and the suite stays fast.
 */
const SEED = 20261201;
const RUNS = Number(process.env.WHARF_FUZZ_RUNS ?? 60);

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface FuzzRequest {
  method: Method;
  path: string;
  query: Array<[string, string]>;
  headers: Record<string, string>;
  body: { kind: 'none' } | { kind: 'json'; value: unknown } | { kind: 'raw'; text: string };
  auth: 'admin' | 'user' | 'none' | 'garbage';
}

const weirdSegments = [
  '%',
  '%E0%A4%A',
  '%zz',
  '%00',
  '..',
  '%2F',
  '%C0%AF',
  'a%0Ab',
  '%ED%A0%80',
  'x'.repeat(300),
];
const segment: fc.Arbitrary<string> = fc.oneof(
  fc.uuid(),
  fc.constantFrom(...weirdSegments),
  fc.string({ maxLength: 20 }).map((s) => encodeURIComponent(s.replace(/[\uD800-\uDFFF]/g, ''))),
  fc.constantFrom('http', 'web', 'svc-web', 'plan-small', 'admin'),
);
const text: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
  fc.constantFrom('', ' ', '\n', '\ud800', 'a\u0000b', '${secret:x}', 'name:foo', '>=', 'IN'),
);
const scalar: fc.Arbitrary<unknown> = fc.oneof(
  text,
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom(-1, 0, 1, 2, 65536, 2 ** 53, 1e308),
);

/** A body shaped like the family's real bodies, with random values in the known fields. */
function shapedBody(fields: readonly string[]): fc.Arbitrary<unknown> {
  return fc.dictionary(
    fc.oneof(fc.constantFrom(...fields), fc.string({ maxLength: 10 })),
    fc.oneof(
      scalar,
      fc.array(scalar, { maxLength: 3 }),
      fc.dictionary(text, scalar, { maxKeys: 3 }),
    ),
    { maxKeys: 6 },
  );
}

function fuzzRequests(
  paths: readonly string[],
  fields: readonly string[],
  queryKeys: readonly string[],
  headerSets: ReadonlyArray<Record<string, string>>,
): fc.Arbitrary<FuzzRequest> {
  const filled = fc
    .tuple(fc.constantFrom(...paths), fc.array(segment, { minLength: 3, maxLength: 3 }))
    .map(([template, [a = '', b = '', c = '']]) =>
      template.replace(':a', a).replace(':b', b).replace(':c', c),
    );
  return fc.record({
    method: fc.constantFrom<Method>('get', 'post', 'put', 'patch', 'delete'),
    path: filled,
    query: fc.array(
      fc.tuple(fc.oneof(fc.constantFrom(...queryKeys), fc.string({ maxLength: 8 })), text),
      { maxLength: 4 },
    ),
    headers: fc.constantFrom(...headerSets),
    body: fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.oneof(shapedBody(fields), fc.jsonValue({ maxDepth: 3 })).map((value) => ({
        kind: 'json' as const,
        value,
      })),
      fc
        .oneof(text, fc.constantFrom('{', '{"a":', '[1,', 'a=b&c', '\u0000'))
        .map((t) => ({ kind: 'raw' as const, text: t })),
    ),
    auth: fc.constantFrom('admin', 'user', 'none', 'garbage'),
  });
}

const COMMON_HEADERS: ReadonlyArray<Record<string, string>> = [
  { 'Content-Type': 'application/json' },
  {},
  { 'Content-Type': 'application/json' },
  { 'Content-Type': 'application/x-www-form-urlencoded' },
  { 'Content-Type': 'text/plain' },
  { 'Content-Type': 'application/json; charset=bogus-1' },
  { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
  { 'Content-Type': 'application/json', 'Content-Encoding': 'br-ish' },
  { 'Content-Type': 'application/json', 'X-Broker-API-Version': '2.17' },
  { 'X-Broker-API-Version': 'banana', 'X-Broker-API-Originating-Identity': 'cloudfoundry e30=' },
  { 'X-Broker-API-Version': '2.13', 'X-Broker-API-Originating-Identity': 'cf %%%' },
  { Accept: 'text/html', 'X-Forwarded-For': '10.0.0.1, ::1' },
];

describe('fuzzing every route family (fixed seed)', () => {
  let f: FuzzWharf;
  beforeAll(async () => {
    f = await startFuzzWharf();
  });
  afterAll(async () => {
    await f.stop();
  });

  async function send(r: FuzzRequest): Promise<request.Response> {
    const qs = r.query
      .map(
        ([k, v]) =>
          `${encodeURIComponent(k)}=${encodeURIComponent(v.replace(/[\uD800-\uDFFF]/g, '?'))}`,
      )
      .join('&');
    const url = qs === '' ? r.path : `${r.path}?${qs}`;
    let req = request(f.wharf.app)[r.method](url).set(r.headers).timeout(5000);
    if (r.path.startsWith('/broker')) {
      if (r.auth === 'admin' || r.auth === 'user')
        req = req.auth(f.broker.username, f.broker.password);
      else if (r.auth === 'garbage') req = req.set('Authorization', 'Basic %%%');
    } else if (r.auth === 'admin') req = req.set('Authorization', `bearer ${f.adminToken}`);
    else if (r.auth === 'user') req = req.set('Authorization', `bearer ${f.userToken}`);
    else if (r.auth === 'garbage') req = req.set('Authorization', 'bearer e30.e30.x');
    if (r.body.kind === 'json') return req.send(JSON.stringify(r.body.value) ?? 'null');
    if (r.body.kind === 'raw') return req.send(r.body.text);
    return req;
  }

  async function check(r: FuzzRequest): Promise<void> {
    const before = await f.everything();
    const started = Date.now();
    const res = await send(r).catch((err: unknown) => {
      throw new Error(`${r.method.toUpperCase()} ${r.path} failed: ${String(err)}`);
    });
    if (process.env.WHARF_FUZZ_TRACE)
      console.log(Date.now() - started, res.status, r.method, r.path);
    if (res.status >= 500) {
      throw new Error(`${r.method.toUpperCase()} ${r.path} answered ${res.status}: ${res.text}`);
    }
    if (res.status >= 400) {
      expect(await f.everything()).toEqual(before);
    }
  }

  const property = (arb: fc.Arbitrary<FuzzRequest>) =>
    fc.assert(fc.asyncProperty(arb, check), { seed: SEED, numRuns: RUNS, endOnFailure: true });

  it('/v2/*: no 5xx, and a 4xx changes nothing', async () => {
    await property(
      fuzzRequests(
        [
          '/v2/organizations',
          '/v2/organizations/:a',
          '/v2/organizations/:a/users/:b',
          '/v2/spaces',
          '/v2/spaces/:a',
          '/v2/spaces/:a/service_instances',
          '/v2/services',
          '/v2/services/:a',
          '/v2/service_plans',
          '/v2/service_plans/:a',
          '/v2/service_brokers',
          '/v2/service_brokers/:a',
          '/v2/service_instances',
          '/v2/service_instances/:a',
          '/v2/service_keys',
          '/v2/service_keys/:a',
          '/v2/service_plan_visibilities',
          '/v2/users',
          '/v2/users/:a',
          '/v2/jobs/:a',
          '/v2/info',
          '/v2/:a',
        ],
        [
          'name',
          'guid',
          'label',
          'description',
          'unique_id',
          'broker_url',
          'auth_username',
          'auth_password',
          'organization_guid',
          'space_guid',
          'service_guid',
          'service_plan_guid',
          'service_instance_guid',
          'parameters',
          'extra',
          'active',
          'bindable',
          'tags',
        ],
        [
          'q',
          'page',
          'results-per-page',
          'order-by',
          'order-direction',
          'inline-relations-depth',
          'async',
          'recursive',
          'accepts_incomplete',
          'purge',
        ],
        COMMON_HEADERS,
      ),
    );
  });

  it('/services*: no 5xx, and a 4xx changes nothing', async () => {
    await property(
      fuzzRequests(
        ['/services', '/services/create', '/services/:a', '/services/:a/update', '/services/http'],
        [
          'Name',
          'Image',
          'ServicePort',
          'ContainerPort',
          'Replicas',
          'Protocol',
          'Env',
          'SecretEnv',
          'Labels',
          'Volumes',
          'SSLCert',
          'Cmd',
          'Entrypoint',
          'FIP',
          'ContainerSize',
          'HealthCheckInterval',
        ],
        ['filters', 'keep'],
        COMMON_HEADERS,
      ),
    );
  });

  it('/broker/v2/*: no 5xx, and a 4xx changes nothing', async () => {
    await property(
      fuzzRequests(
        [
          '/broker/v2/catalog',
          '/broker/v2/service_instances/:a',
          '/broker/v2/service_instances/:a/last_operation',
          '/broker/v2/service_instances/:a/service_bindings/:b',
          '/broker/v2/service_instances/:a/service_bindings/:b/last_operation',
        ],
        [
          'service_id',
          'plan_id',
          'organization_guid',
          'space_guid',
          'context',
          'parameters',
          'maintenance_info',
          'previous_values',
          'bind_resource',
        ],
        ['accepts_incomplete', 'service_id', 'plan_id', 'operation'],
        COMMON_HEADERS,
      ),
    );
  });

  it('/oauth/token: no 5xx, and a 4xx changes nothing', async () => {
    const form = fc
      .dictionary(
        fc.constantFrom(
          'grant_type',
          'username',
          'password',
          'refresh_token',
          'client_id',
          'client_secret',
          'scope',
        ),
        fc.oneof(
          text,
          fc.constantFrom('password', 'refresh_token', 'client_credentials', 'admin', 'cf'),
        ),
        { maxKeys: 6 },
      )
      .map((fields) => new URLSearchParams(fields).toString().replace(/%EF%BF%BD/g, '%ED%A0%80'));
    const arb = fc.record({
      method: fc.constantFrom<Method>('post', 'get'),
      path: fc.constant('/oauth/token'),
      query: fc.constant<Array<[string, string]>>([]),
      headers: fc.constantFrom<Record<string, string>>(
        { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Basic Y2Y6' },
        { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: 'Basic %%%' },
        { 'Content-Type': 'application/x-www-form-urlencoded' },
        { 'Content-Type': 'application/json' },
        { 'Content-Type': 'application/x-www-form-urlencoded; charset=bogus' },
      ),
      body: form.map((t) => ({ kind: 'raw' as const, text: t })),
      auth: fc.constant('none' as const),
    });
    await property(arb);
  });
});
