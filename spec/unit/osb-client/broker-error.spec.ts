import { CfError } from '../../../src/http/cf-errors';
import { BrokerError } from '../../../src/osb-client/broker-error';
import type { BrokerResponseInfo } from '../../../src/osb-client/broker-error';

function res(status: number, body: string, reason = ''): BrokerResponseInfo {
  return { method: 'put', status, reason, body };
}

const TRUNCATION_NOTE =
  "...This message has been truncated due to size. To read the full message, check the broker's logs";

describe('BrokerError', () => {
  it.each<
    [string, BrokerError, { status: number; error_code: string; description: string; http: object }]
  >([
    [
      'a 5xx with a broker description',
      BrokerError.badResponse(res(500, '{"description":"disk full"}', 'Internal Server Error')),
      {
        status: 502,
        error_code: 'CF-ServiceBrokerBadResponse',
        description: 'Service broker error: disk full',
        http: { method: 'PUT', status: 500 },
      },
    ],
    [
      'a 5xx without one',
      BrokerError.badResponse(res(503, 'upstream down', 'Service Unavailable')),
      {
        status: 502,
        error_code: 'CF-ServiceBrokerBadResponse',
        description:
          'The service broker returned an invalid response. Status Code: 503 Service Unavailable, Body: upstream down',
        http: { method: 'PUT', status: 503 },
      },
    ],
    [
      'a description that is not a string (CC checks the key only)',
      BrokerError.badResponse(res(500, '{"description":{"a":1}}', 'Internal Server Error')),
      {
        status: 502,
        error_code: 'CF-ServiceBrokerBadResponse',
        description: 'Service broker error: {"a":1}',
        http: { method: 'PUT', status: 500 },
      },
    ],
    [
      'a malformed success body',
      BrokerError.responseMalformed(res(201, 'OK', 'Created')),
      {
        status: 502,
        error_code: 'CF-ServiceBrokerResponseMalformed',
        description:
          "The service broker returned an invalid response: expected valid JSON object in body, broker returned 'OK'",
        http: { method: 'PUT', status: 201 },
      },
    ],
    [
      'an oversized body',
      BrokerError.bodyTooLarge(res(200, ''), 1024),
      {
        status: 502,
        error_code: 'CF-ServiceBrokerResponseMalformed',
        description:
          'The service broker returned an invalid response: the response body is larger than the limit of 1024 bytes',
        http: { method: 'PUT', status: 200 },
      },
    ],
    [
      'a rejection with a description',
      BrokerError.requestRejected(
        res(400, '{"error":"BadRequest","description":"plan_id is unknown"}', 'Bad Request'),
      ),
      {
        status: 502,
        error_code: 'CF-ServiceBrokerRequestRejected',
        description: 'Service broker error: plan_id is unknown',
        http: { method: 'PUT', status: 400 },
      },
    ],
    [
      'a rejection without one',
      BrokerError.requestRejected(res(403, '', 'Forbidden')),
      {
        status: 502,
        error_code: 'CF-ServiceBrokerRequestRejected',
        description: 'The service broker rejected the request. Status Code: 403 Forbidden, Body: ',
        http: { method: 'PUT', status: 403 },
      },
    ],
    [
      'a 401',
      BrokerError.authenticationFailed(res(401, '{"description":"bad creds"}', 'Unauthorized')),
      {
        status: 502,
        error_code: 'CF-ServiceBrokerApiAuthenticationFailed',
        description:
          'Authentication with the service broker failed. Double-check that the username and password are correct.',
        http: { method: 'PUT', status: 401 },
      },
    ],
    [
      'an unreachable broker',
      BrokerError.unreachable({ method: 'get', uri: 'http://user:pw@broker.example/v2/catalog' }),
      {
        status: 502,
        error_code: 'CF-ServiceBrokerApiUnreachable',
        description: 'The service broker could not be reached',
        http: { uri: 'http://broker.example/v2/catalog', method: 'GET' },
      },
    ],
    [
      'our timeout',
      BrokerError.clientTimeout({
        method: 'put',
        uri: 'http://broker.example/v2/service_instances/i',
      }),
      {
        status: 504,
        error_code: 'CF-HttpClientTimeout',
        description: 'The request to the service broker timed out',
        http: { uri: 'http://broker.example/v2/service_instances/i', method: 'PUT' },
      },
    ],
    [
      "the broker's 408",
      BrokerError.apiTimeout(res(408, '', 'Request Timeout')),
      {
        status: 504,
        error_code: 'CF-ServiceBrokerApiTimeout',
        description: 'The request to the service broker timed out',
        http: { method: 'PUT', status: 408 },
      },
    ],
    [
      'a conflict with a description',
      BrokerError.conflict(res(409, '{"description":"exists with other plan"}', 'Conflict')),
      {
        status: 409,
        error_code: 'CF-ServiceBrokerConflict',
        description: 'Service broker error: exists with other plan',
        http: { method: 'PUT', status: 409 },
      },
    ],
    [
      'a conflict without one',
      BrokerError.conflict(res(409, '{}', 'Conflict')),
      {
        status: 409,
        error_code: 'CF-ServiceBrokerConflict',
        description: 'Resource conflict',
        http: { method: 'PUT', status: 409 },
      },
    ],
    [
      'AsyncRequired',
      BrokerError.asyncRequired(res(422, '{"error":"AsyncRequired"}')),
      {
        status: 400,
        error_code: 'CF-AsyncRequired',
        description:
          'This service plan requires client support for asynchronous service operations.',
        http: { method: 'PUT', status: 422 },
      },
    ],
    [
      'RequiresApp',
      BrokerError.appRequired(res(422, '{"error":"RequiresApp"}')),
      {
        status: 400,
        error_code: 'CF-AppRequired',
        description:
          'This service supports generation of credentials through binding an application only.',
        http: { method: 'PUT', status: 422 },
      },
    ],
    [
      'ConcurrencyError',
      BrokerError.concurrencyError(res(422, '{"error":"ConcurrencyError"}')),
      {
        status: 422,
        error_code: 'CF-ConcurrencyError',
        description:
          'The service broker could not perform this operation in parallel with other running operations',
        http: { method: 'PUT', status: 422 },
      },
    ],
    [
      'MaintenanceInfoConflict with a description',
      BrokerError.maintenanceInfoConflict(
        res(422, '{"error":"MaintenanceInfoConflict","description":"need 2.0.0"}'),
      ),
      {
        status: 422,
        error_code: 'CF-MaintenanceInfoConflict',
        description: 'Service broker error: need 2.0.0',
        http: { method: 'PUT', status: 422 },
      },
    ],
    [
      'MaintenanceInfoConflict with a blank description',
      BrokerError.maintenanceInfoConflict(
        res(422, '{"error":"MaintenanceInfoConflict","description":"  "}'),
      ),
      {
        status: 422,
        error_code: 'CF-MaintenanceInfoConflict',
        description:
          'The service broker did not provide a reason for this conflict, please ensure the catalog is up to date and you are providing a version supported by this service plan',
        http: { method: 'PUT', status: 422 },
      },
    ],
    [
      'a syslog drain for a non-logging service',
      BrokerError.invalidSyslogDrainUrl(res(201, '{}')),
      {
        status: 502,
        error_code: 'CF-ServiceBrokerInvalidSyslogDrainUrl',
        description:
          'The service is attempting to stream logs from your application, but is not registered as a logging service. Please contact the service provider.',
        http: { method: 'PUT', status: 201 },
      },
    ],
    [
      'invalid volume mounts',
      BrokerError.invalidVolumeMounts(res(201, '{}'), 'missing volume mount `driver`'),
      {
        status: 502,
        error_code: 'CF-ServiceBrokerInvalidVolumeMounts',
        description:
          'The service broker returned an invalid response: missing volume mount `driver`',
        http: { method: 'PUT', status: 201 },
      },
    ],
  ])(
    'for %s, renders code 10001 with the class status, CF- name and http object',
    (_name, err, expected) => {
      const { status, ...body } = expected;
      expect(err.status).toBe(status);
      expect(err.toBody()).toEqual({ code: 10001, ...body });
      expect(err.message).toBe(expected.description);
    },
  );

  it('when the message passes 16 KiB, keeps the first 8 KiB and says it was truncated', () => {
    const body = 'é'.repeat(10_000);
    const description = BrokerError.badResponse(res(500, body, 'Internal Server Error')).toBody()
      .description;
    expect(description.endsWith(TRUNCATION_NOTE)).toBe(true);
    const kept = description.slice(0, -TRUNCATION_NOTE.length);
    expect(Buffer.byteLength(kept)).toBeLessThanOrEqual(8192);
    expect(Buffer.byteLength(kept)).toBeGreaterThan(8190);
    expect(kept).not.toContain('\uFFFD');
  });

  it('when the message is under 16 KiB, keeps it whole', () => {
    const body = 'x'.repeat(16_000);
    expect(BrokerError.badResponse(res(500, body)).toBody().description).toContain(body);
  });

  it('when the broker echoes credentials, redacts them before truncating', () => {
    const password = 's3cr3t-pa$$';
    const token = Buffer.from(`admin:${password}`).toString('base64');
    const echoed = JSON.stringify({ headers: { authorization: `Basic ${token}` }, password });
    const err = BrokerError.badResponse({
      ...res(500, echoed, 'Internal Server Error'),
      secrets: [password, token],
    });
    expect(err.message).not.toContain(password);
    expect(err.message).not.toContain(token);
    expect(err.message).toContain('[REDACTED]');
    expect(JSON.stringify(err.toBody())).not.toContain(password);
  });

  it('is a CfError of the one table, so the error middleware renders it like any other', () => {
    const err = BrokerError.unreachable({ method: 'GET', uri: 'http://b' });
    expect(err).toBeInstanceOf(CfError);
    expect(err.errorName).toBe('ServiceBrokerApiUnreachable');
    expect(err.name).toBe('BrokerError');
  });
});

describe('registration-time catalog errors of the table (cf-v2-api.md §4.2)', () => {
  it.each<[string, CfError, { code: number; error_code: string; description: string }]>([
    [
      'a rejected catalog request',
      new CfError('ServiceBrokerCatalogRequestRejected', '403 Forbidden'),
      {
        code: 270020,
        error_code: 'CF-ServiceBrokerRequestRejected',
        description:
          'The service broker rejected the request. Status Code: 403 Forbidden. Please check that the URL points to a valid service broker.',
      },
    ],
    [
      'a catalog that is not JSON',
      new CfError('ServiceBrokerRequestMalformed'),
      {
        code: 270021,
        error_code: 'CF-ServiceBrokerRequestMalformed',
        description:
          'The service broker returned an invalid response: expected valid JSON object in body. Please check that the URL points to a valid service broker.',
      },
    ],
  ])('for %s, answers 502 with its v2.yml code', (_name, err, body) => {
    expect(err.status).toBe(502);
    expect(err.toBody()).toEqual(body);
  });
});
