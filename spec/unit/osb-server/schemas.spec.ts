import type { OsbFailure, Result } from '../../../src/osb-server/failures';
import {
  toBindDetails,
  toDeprovisionDetails,
  toLastOperationDetails,
  toProvisionDetails,
  toUnbindDetails,
  toUpdateDetails,
} from '../../../src/osb-server/schemas';

function failureOf<T>(result: Result<T>): OsbFailure | undefined {
  return result.ok ? undefined : result.failure;
}

const PROVISION = { service_id: 's', plan_id: 'p', organization_guid: 'o', space_guid: 'sp' };

describe('toProvisionDetails', () => {
  it('when every field is given, maps it (unknown fields ignored, §1)', () => {
    const result = toProvisionDetails(
      'i-1',
      {
        ...PROVISION,
        context: { platform: 'cloudfoundry' },
        parameters: { Replicas: 2 },
        maintenance_info: { version: '1.0.0' },
        x_extra: true,
      },
      { accepts_incomplete: 'true' },
    );
    expect(result).toEqual({
      ok: true,
      value: {
        instanceId: 'i-1',
        serviceId: 's',
        planId: 'p',
        organizationGuid: 'o',
        spaceGuid: 'sp',
        context: { platform: 'cloudfoundry' },
        parameters: { Replicas: 2 },
        maintenanceInfoVersion: '1.0.0',
        acceptsIncomplete: true,
      },
    });
  });

  it.each([
    [
      'no body at all',
      undefined,
      'service_id is required; plan_id is required; organization_guid is required; space_guid is required',
    ],
    ['a JSON array', [], 'The request body must be a JSON object.'],
    ['a missing service_id', { ...PROVISION, service_id: undefined }, 'service_id is required'],
    ['an empty plan_id', { ...PROVISION, plan_id: '' }, 'plan_id must not be empty'],
    ['a numeric space_guid', { ...PROVISION, space_guid: 7 }, 'space_guid must be a string'],
    [
      'parameters that are not an object',
      { ...PROVISION, parameters: [1] },
      'parameters must be an object',
    ],
    [
      'maintenance_info without version',
      { ...PROVISION, maintenance_info: {} },
      'maintenance_info.version is required',
    ],
  ])('when the body has %s, fails 400 naming it', (_name, body, description) => {
    expect(failureOf(toProvisionDetails('i', body, {}))).toEqual({
      kind: 'bad request',
      description,
    });
  });

  it('when the instance id is longer than the broker stores, fails 400', () => {
    expect(failureOf(toProvisionDetails('i'.repeat(1025), PROVISION, {}))).toEqual({
      kind: 'bad request',
      description: 'instance_id must be at most 1024 characters',
    });
    expect(toProvisionDetails('i'.repeat(1024), PROVISION, {}).ok).toBe(true);
  });

  it.each([
    ['absent', {}, false],
    ['true', { accepts_incomplete: 'true' }, true],
    ['false', { accepts_incomplete: 'false' }, false],
    ['anything else', { accepts_incomplete: 'yes' }, false],
  ])('accepts_incomplete %s → %s', (_name, query, expected) => {
    const result = toProvisionDetails('i', PROVISION, query);
    expect(result.ok && result.value.acceptsIncomplete).toBe(expected);
  });
});

describe('toUpdateDetails', () => {
  it.each([
    [
      'only service_id: plan and parameters stay',
      { service_id: 's' },
      { planId: undefined, parameters: undefined },
    ],
    [
      'a null plan_id counts as absent',
      { service_id: 's', plan_id: null },
      { planId: undefined, parameters: undefined },
    ],
    [
      'a plan change with parameters',
      { service_id: 's', plan_id: 'p2', parameters: { Replicas: 3 } },
      { planId: 'p2', parameters: { Replicas: 3 } },
    ],
  ])('%s', (_name, body, expected) => {
    const result = toUpdateDetails('i', body, {});
    expect(result.ok ? result.value : result.failure).toMatchObject(expected);
  });

  it('when service_id is missing, fails 400', () => {
    expect(failureOf(toUpdateDetails('i', { plan_id: 'p' }, {}))).toEqual({
      kind: 'bad request',
      description: 'service_id is required',
    });
  });
});

describe('toDeprovisionDetails / toUnbindDetails (service_id and plan_id required, §7.4, §8.4)', () => {
  it.each([
    ['both missing', {}, 'service_id is required; plan_id is required'],
    ['service_id missing', { plan_id: 'p' }, 'service_id is required'],
    ['plan_id missing', { service_id: 's' }, 'plan_id is required'],
    ['plan_id empty', { service_id: 's', plan_id: '' }, 'plan_id is required'],
    [
      'service_id given twice',
      { service_id: ['a', 'b'], plan_id: 'p' },
      'service_id must be given once, as a string',
    ],
  ])('%s → 400', (_name, query, description) => {
    expect(failureOf(toDeprovisionDetails('i', query))).toEqual({
      kind: 'bad request',
      description,
    });
    expect(failureOf(toUnbindDetails('i', 'b', query))).toEqual({
      kind: 'bad request',
      description,
    });
  });

  it('when both are given, maps them', () => {
    expect(
      toDeprovisionDetails('i', { service_id: 's', plan_id: 'p', accepts_incomplete: 'true' }),
    ).toEqual({
      ok: true,
      value: { instanceId: 'i', serviceId: 's', planId: 'p', acceptsIncomplete: true },
    });
  });
});

describe('toLastOperationDetails', () => {
  it.each([
    ['no operation', {}, undefined],
    ['a returned token', { operation: 'abc' }, 'abc'],
    ['a literal the Go checker sends', { operation: 'provision' }, 'provision'],
  ])('%s', (_name, query, operation) => {
    expect(toLastOperationDetails('i', undefined, query)).toEqual({
      ok: true,
      value: { instanceId: 'i', bindingId: undefined, operation },
    });
  });
});

describe('toBindDetails', () => {
  const BIND = { service_id: 's', plan_id: 'p' };

  it.each([
    ['app_guid at the top', { ...BIND, app_guid: 'a-1' }, 'a-1'],
    ['app_guid only in bind_resource', { ...BIND, bind_resource: { app_guid: 'a-2' } }, 'a-2'],
    [
      'no app (a service key)',
      { ...BIND, bind_resource: { credential_client_id: 'c' } },
      undefined,
    ],
  ])('reads %s', (_name, body, appGuid) => {
    const result = toBindDetails('i', 'b', body, {});
    expect(result.ok && result.value.appGuid).toBe(appGuid);
  });

  it.each([
    ['plan_id missing', { service_id: 's' }, 'plan_id is required'],
    [
      'bind_resource not an object',
      { ...BIND, bind_resource: 'x' },
      'bind_resource must be an object',
    ],
    [
      'a binding id too long to store',
      { ...BIND, long: true },
      'binding_id must be at most 1024 characters',
    ],
    [
      'a rotation (no plan is binding_rotatable)',
      { ...BIND, predecessor_binding_id: 'old' },
      'predecessor_binding_id: binding rotation is not supported by this broker',
    ],
  ])('when %s, fails 400', (_name, body, description) => {
    const bindingId = 'long' in body ? 'b'.repeat(1025) : 'b';
    expect(failureOf(toBindDetails('i', bindingId, body, {}))).toEqual({
      kind: 'bad request',
      description,
    });
  });
});
