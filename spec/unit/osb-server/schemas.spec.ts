import type { OsbFailure, Result } from '../../../src/osb-server/failures';
import {
  toBindDetails,
  toDeprovisionDetails,
  toLastOperationDetails,
  toProvisionDetails,
  toUnbindDetails,
  toUpdateDetails,
} from '../../../src/osb-server/schemas';
import {
  BIND_FIELDS_SINCE,
  PROVISION_FIELDS_SINCE,
  withoutNewerFields,
} from '../../../src/osb-server/request-fields';
import type { ApiVersion } from '../../../src/osb-server/api-version';

const V17: ApiVersion = { major: 2, minor: 17 };
const at = (minor: number): ApiVersion => ({ major: 2, minor });

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
      V17,
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
    expect(failureOf(toProvisionDetails('i', body, {}, V17))).toEqual({
      kind: 'bad request',
      description,
    });
  });

  it('when the instance id is longer than the broker stores, fails 400', () => {
    expect(failureOf(toProvisionDetails('i'.repeat(1025), PROVISION, {}, V17))).toEqual({
      kind: 'bad request',
      description: 'instance_id must be at most 1024 characters',
    });
    expect(toProvisionDetails('i'.repeat(1024), PROVISION, {}, V17).ok).toBe(true);
  });

  it.each([
    ['absent', {}, false],
    ['true', { accepts_incomplete: 'true' }, true],
    ['false', { accepts_incomplete: 'false' }, false],
    ['anything else', { accepts_incomplete: 'yes' }, false],
  ])('accepts_incomplete %s → %s', (_name, query, expected) => {
    const result = toProvisionDetails('i', PROVISION, query, V17);
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
    const result = toUpdateDetails('i', body, {}, V17);
    expect(result.ok ? result.value : result.failure).toMatchObject(expected);
  });

  it('when service_id is missing, fails 400', () => {
    expect(failureOf(toUpdateDetails('i', { plan_id: 'p' }, {}, V17))).toEqual({
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
    const result = toBindDetails('i', 'b', body, {}, V17);
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
    expect(failureOf(toBindDetails('i', bindingId, body, {}, V17))).toEqual({
      kind: 'bad request',
      description,
    });
  });
});

describe('withoutNewerFields (a field newer than X-Broker-API-Version is ignored, §2)', () => {
  it.each<[string, unknown, number, unknown]>([
    [
      'maintenance_info at 2.14 is dropped',
      { service_id: 's', maintenance_info: {} },
      14,
      { service_id: 's' },
    ],
    [
      'maintenance_info at 2.15 is kept',
      { service_id: 's', maintenance_info: {} },
      15,
      { service_id: 's', maintenance_info: {} },
    ],
    ['context at 2.11 is dropped', { context: { a: 1 } }, 11, {}],
    ['context at 2.12 is kept', { context: { a: 1 } }, 12, { context: { a: 1 } }],
    [
      'fields of no version are kept',
      { x_extra: 1, parameters: {} },
      2,
      { x_extra: 1, parameters: {} },
    ],
    ['a body that is not an object is left alone', [1, 2], 13, [1, 2]],
    ['no body stays no body', undefined, 13, undefined],
  ])('%s', (_name, body, minor, expected) => {
    expect(withoutNewerFields(body, PROVISION_FIELDS_SINCE, at(minor))).toEqual(expected);
  });

  it.each([
    [16, { service_id: 's', plan_id: 'p' }],
    [17, { service_id: 's', plan_id: 'p', predecessor_binding_id: 'old' }],
  ])('a bind at 2.%s keeps predecessor_binding_id only from 2.17', (minor, expected) => {
    expect(
      withoutNewerFields(
        { service_id: 's', plan_id: 'p', predecessor_binding_id: 'old' },
        BIND_FIELDS_SINCE,
        at(minor),
      ),
    ).toEqual(expected);
  });

  it('toProvisionDetails at 2.13 ignores an empty maintenance_info that 2.15 rejects', () => {
    const body = { ...PROVISION, maintenance_info: {} };
    const old = toProvisionDetails('i', body, {}, at(13));
    expect(old.ok && old.value.maintenanceInfoVersion).toBeUndefined();
    expect(old.ok).toBe(true);
    expect(failureOf(toProvisionDetails('i', body, {}, at(15)))).toEqual({
      kind: 'bad request',
      description: 'maintenance_info.version is required',
    });
  });
});
