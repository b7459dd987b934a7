import { toPlan, toPlanSchemas, toService } from '../../../src/catalog/rows';
import type { PlanRow, ServiceRow } from '../../../src/catalog/rows';
import type { PlanSchemas } from '../../../src/catalog/types';

const EMPTY: PlanSchemas = {
  service_instance: { create: { parameters: {} }, update: { parameters: {} } },
  service_binding: { create: { parameters: {} } },
};
const OBJECT_SCHEMA = { type: 'object', properties: { size: { type: 'integer' } } };

describe('toPlanSchemas', () => {
  it.each<[string, unknown, PlanSchemas]>([
    ['nothing stored', null, EMPTY],
    ['an empty object', {}, EMPTY],
    [
      'only the instance create schema',
      { service_instance: { create: { parameters: OBJECT_SCHEMA } } },
      {
        ...EMPTY,
        service_instance: { create: { parameters: OBJECT_SCHEMA }, update: { parameters: {} } },
      },
    ],
    [
      'every part',
      {
        service_instance: {
          create: { parameters: OBJECT_SCHEMA },
          update: { parameters: { type: 'object' } },
        },
        service_binding: { create: { parameters: { required: ['x'] } } },
      },
      {
        service_instance: {
          create: { parameters: OBJECT_SCHEMA },
          update: { parameters: { type: 'object' } },
        },
        service_binding: { create: { parameters: { required: ['x'] } } },
      },
    ],
    ['a part without parameters', { service_binding: { create: {} } }, EMPTY],
    [
      'a malformed part (parameters is a string)',
      { service_instance: { create: { parameters: 'x' } } },
      EMPTY,
    ],
    ['not an object at all', 'schemas', EMPTY],
  ])('when %s is stored, answers the fully shaped schemas', (_name, stored, expected) => {
    expect(toPlanSchemas(stored)).toEqual(expected);
  });
});

const SERVICE_ROW: ServiceRow = {
  id: 7,
  guid: 'svc-guid',
  label: 'mysql',
  description: 'd',
  long_description: null,
  info_url: null,
  documentation_url: 'http://docs',
  provider: null,
  url: null,
  version: '2.0',
  timeout: 30,
  active: 1,
  bindable: 0,
  extra: '{"a":1}',
  unique_id: 'u',
  tags: '["a","b"]',
  requires: '["syslog_drain"]',
  service_broker_guid: null,
  service_broker_name: null,
  plan_updateable: 0,
  bindings_retrievable: 1,
  instances_retrievable: false,
  allow_context_updates: true,
  created_at: '2026-01-02T03:04:05Z',
  updated_at: new Date('2026-01-02T03:04:06.789Z'),
};

describe('toService', () => {
  it('when SQLite hands back 0/1 booleans, JSON lists and a string timestamp, answers the domain service', () => {
    expect(toService(SERVICE_ROW)).toEqual({
      id: 7,
      guid: 'svc-guid',
      label: 'mysql',
      description: 'd',
      longDescription: null,
      infoUrl: null,
      documentationUrl: 'http://docs',
      provider: null,
      url: null,
      version: '2.0',
      timeout: 30,
      active: true,
      bindable: false,
      extra: '{"a":1}',
      uniqueId: 'u',
      tags: ['a', 'b'],
      requires: ['syslog_drain'],
      serviceBrokerGuid: null,
      serviceBrokerName: null,
      planUpdateable: false,
      bindingsRetrievable: true,
      instancesRetrievable: false,
      allowContextUpdates: true,
      createdAt: '2026-01-02T03:04:05Z',
      updatedAt: '2026-01-02T03:04:06Z',
    });
  });

  it.each([
    ['tags is not a list of strings', { tags: '[1]' }],
    ['requires is not JSON', { requires: 'syslog_drain' }],
  ])('when %s, throws rather than inventing a value', (_name, patch) => {
    expect(() => toService({ ...SERVICE_ROW, ...patch })).toThrow();
  });
});

const PLAN_ROW: PlanRow = {
  id: 3,
  guid: 'plan-guid',
  name: 'small',
  description: 'd',
  free: 1,
  public: 0,
  active: 1,
  bindable: null,
  plan_updateable: null,
  maximum_polling_duration: null,
  maintenance_info: null,
  schemas: null,
  extra: null,
  unique_id: 'pu',
  service_id: 7,
  service_guid: 'svc-guid',
  service_bindable: 1,
  service_broker_id: null,
  created_at: '2026-01-02T03:04:05Z',
  updated_at: '2026-01-02T03:04:05Z',
};

describe('toPlan', () => {
  it.each<[string, Partial<PlanRow>, Record<string, unknown>]>([
    [
      'nullable columns are null',
      {},
      {
        free: true,
        public: false,
        active: true,
        bindable: null,
        planUpdateable: null,
        maintenanceInfo: null,
        schemas: EMPTY,
        serviceBindable: true,
        serviceBrokerId: null,
      },
    ],
    ['the plan has its own bindable 0', { bindable: 0 }, { bindable: false }],
    ['plan_updateable is 1', { plan_updateable: 1 }, { planUpdateable: true }],
    [
      'maintenance_info holds a version',
      { maintenance_info: '{"version":"1.0.0"}' },
      { maintenanceInfo: { version: '1.0.0' } },
    ],
    [
      'maintenance_info holds a version and description',
      { maintenance_info: '{"version":"1.0.0","description":"x"}' },
      { maintenanceInfo: { version: '1.0.0', description: 'x' } },
    ],
    [
      'maintenance_info lacks a version',
      { maintenance_info: '{"description":"x"}' },
      { maintenanceInfo: null },
    ],
    [
      'schemas is stored JSON',
      { schemas: JSON.stringify({ service_binding: { create: { parameters: OBJECT_SCHEMA } } }) },
      { schemas: { ...EMPTY, service_binding: { create: { parameters: OBJECT_SCHEMA } } } },
    ],
    ['the service belongs to a broker', { service_broker_id: 12 }, { serviceBrokerId: 12 }],
  ])('when %s, answers the matching plan fields', (_name, patch, expected) => {
    expect(toPlan({ ...PLAN_ROW, ...patch })).toMatchObject(expected);
  });
});
