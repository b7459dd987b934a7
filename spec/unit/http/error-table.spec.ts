import { CF_ERRORS, CfError } from '../../../src/http/cf-errors';
import type { CfErrorName } from '../../../src/http/cf-errors';
import { presentV2Error, presentV3Error } from '../../../src/http/error-presenters';
import { fromStoredError, parseStoredError, toStoredError } from '../../../src/http/stored-error';
import { BrokerError } from '../../../src/osb-client';

const brokerAnswered = BrokerError.badResponse({
  method: 'put',
  status: 500,
  reason: 'Internal Server Error',
  body: '{"description":"disk full"}',
});

describe('the one error table (cf-v2-api.md §5)', () => {
  it('has one entry per key, wire names unique per code', () => {
    const seen = new Set<string>();
    for (const [key, entry] of Object.entries(CF_ERRORS)) {
      const wire = `${'name' in entry ? entry.name : key}/${entry.code}`;
      expect(seen.has(wire)).toBe(false);
      seen.add(wire);
    }
  });

  it.each<[string, CfError, number, string, number, string]>([
    [
      'a v2.yml error with an argument',
      new CfError('ServiceInstanceNameTaken', 'db'),
      60002,
      'CF-ServiceInstanceNameTaken',
      400,
      'The service instance name is taken: db',
    ],
    [
      'the registration 270020, which shares its wire name with a broker-layer error',
      new CfError('ServiceBrokerCatalogRequestRejected', '404 Not Found'),
      270020,
      'CF-ServiceBrokerRequestRejected',
      502,
      'The service broker rejected the request. Status Code: 404 Not Found. Please check that the URL points to a valid service broker.',
    ],
    [
      '270017, the async answer nobody asked for',
      new CfError('ServiceBrokerRespondedAsyncWhenNotAllowed'),
      270017,
      'CF-ServiceBrokerRespondedAsyncWhenNotAllowed',
      502,
      'The service broker responded asynchronously to a request, but the accepts_incomplete query parameter was false or not given.',
    ],
    [
      'the broker-layer MaintenanceInfoConflict (10001), beside v2.yml 390009',
      new CfError('ServiceBrokerMaintenanceInfoConflict', 'Service broker error: old'),
      10001,
      'CF-MaintenanceInfoConflict',
      422,
      'Service broker error: old',
    ],
    [
      'a broker-layer error',
      brokerAnswered,
      10001,
      'CF-ServiceBrokerBadResponse',
      502,
      'Service broker error: disk full',
    ],
  ])(
    '%s: code, error_code, status and description',
    (_name, err, code, errorCode, status, text) => {
      expect([err.code, err.errorCode, err.status, err.message]).toEqual([
        code,
        errorCode,
        status,
        text,
      ]);
    },
  );
});

describe('presentV2Error / presentV3Error', () => {
  it.each<[string, CfError, Record<string, unknown>, unknown]>([
    [
      'a plain error',
      new CfError('ServiceBrokerNotFound', 'b-1'),
      {
        description: 'The service broker was not found: b-1',
        error_code: 'CF-ServiceBrokerNotFound',
        code: 270004,
      },
      {
        errors: [
          {
            code: 270004,
            title: 'CF-ServiceBrokerNotFound',
            detail: 'The service broker was not found: b-1',
          },
        ],
      },
    ],
    [
      'an error with extra data (v2 only)',
      brokerAnswered,
      {
        description: 'Service broker error: disk full',
        error_code: 'CF-ServiceBrokerBadResponse',
        code: 10001,
        http: { method: 'PUT', status: 500 },
      },
      {
        errors: [
          {
            code: 10001,
            title: 'CF-ServiceBrokerBadResponse',
            detail: 'Service broker error: disk full',
          },
        ],
      },
    ],
  ])('%s', (_name, err, v2, v3) => {
    expect(presentV2Error(err)).toEqual(v2);
    expect(presentV3Error(err)).toEqual(v3);
  });
});

describe('stored errors (a job failure as typed JSON)', () => {
  it.each<[string, CfError]>([
    ['a plain error', new CfError('AsyncServiceInstanceOperationInProgress', 'db')],
    ['an error without arguments', new CfError('ServiceBrokerRespondedAsyncWhenNotAllowed')],
    ['a broker error with its http object', brokerAnswered],
    [
      'a broker error prefixed with its operation',
      (() => {
        const err = BrokerError.badResponse({
          method: 'DELETE',
          status: 500,
          reason: '',
          body: '',
        });
        err.prefixWith('Service instance db: ');
        return err;
      })(),
    ],
  ])('%s survives JSON and rebuilds the same v2 body', (_name, err) => {
    const json: unknown = JSON.parse(JSON.stringify(toStoredError(err)));
    const parsed = parseStoredError(json);
    expect(parsed).toBeDefined();
    if (parsed === undefined) return;
    expect(presentV2Error(fromStoredError(parsed))).toEqual(presentV2Error(err));
    expect(fromStoredError(parsed).status).toBe(err.status);
  });

  it.each<[string, unknown]>([
    ['not an object', 'CF-NotFound'],
    ['an unknown name', { name: 'NoSuchError', args: [] }],
    ['a name the table inherits from Object', { name: 'toString', args: [] }],
    ['arguments that are not strings', { name: 'NotFound', args: [1] }],
    ['extra that is not an object', { name: 'NotFound', args: [], extra: [1] }],
  ])('refuses %s', (_name, value) => {
    expect(parseStoredError(value)).toBeUndefined();
  });

  it('prefixes once, however often the error passes a prefixing layer', () => {
    const err = new CfError('ServiceBrokerRespondedAsyncWhenNotAllowed');
    err.prefixWith('Service instance db: ');
    err.prefixWith('Service instance db: ');
    expect(err.message).toBe(
      'Service instance db: The service broker responded asynchronously to a request, but the accepts_incomplete query parameter was false or not given.',
    );
    expect(toStoredError(err).prefix).toBe('Service instance db: ');
  });

  it('names only table entries', () => {
    const name: CfErrorName = 'NotFound';
    expect(toStoredError(new CfError(name))).toEqual({ name, args: [] });
  });
});
