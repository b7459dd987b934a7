import { BrokerError } from '../../../src/osb-client/broker-error';
import type { BrokerResponseInfo } from '../../../src/osb-client/broker-error';
import { CfError } from '../../../src/http/cf-errors';
import { needsOrphanMitigation } from '../../../src/instances/operation-jobs';

function res(status: number, body = '{}'): BrokerResponseInfo {
  return { method: 'PUT', status, reason: '', body };
}
const request = { method: 'PUT', uri: 'http://127.0.0.1:1/v2/service_instances/x' };

/** The provision rows of osb-api.md §9's table, as the errors a failed provision surfaces as. */
describe('needsOrphanMitigation', () => {
  it.each<[string, unknown, boolean]>([
    ['5xx', BrokerError.badResponse(res(500)), true],
    ['an unexpected 2xx (204)', BrokerError.badResponse(res(204, '')), true],
    ['our own timeout', BrokerError.clientTimeout(request), true],
    ['201 with a malformed body', BrokerError.responseMalformed(res(201, 'x')), true],
    ['202 with a malformed body', BrokerError.responseMalformed(res(202, 'x')), true],
    [
      '202 although accepts_incomplete was not given',
      new CfError('ServiceBrokerRespondedAsyncWhenNotAllowed'),
      true,
    ],
    ['200 with a malformed body', BrokerError.responseMalformed(res(200, 'x')), false],
    ['408 from the broker (never received)', BrokerError.apiTimeout(res(408)), false],
    ['another 4xx', BrokerError.requestRejected(res(400)), false],
    ['401', BrokerError.authenticationFailed(res(401)), false],
    ['409', BrokerError.conflict(res(409)), false],
    ['422 ConcurrencyError', BrokerError.concurrencyError(res(422)), false],
    ['422 AsyncRequired', BrokerError.asyncRequired(res(422)), false],
    ['422 MaintenanceInfoConflict', BrokerError.maintenanceInfoConflict(res(422)), false],
    ['an unreachable broker', BrokerError.unreachable(request), false],
    ["one of Wharf's own CF errors", new CfError('ServiceInstanceInvalid', 'x'), false],
    ['any other exception', new Error('bug'), false],
    ['a thrown non-error', 'oops', false],
  ])('after %s: %s', (_label, err, expected) => {
    expect(needsOrphanMitigation(err)).toBe(expected);
  });
});
