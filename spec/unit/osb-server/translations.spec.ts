import { parseApiVersion } from '../../../src/osb-server/api-version';
import { credentialsMatch, readBasicAuth } from '../../../src/osb-server/basic-auth';
import {
  asyncRequired,
  badRequest,
  brokerFailed,
  concurrencyError,
  conflict,
  gone,
  maintenanceInfoConflict,
  notFound,
  toFailureResponse,
  unprocessable,
} from '../../../src/osb-server/failures';
import type { OsbFailure } from '../../../src/osb-server/failures';
import {
  containerRefFor,
  INSTANCE_LABEL,
  renderCredentials,
  renderServiceBody,
  toInPlaceChange,
} from '../../../src/osb-server/instance-template';
import { sameJson } from '../../../src/osb-server/json-equal';
import {
  presentBind,
  presentBinding,
  presentChange,
  presentInstance,
  presentLastOperation,
  presentProvision,
} from '../../../src/osb-server/presenter';

describe('parseApiVersion', () => {
  it.each([
    ['2.17', { major: 2, minor: 17 }],
    ['2.13', { major: 2, minor: 13 }],
    ['2.0', { major: 2, minor: 0 }],
    [' 2.15 ', { major: 2, minor: 15 }],
    [undefined, undefined],
    ['', undefined],
    ['3.0', undefined],
    ['1.9', undefined],
    ['2', undefined],
    ['2.x', undefined],
    ['2.17.1', undefined],
  ])('%p → %p', (header, expected) => {
    expect(parseApiVersion(header)).toEqual(expected);
  });
});

describe('Basic auth', () => {
  const expected = { username: 'broker', password: 's3cret:with-colon' };
  const basic = (user: string, pass: string): string =>
    `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;

  it.each([
    ['the right pair', basic('broker', 's3cret:with-colon'), true],
    ['a lowercase scheme', basic('broker', 's3cret:with-colon').replace('Basic', 'basic'), true],
    ['a wrong password', basic('broker', 'nope'), false],
    ['a wrong user', basic('admin', 's3cret:with-colon'), false],
    ['a longer password sharing the prefix', basic('broker', 's3cret:with-colon!'), false],
    ['no header', undefined, false],
    ['a bearer token', 'Bearer abc', false],
    ['base64 without a colon', `Basic ${Buffer.from('broker').toString('base64')}`, false],
  ])('%s → %s', (_name, header, matches) => {
    expect(credentialsMatch(readBasicAuth(header), expected)).toBe(matches);
  });
});

describe('toFailureResponse (the one mapper)', () => {
  it.each<[string, OsbFailure, number, Record<string, string>]>([
    ['bad request', badRequest('plan_id is required'), 400, { description: 'plan_id is required' }],
    ['not found', notFound('no such instance'), 404, { description: 'no such instance' }],
    ['conflict', conflict('different attributes'), 409, { description: 'different attributes' }],
    ['gone', gone, 410, {}],
    [
      'AsyncRequired',
      asyncRequired('needs async'),
      422,
      { error: 'AsyncRequired', description: 'needs async' },
    ],
    [
      'ConcurrencyError',
      concurrencyError(),
      422,
      {
        error: 'ConcurrencyError',
        description: 'Another operation for this service instance is in progress.',
      },
    ],
    [
      'MaintenanceInfoConflict',
      maintenanceInfoConflict('1.0 ≠ 2.0'),
      422,
      { error: 'MaintenanceInfoConflict', description: '1.0 ≠ 2.0' },
    ],
    [
      'an unnamed 422',
      unprocessable('plan changes not supported'),
      422,
      { description: 'plan changes not supported' },
    ],
    ['a broker failure', brokerFailed('engine down'), 500, { description: 'engine down' }],
  ])('%s', (_name, failure, status, body) => {
    expect(toFailureResponse(failure)).toEqual({ status, body });
  });
});

describe('containerRefFor', () => {
  it.each([
    [
      'a lowercase uuid keeps it',
      '0b7e8a40-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
      'osb-0b7e8a40-1c2d-4e5f-8a9b-0c1d2e3f4a5b',
    ],
    ['any other id is hashed', 'My Instance/1', /^osb-[0-9a-f]{40}$/],
    [
      'ids differing in case get different names',
      '0B7E8A40-1C2D-4E5F-8A9B-0C1D2E3F4A5B',
      /^osb-[0-9a-f]{40}$/,
    ],
  ])('%s', (_name, id, name) => {
    const ref = containerRefFor(id, '6f1d2c3b-4a5e-4f60-8a7b-9c0d1e2f3a4b');
    expect(ref.tenant).toBe('6f1d2c3b4a5e4f608a7b9c0d1e2f3a4b');
    if (typeof name === 'string') expect(ref.name).toBe(name);
    else expect(ref.name).toMatch(name);
    expect(ref.name.length).toBeLessThanOrEqual(63);
  });
});

describe('renderServiceBody', () => {
  const template = {
    Image: 'db:1',
    Env: ['PASSWORD=${secret:pw}'],
    Labels: { team: 'a' },
    parameters: { Replicas: { minimum: 1, maximum: 3 } },
  };
  const ref = { tenant: 't', name: 'osb-x' };

  it('applies parameters, renders secrets into Env, names and labels the service', () => {
    expect(renderServiceBody(template, { Replicas: 2 }, { pw: 'hunter2' }, ref, 'inst-1')).toEqual({
      ok: true,
      value: {
        Image: 'db:1',
        Env: ['PASSWORD=hunter2'],
        // The engine seals Env and shows these keys' values as [redacted] (issue 9 item 4).
        SecretEnv: ['PASSWORD'],
        Labels: { team: 'a', [INSTANCE_LABEL]: 'inst-1' },
        Replicas: 2,
        Name: 'osb-x',
      },
    });
  });

  it.each([
    ['an unlisted parameter', { Image: 'evil' }, 'parameter Image is not allowed by this service'],
    ['a value out of bounds', { Replicas: 9 }, 'parameter Replicas must be between 1 and 3'],
  ])('refuses %s', (_name, parameters, message) => {
    expect(renderServiceBody(template, parameters, {}, ref, 'i')).toEqual({ ok: false, message });
  });
});

describe('toInPlaceChange', () => {
  const base = { Image: 'web:1', Replicas: 1, ContainerSize: 's4', Name: 'osb-x' };
  const current = { replicas: 1, image: 'web:1' };

  it.each([
    ['nothing differs', base, current, { ok: true, change: {} }],
    [
      'more replicas: scale',
      { ...base, Replicas: 3 },
      current,
      { ok: true, change: { replicas: 3 } },
    ],
    [
      'replicas left to the default',
      { Image: 'web:1', ContainerSize: 's4', Name: 'osb-x' },
      { replicas: 2, image: 'web:1' },
      { ok: true, change: { replicas: 1 } },
    ],
    [
      'a new image: rolling update',
      { ...base, Image: 'web:2' },
      current,
      { ok: true, change: { image: 'web:2' } },
    ],
    [
      'a new size cannot be applied in place',
      { ...base, ContainerSize: 'm1', Env: ['A=1'] },
      current,
      { ok: false, fields: ['ContainerSize', 'Env'] },
    ],
  ])('%s', (_name, after, settings, expected) => {
    expect(toInPlaceChange(base, after, settings)).toEqual(expected);
  });
});

describe('renderCredentials', () => {
  const ref = { tenant: 't', name: 'osb-x' };
  const endpoint = { host: '127.0.0.1', port: '40001' };

  it.each([
    [
      'http template',
      { Protocol: 'http', credentials: { uri: '${uri}', pw: '${secret:pw}', n: '${name}' } },
      { uri: 'http://127.0.0.1:40001', pw: 'p', n: 'osb-x' },
    ],
    [
      'https template',
      { Protocol: 'httpsTerm', credentials: { uri: '${uri}' } },
      { uri: 'https://127.0.0.1:40001' },
    ],
    [
      'no credentials map: host, port, uri',
      { Protocol: 'tcp' },
      { host: '127.0.0.1', port: '40001', uri: 'tcp://127.0.0.1:40001' },
    ],
    [
      'an unknown secret stays as written',
      { credentials: { x: '${secret:nope}' } },
      { x: '${secret:nope}' },
    ],
  ])('%s', (_name, template, expected) => {
    expect(renderCredentials(template, endpoint, { pw: 'p' }, ref)).toEqual(expected);
  });
});

describe('sameJson', () => {
  it.each([
    [{ a: 1, b: { c: [1, 2] } }, { b: { c: [1, 2] }, a: 1 }, true],
    [{ a: [1, 2] }, { a: [2, 1] }, false],
    [{}, { a: undefined }, true],
    [{ a: null }, {}, false],
  ])('%j vs %j → %s', (a, b, expected) => {
    expect(sameJson(a, b)).toBe(expected);
  });
});

describe('presenters', () => {
  const binding = {
    credentials: { uri: 'http://h:1' },
    endpoint: { host: 'h', port: '1' },
    parameters: {},
  };

  it.each([
    ['provision created', presentProvision({ kind: 'created' }), 201, {}],
    ['provision identical', presentProvision({ kind: 'exists' }), 200, {}],
    [
      'provision accepted',
      presentProvision({ kind: 'accepted', operation: 'op' }),
      202,
      { operation: 'op' },
    ],
    ['update/deprovision done', presentChange({ kind: 'done' }), 200, {}],
    [
      'update/deprovision accepted',
      presentChange({ kind: 'accepted', operation: 'op' }),
      202,
      { operation: 'op' },
    ],
    [
      'last operation',
      presentLastOperation({ state: 'in progress', description: 'Scaling 1/3' }),
      200,
      { state: 'in progress', description: 'Scaling 1/3' },
    ],
    [
      'last operation, no text',
      presentLastOperation({ state: 'succeeded', description: '' }),
      200,
      { state: 'succeeded' },
    ],
    [
      'bind at 2.13: credentials only',
      presentBind({ kind: 'created', binding }, { major: 2, minor: 13 }),
      201,
      { credentials: { uri: 'http://h:1' } },
    ],
    [
      'bind at 2.15: endpoints too',
      presentBind({ kind: 'exists', binding }, { major: 2, minor: 15 }),
      200,
      {
        credentials: { uri: 'http://h:1' },
        endpoints: [{ host: 'h', ports: ['1'], protocol: 'tcp' }],
      },
    ],
    [
      'fetch binding with parameters',
      presentBinding(
        { ...binding, endpoint: undefined, parameters: { a: 1 } },
        { major: 2, minor: 17 },
      ),
      200,
      { credentials: { uri: 'http://h:1' }, parameters: { a: 1 } },
    ],
    [
      'fetch instance at 2.14',
      presentInstance(
        { serviceId: 's', planId: 'p', parameters: {}, maintenanceInfoVersion: '1.0.0' },
        { major: 2, minor: 14 },
      ),
      200,
      { service_id: 's', plan_id: 'p', parameters: {} },
    ],
    [
      'fetch instance at 2.15',
      presentInstance(
        { serviceId: 's', planId: 'p', parameters: {}, maintenanceInfoVersion: '1.0.0' },
        { major: 2, minor: 15 },
      ),
      200,
      { service_id: 's', plan_id: 'p', parameters: {}, maintenance_info: { version: '1.0.0' } },
    ],
  ])('%s', (_name, presented, status, body) => {
    expect(presented).toEqual({ status, body });
  });
});
