import { osbHeaders, osbUri } from '../../../src/osb-client/exchange';
import type { OsbRequest } from '../../../src/osb-client/exchange';
import {
  bindRequest,
  bindingLastOperationRequest,
  deprovisionRequest,
  fetchBindingRequest,
  fetchInstanceRequest,
  lastOperationRequest,
  provisionRequest,
  unbindRequest,
  updateRequest,
} from '../../../src/osb-client/requests';
import { redactSecrets, secretFormsOf } from '../../../src/osb-client/redaction';

describe('osbUri', () => {
  it.each<[string, string, Record<string, string | boolean | undefined> | undefined, string]>([
    ['http://b', '/v2/catalog', undefined, 'http://b/v2/catalog'],
    ['http://b/', '/v2/catalog', undefined, 'http://b/v2/catalog'],
    ['http://b/prefix//', '/v2/catalog', undefined, 'http://b/prefix/v2/catalog'],
    ['http://b', '/v2/x', { a: 'b c', d: undefined, e: true }, 'http://b/v2/x?a=b+c&e=true'],
  ])('joins %s and %s', (base, path, query, expected) => {
    expect(osbUri(base, path, query)).toBe(expected);
  });
});

describe('osbHeaders', () => {
  const conn = { url: 'http://b', username: 'admin', password: 'p:w' };
  const extra = { requestIdentity: 'rid', vcapRequestId: 'vid', hasBody: false };

  it('sends Basic auth, the API version, both ids and Accept; nothing user-related for internal calls', () => {
    expect(osbHeaders(conn, {}, extra)).toEqual({
      Authorization: `Basic ${Buffer.from('admin:p:w').toString('base64')}`,
      'X-Broker-API-Version': '2.17',
      'X-Broker-API-Request-Identity': 'rid',
      'X-VCAP-Request-ID': 'vid',
      Accept: 'application/json',
    });
  });

  it('adds the originating identity when a user is known, the info location when configured, the content type with a body', () => {
    const headers = osbHeaders(
      conn,
      { userGuid: 'user-1' },
      { ...extra, apiInfoLocation: 'wharf.example/v2/info', hasBody: true },
    );
    expect(headers['X-Broker-API-Originating-Identity']).toBe(
      `cloudfoundry ${Buffer.from('{"user_id":"user-1"}').toString('base64')}`,
    );
    expect(headers['X-Api-Info-Location']).toBe('wharf.example/v2/info');
    expect(headers['Content-Type']).toBe('application/json');
  });
});

describe('OSB request builders', () => {
  const offering = { serviceId: 's 1', planId: 'p/1' };
  it.each<[string, OsbRequest, OsbRequest]>([
    [
      'provision',
      provisionRequest({
        instanceId: 'i/1',
        acceptsIncomplete: true,
        body: { service_id: 's', plan_id: 'p', organization_guid: 'o', space_guid: 'sp' },
      }),
      {
        method: 'PUT',
        path: '/v2/service_instances/i%2F1',
        query: { accepts_incomplete: true },
        body: { service_id: 's', plan_id: 'p', organization_guid: 'o', space_guid: 'sp' },
      },
    ],
    [
      'update without accepts_incomplete',
      updateRequest({ instanceId: 'i', body: { service_id: 's', plan_id: 'p2' } }),
      {
        method: 'PATCH',
        path: '/v2/service_instances/i',
        query: { accepts_incomplete: undefined },
        body: { service_id: 's', plan_id: 'p2' },
      },
    ],
    [
      'deprovision',
      deprovisionRequest({ instanceId: 'i', ...offering, acceptsIncomplete: true }),
      {
        method: 'DELETE',
        path: '/v2/service_instances/i',
        query: { service_id: 's 1', plan_id: 'p/1', accepts_incomplete: true },
      },
    ],
    [
      'fetch instance',
      fetchInstanceRequest({ instanceId: 'i' }),
      {
        method: 'GET',
        path: '/v2/service_instances/i',
        query: { service_id: undefined, plan_id: undefined },
      },
    ],
    [
      'last operation',
      lastOperationRequest({ instanceId: 'i', ...offering, operation: 'op 1' }),
      {
        method: 'GET',
        path: '/v2/service_instances/i/last_operation',
        query: { service_id: 's 1', plan_id: 'p/1', operation: 'op 1' },
      },
    ],
    [
      'bind',
      bindRequest({
        instanceId: 'i',
        bindingId: 'b',
        body: { service_id: 's', plan_id: 'p', app_guid: 'a' },
      }),
      {
        method: 'PUT',
        path: '/v2/service_instances/i/service_bindings/b',
        query: { accepts_incomplete: undefined },
        body: { service_id: 's', plan_id: 'p', app_guid: 'a' },
      },
    ],
    [
      'unbind',
      unbindRequest({ instanceId: 'i', bindingId: 'b', ...offering }),
      {
        method: 'DELETE',
        path: '/v2/service_instances/i/service_bindings/b',
        query: { service_id: 's 1', plan_id: 'p/1', accepts_incomplete: undefined },
      },
    ],
    [
      'fetch binding',
      fetchBindingRequest({ instanceId: 'i', bindingId: 'b' }),
      {
        method: 'GET',
        path: '/v2/service_instances/i/service_bindings/b',
        query: { service_id: undefined, plan_id: undefined },
      },
    ],
    [
      'binding last operation',
      bindingLastOperationRequest({ instanceId: 'i', bindingId: 'b', operation: 'x' }),
      {
        method: 'GET',
        path: '/v2/service_instances/i/service_bindings/b/last_operation',
        query: { service_id: undefined, plan_id: undefined, operation: 'x' },
      },
    ],
  ])('builds %s', (_name, actual, expected) => {
    expect(actual).toEqual(expected);
  });
});

describe('redactSecrets', () => {
  it.each<[string, string, string[], string]>([
    ['a plain occurrence', 'pw is hunter2', ['hunter2'], 'pw is [REDACTED]'],
    ['the longer secret first', 'ab abc', ['ab', 'abc'], '[REDACTED] [REDACTED]'],
    ['empty secrets are ignored', 'text', [''], 'text'],
  ])('replaces %s', (_name, text, secrets, expected) => {
    expect(redactSecrets(text, secrets)).toBe(expected);
  });

  it('covers the raw, JSON-escaped and URL-encoded password and the Basic token', () => {
    const forms = secretFormsOf('u', 'a"b c');
    expect(forms).toEqual([
      'a"b c',
      'a\\"b c',
      'a%22b%20c',
      Buffer.from('u:a"b c').toString('base64'),
    ]);
  });
});
