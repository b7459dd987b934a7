import { CfError } from '../../../src/http/cf-errors';
import type { OsbExchange } from '../../../src/osb-client/exchange';
import { interpretCatalogResponse, interpretOsbResponse } from '../../../src/osb-client/response';
import { reasonPhrase } from '../../../src/osb-client/status-text';

const LIMIT = 1024;

function exchange(status: number, body: string, bodyTooLarge = false): OsbExchange {
  return {
    method: 'PUT',
    uri: 'http://b/v2/x',
    status,
    reason: reasonPhrase(status, ''),
    headers: { 'retry-after': '5' },
    body,
    bodyTooLarge,
  };
}

function thrown(run: () => unknown): {
  ctor: string;
  code: number;
  status: number;
  error_code: string;
} {
  try {
    run();
  } catch (err) {
    if (err instanceof CfError) {
      return {
        ctor: err.constructor.name,
        code: err.code,
        status: err.status,
        error_code: err.errorCode,
      };
    }
    throw err;
  }
  throw new Error('expected an error');
}

describe('interpretOsbResponse (every call)', () => {
  it.each<[number, string, boolean, string, number]>([
    [401, '{}', false, 'CF-ServiceBrokerApiAuthenticationFailed', 502],
    [408, '', false, 'CF-ServiceBrokerApiTimeout', 504],
    [400, '{"description":"bad"}', false, 'CF-ServiceBrokerRequestRejected', 502],
    [403, '<html>', false, 'CF-ServiceBrokerRequestRejected', 502],
    [404, '', false, 'CF-ServiceBrokerRequestRejected', 502],
    [412, '{}', false, 'CF-ServiceBrokerRequestRejected', 502],
    [500, '{}', false, 'CF-ServiceBrokerBadResponse', 502],
    [503, '', false, 'CF-ServiceBrokerBadResponse', 502],
    [302, '', false, 'CF-ServiceBrokerBadResponse', 502],
    [200, '<html></html>', false, 'CF-ServiceBrokerResponseMalformed', 502],
    [201, '[]', false, 'CF-ServiceBrokerResponseMalformed', 502],
    [200, '', false, 'CF-ServiceBrokerResponseMalformed', 502],
    [200, '{"a":', true, 'CF-ServiceBrokerResponseMalformed', 502],
  ])(
    'maps %d (body %j, too large: %s) to %s %d',
    (status, body, tooLarge, errorCode, httpStatus) => {
      expect(
        thrown(() => interpretOsbResponse(exchange(status, body, tooLarge), [], LIMIT)),
      ).toEqual({
        ctor: 'BrokerError',
        code: 10001,
        status: httpStatus,
        error_code: errorCode,
      });
    },
  );

  it.each<[number, string, unknown]>([
    [200, '{}', {}],
    [201, '{"dashboard_url":"https://d"}', { dashboard_url: 'https://d' }],
    [202, '{"operation":"op-1"}', { operation: 'op-1' }],
    [204, '', null],
    [409, '{"description":"taken"}', { description: 'taken' }],
    [410, '', ''],
    [422, '{"error":"AsyncRequired"}', { error: 'AsyncRequired' }],
    [422, 'not json', 'not json'],
  ])('returns %d with body %j for the operation to interpret', (status, body, parsed) => {
    expect(interpretOsbResponse(exchange(status, body), [], LIMIT)).toEqual({
      status,
      body: parsed,
      headers: { 'retry-after': '5' },
    });
  });
});

describe('interpretCatalogResponse (registration, cf-v2-api.md §4.2 step 2)', () => {
  it.each<[number, string, boolean, string, number, number]>([
    [200, '<html>', false, 'CF-ServiceBrokerRequestMalformed', 270021, 502],
    [200, '[]', false, 'CF-ServiceBrokerRequestMalformed', 270021, 502],
    [200, '"services"', false, 'CF-ServiceBrokerRequestMalformed', 270021, 502],
    [403, '', false, 'CF-ServiceBrokerRequestRejected', 270020, 502],
    [404, '{"description":"nope"}', false, 'CF-ServiceBrokerRequestRejected', 270020, 502],
    [409, '', false, 'CF-ServiceBrokerRequestRejected', 270020, 502],
    [401, '', false, 'CF-ServiceBrokerApiAuthenticationFailed', 10001, 502],
    [408, '', false, 'CF-ServiceBrokerApiTimeout', 10001, 504],
    [500, '', false, 'CF-ServiceBrokerBadResponse', 10001, 502],
    [201, '{}', false, 'CF-ServiceBrokerBadResponse', 10001, 502],
    [200, '{"services":[', true, 'CF-ServiceBrokerResponseMalformed', 10001, 502],
  ])(
    'maps %d (body %j, too large: %s) to %s (%d) %d',
    (status, body, tooLarge, errorCode, code, httpStatus) => {
      const err = thrown(() =>
        interpretCatalogResponse(exchange(status, body, tooLarge), [], LIMIT),
      );
      expect([err.error_code, err.code, err.status]).toEqual([errorCode, code, httpStatus]);
    },
  );

  it('returns the parsed object of a 200', () => {
    expect(interpretCatalogResponse(exchange(200, '{"services":[]}'), [], LIMIT)).toEqual({
      services: [],
    });
  });
});

describe('reasonPhrase', () => {
  it.each<[number, string, string]>([
    [413, 'Payload Too Large', 'Request Entity Too Large'],
    [418, "I'm a teapot", "I'm a Teapot"],
    [599, 'Custom', 'Custom'],
  ])('prints %d as CC does', (status, sent, expected) => {
    expect(reasonPhrase(status, sent)).toBe(expected);
  });
});
