import { BrokerError } from '../../../src/osb-client/broker-error';
import { HttpOsbClient } from '../../../src/osb-client';
import { CfError } from '../../../src/http/cf-errors';
import { BrokerProvisioner } from '../../../src/instances/broker-provisioner';
import type { InstanceTarget } from '../../../src/instances/provisioner';
import { FakeBroker, reply } from '../../support/fake-broker';
import type { FakeReply } from '../../support/fake-broker';

const INSTANCE = '/v2/service_instances/:instance_id';
const BINDING = `${INSTANCE}/service_bindings/:binding_id`;

const target: InstanceTarget = {
  instanceGuid: 'inst-1',
  instanceName: 'orders-db',
  serviceGuid: 'svc-guid',
  serviceUniqueId: 'svc-id',
  planGuid: 'plan-guid',
  planUniqueId: 'plan-id',
  organizationGuid: 'org-guid',
  organizationName: 'org',
  spaceGuid: 'space-guid',
  spaceName: 'space',
  userGuid: 'user-guid',
  requestId: 'req-1',
};

let broker: FakeBroker;
let provisioner: BrokerProvisioner;

beforeAll(async () => {
  broker = await FakeBroker.start();
  provisioner = new BrokerProvisioner(new HttpOsbClient({ timeoutMs: 2000 }), broker.connection());
});
afterAll(async () => {
  await broker.close();
});
beforeEach(() => {
  broker.reset();
});

/** What a call ended with: its value, or the error's class, wire code and status. */
async function outcome(call: () => Promise<unknown>): Promise<unknown> {
  try {
    return { value: await call() };
  } catch (err) {
    if (err instanceof BrokerError)
      return { error: err.errorCode, status: err.status, message: err.message };
    if (err instanceof CfError && err.errorName === 'ServiceBrokerRespondedAsyncWhenNotAllowed')
      return { error: err.errorCode, status: err.status };
    if (err instanceof CfError)
      return { error: err.errorCode, status: err.status, message: err.message };
    throw err;
  }
}

describe('BrokerProvisioner.provision', () => {
  it.each<[string, FakeReply, boolean, unknown]>([
    [
      '201',
      reply.json(201, { dashboard_url: 'https://d' }),
      false,
      { value: { kind: 'done', dashboardUrl: 'https://d' } },
    ],
    [
      '200 (identical instance)',
      reply.json(200, {}),
      false,
      { value: { kind: 'done', dashboardUrl: null } },
    ],
    [
      '202 when accepted',
      reply.json(202, { operation: 'op', dashboard_url: 'https://d' }),
      true,
      { value: { kind: 'in progress', operation: 'op', dashboardUrl: 'https://d' } },
    ],
    ['202 without an operation', reply.json(202, {}), true, { value: { kind: 'in progress' } }],
    [
      '202 when not accepted',
      reply.json(202, {}),
      false,
      { error: 'CF-ServiceBrokerRespondedAsyncWhenNotAllowed', status: 502 },
    ],
    [
      '409',
      reply.status(409, {}),
      false,
      { error: 'CF-ServiceBrokerConflict', status: 409, message: 'Resource conflict' },
    ],
    [
      '422 AsyncRequired',
      reply.status(422, { error: 'AsyncRequired' }),
      false,
      expect.objectContaining({ error: 'CF-AsyncRequired', status: 400 }),
    ],
    [
      '422 ConcurrencyError',
      reply.status(422, { error: 'ConcurrencyError' }),
      false,
      expect.objectContaining({ error: 'CF-ConcurrencyError', status: 422 }),
    ],
    [
      '422 MaintenanceInfoConflict',
      reply.status(422, { error: 'MaintenanceInfoConflict', description: 'old' }),
      false,
      { error: 'CF-MaintenanceInfoConflict', status: 422, message: 'Service broker error: old' },
    ],
    [
      '422 unnamed',
      reply.status(422, { description: 'no' }),
      false,
      {
        error: 'CF-ServiceBrokerRequestRejected',
        status: 502,
        message: 'Service broker error: no',
      },
    ],
    [
      '204',
      reply.json(204, {}),
      false,
      {
        error: 'CF-ServiceBrokerBadResponse',
        status: 502,
        message:
          'The service broker returned an invalid response. Status Code: 204 No Content, Body: ',
      },
    ],
    [
      '500',
      reply.status(500, { description: 'boom' }),
      false,
      { error: 'CF-ServiceBrokerBadResponse', status: 502, message: 'Service broker error: boom' },
    ],
  ])('answered %s', async (_label, answer, acceptsIncomplete, expected) => {
    broker.on('PUT', INSTANCE, answer);
    expect(await outcome(() => provisioner.provision(target, { a: 1 }, acceptsIncomplete))).toEqual(
      expected,
    );
  });

  it('sends the OSB body with the CF context and the caller as originating identity', async () => {
    await provisioner.provision(target, { a: 1 }, true);
    const put = broker.requestsTo('PUT', INSTANCE)[0]!;
    expect(put.path).toBe('/v2/service_instances/inst-1');
    expect(put.query).toEqual({ accepts_incomplete: 'true' });
    expect(put.json).toEqual({
      service_id: 'svc-id',
      plan_id: 'plan-id',
      organization_guid: 'org-guid',
      space_guid: 'space-guid',
      context: {
        platform: 'cloudfoundry',
        organization_guid: 'org-guid',
        space_guid: 'space-guid',
        organization_name: 'org',
        space_name: 'space',
        instance_name: 'orders-db',
      },
      parameters: { a: 1 },
    });
    expect(put.headers['x-vcap-request-id']).toBe('req-1');
    expect(put.headers['x-broker-api-originating-identity']).toBe(
      `cloudfoundry ${Buffer.from('{"user_id":"user-guid"}').toString('base64')}`,
    );
  });

  it("never puts the broker's password into an error", async () => {
    const { password } = broker.connection();
    broker.on('PUT', INSTANCE, reply.status(409, { description: `taken by ${password}` }));
    expect(await outcome(() => provisioner.provision(target, undefined, false))).toEqual({
      error: 'CF-ServiceBrokerConflict',
      status: 409,
      message: 'Service broker error: taken by [REDACTED]',
    });
  });
});

describe('BrokerProvisioner.update', () => {
  it.each<[string, FakeReply, boolean, unknown]>([
    ['200', reply.json(200, {}), false, { value: { kind: 'done', dashboardUrl: null } }],
    [
      '202 when accepted',
      reply.json(202, { operation: 'u' }),
      true,
      { value: { kind: 'in progress', operation: 'u' } },
    ],
    [
      '202 when not accepted',
      reply.json(202, {}),
      false,
      { error: 'CF-ServiceBrokerRespondedAsyncWhenNotAllowed', status: 502 },
    ],
    [
      '201',
      reply.json(201, {}),
      false,
      {
        error: 'CF-ServiceBrokerBadResponse',
        status: 502,
        message:
          'The service broker returned an invalid response. Status Code: 201 Created, Body: {}',
      },
    ],
    [
      '422 AsyncRequired',
      reply.status(422, { error: 'AsyncRequired' }),
      false,
      expect.objectContaining({ error: 'CF-AsyncRequired', status: 400 }),
    ],
    [
      '422 MaintenanceInfoConflict',
      reply.status(422, { error: 'MaintenanceInfoConflict' }),
      false,
      expect.objectContaining({ error: 'CF-MaintenanceInfoConflict', status: 422 }),
    ],
    [
      '422 ConcurrencyError (a rejection for an update)',
      reply.status(422, { error: 'ConcurrencyError', description: 'busy' }),
      false,
      {
        error: 'CF-ServiceBrokerRequestRejected',
        status: 502,
        message: 'Service broker error: busy',
      },
    ],
    [
      '500',
      reply.status(500, {}),
      false,
      expect.objectContaining({ error: 'CF-ServiceBrokerBadResponse', status: 502 }),
    ],
  ])('answered %s', async (_label, answer, acceptsIncomplete, expected) => {
    broker.on('PATCH', INSTANCE, answer);
    expect(
      await outcome(() =>
        provisioner.update(target, { newPlanUniqueId: 'plan-2' }, acceptsIncomplete),
      ),
    ).toEqual(expected);
  });

  it('sends the new plan and the previous values', async () => {
    await provisioner.update(target, { newPlanUniqueId: 'plan-2', parameters: { b: 2 } }, false);
    expect(broker.requestsTo('PATCH', INSTANCE)[0]?.json).toEqual({
      service_id: 'svc-id',
      plan_id: 'plan-2',
      parameters: { b: 2 },
      context: expect.objectContaining({ instance_name: 'orders-db' }),
      previous_values: {
        plan_id: 'plan-id',
        service_id: 'svc-id',
        organization_id: 'org-guid',
        space_id: 'space-guid',
      },
    });
  });
});

describe('BrokerProvisioner.deprovision', () => {
  it.each<[string, FakeReply, boolean, unknown]>([
    ['200', reply.json(200, {}), false, { value: { kind: 'done' } }],
    ['410', reply.status(410, {}), false, { value: { kind: 'done' } }],
    [
      '202 when accepted',
      reply.json(202, { operation: 'd' }),
      true,
      { value: { kind: 'in progress', operation: 'd' } },
    ],
    [
      '202 when not accepted',
      reply.json(202, {}),
      false,
      { error: 'CF-ServiceBrokerRespondedAsyncWhenNotAllowed', status: 502 },
    ],
    [
      '201',
      reply.json(201, {}),
      false,
      expect.objectContaining({ error: 'CF-ServiceBrokerBadResponse', status: 502 }),
    ],
    [
      '409',
      reply.status(409, {}),
      false,
      expect.objectContaining({ error: 'CF-ServiceBrokerBadResponse', status: 502 }),
    ],
    [
      '422 ConcurrencyError',
      reply.status(422, { error: 'ConcurrencyError' }),
      false,
      {
        error: 'CF-AsyncServiceInstanceOperationInProgress',
        status: 409,
        message: 'An operation for service instance orders-db is in progress.',
      },
    ],
    [
      '422 AsyncRequired',
      reply.status(422, { error: 'AsyncRequired' }),
      false,
      expect.objectContaining({ error: 'CF-AsyncRequired', status: 400 }),
    ],
  ])('answered %s', async (_label, answer, acceptsIncomplete, expected) => {
    broker.on('DELETE', INSTANCE, answer);
    expect(await outcome(() => provisioner.deprovision(target, acceptsIncomplete))).toEqual(
      expected,
    );
    expect(broker.requestsTo('DELETE', INSTANCE)[0]?.query).toEqual({
      service_id: 'svc-id',
      plan_id: 'plan-id',
      ...(acceptsIncomplete ? { accepts_incomplete: 'true' } : {}),
    });
  });
});

describe('BrokerProvisioner.lastOperation', () => {
  it.each<[string, FakeReply, 'create' | 'update' | 'delete', unknown]>([
    [
      'succeeded',
      reply.json(200, { state: 'succeeded', description: 'ok' }),
      'create',
      { value: { state: 'succeeded', description: 'ok' } },
    ],
    [
      'failed',
      reply.json(200, { state: 'failed', description: 'bad' }),
      'update',
      { value: { state: 'failed', description: 'bad' } },
    ],
    [
      'in progress without Retry-After',
      reply.json(200, { state: 'in progress' }),
      'create',
      { value: { state: 'in progress', description: '' } },
    ],
    [
      'in progress with Retry-After: 7',
      reply.json(200, { state: 'in progress' }, { 'Retry-After': '7' }),
      'create',
      { value: { state: 'in progress', description: '', retryAfterSeconds: 7 } },
    ],
    [
      'in progress with a Retry-After date (ignored)',
      reply.json(200, { state: 'in progress' }, { 'Retry-After': 'Wed, 21 Oct 2015 07:28:00 GMT' }),
      'create',
      { value: { state: 'in progress', description: '' } },
    ],
    [
      '410 while deleting',
      reply.status(410, {}),
      'delete',
      { value: { state: 'gone', description: '' } },
    ],
    [
      '410 while creating (keep polling)',
      reply.status(410, {}),
      'create',
      { value: { state: 'in progress', description: '' } },
    ],
    [
      '400 (the operation failed, cf-v2-api.md §4.3)',
      reply.status(400, { description: 'unknown operation' }),
      'create',
      { value: { state: 'failed', description: 'unknown operation' } },
    ],
    [
      '400 without a description',
      reply.status(400, {}),
      'update',
      { value: { state: 'failed', description: '' } },
    ],
    [
      'an unknown state',
      reply.json(200, { state: 'pending' }),
      'create',
      expect.objectContaining({ error: 'CF-ServiceBrokerResponseMalformed', status: 502 }),
    ],
    [
      '500',
      reply.status(500, {}),
      'create',
      expect.objectContaining({ error: 'CF-ServiceBrokerBadResponse' }),
    ],
  ])('answered %s', async (_label, answer, type, expected) => {
    broker.on('GET', `${INSTANCE}/last_operation`, answer);
    expect(await outcome(() => provisioner.lastOperation(target, 'op 1/2', type))).toEqual(
      expected,
    );
    expect(broker.requestsTo('GET', `${INSTANCE}/last_operation`)[0]?.query).toEqual({
      service_id: 'svc-id',
      plan_id: 'plan-id',
      operation: 'op 1/2',
    });
  });
});

describe('BrokerProvisioner.fetchParameters', () => {
  it.each<[string, FakeReply, unknown]>([
    ['parameters', reply.json(200, { parameters: { a: 1 } }), { value: { a: 1 } }],
    ['no parameters', reply.json(200, {}), { value: {} }],
    [
      'parameters that are not an object',
      reply.json(200, { parameters: [1] }),
      expect.objectContaining({ error: 'CF-ServiceBrokerResponseMalformed' }),
    ],
    [
      '404',
      reply.status(404, {}),
      expect.objectContaining({ error: 'CF-ServiceBrokerRequestRejected' }),
    ],
    [
      '422',
      reply.status(422, { error: 'ConcurrencyError' }),
      expect.objectContaining({ error: 'CF-ServiceBrokerBadResponse' }),
    ],
  ])('answered %s', async (_label, answer, expected) => {
    broker.on('GET', INSTANCE, answer);
    expect(await outcome(() => provisioner.fetchParameters(target))).toEqual(expected);
  });
});

describe('BrokerProvisioner.bind and unbind', () => {
  it.each<[string, FakeReply, unknown]>([
    ['201 with credentials', reply.json(201, { credentials: { u: 'x' } }), { value: { u: 'x' } }],
    ['200 without credentials', reply.json(200, {}), { value: {} }],
    [
      'credentials as a string',
      reply.json(201, { credentials: 'x' }),
      expect.objectContaining({ error: 'CF-ServiceBrokerResponseMalformed' }),
    ],
    [
      '202',
      reply.json(202, {}),
      { error: 'CF-ServiceBrokerRespondedAsyncWhenNotAllowed', status: 502 },
    ],
    [
      '409',
      reply.status(409, {}),
      expect.objectContaining({ error: 'CF-ServiceBrokerConflict', status: 409 }),
    ],
    [
      '422 RequiresApp',
      reply.status(422, { error: 'RequiresApp' }),
      expect.objectContaining({ error: 'CF-AppRequired', status: 400 }),
    ],
  ])('bind answered %s', async (_label, answer, expected) => {
    broker.on('PUT', BINDING, answer);
    expect(await outcome(() => provisioner.bind(target, 'key-1', undefined))).toEqual(expected);
  });

  it.each<[string, FakeReply, unknown]>([
    ['200', reply.json(200, {}), { value: undefined }],
    ['410', reply.status(410, {}), { value: undefined }],
    ['201', reply.json(201, {}), expect.objectContaining({ error: 'CF-ServiceBrokerBadResponse' })],
    [
      '500',
      reply.status(500, {}),
      expect.objectContaining({ error: 'CF-ServiceBrokerBadResponse' }),
    ],
  ])('unbind answered %s', async (_label, answer, expected) => {
    broker.on('DELETE', BINDING, answer);
    expect(await outcome(() => provisioner.unbind(target, 'key-1'))).toEqual(expected);
    expect(broker.requestsTo('DELETE', BINDING)[0]?.query).toEqual({
      service_id: 'svc-id',
      plan_id: 'plan-id',
    });
  });
});
