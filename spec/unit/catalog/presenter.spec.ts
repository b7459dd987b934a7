import { presentPlan, presentService, presentVisibility } from '../../../src/catalog/presenter';
import type { Service, ServicePlan } from '../../../src/catalog/types';

const EMPTY_SCHEMAS = {
  service_instance: { create: { parameters: {} }, update: { parameters: {} } },
  service_binding: { create: { parameters: {} } },
};

const SERVICE: Service = {
  id: 1,
  guid: 's-guid',
  createdAt: '2026-01-02T03:04:05Z',
  updatedAt: '2026-01-02T03:04:05.678Z',
  label: 'mysql',
  description: 'd',
  longDescription: null,
  infoUrl: null,
  documentationUrl: null,
  provider: 'p',
  url: null,
  version: null,
  timeout: null,
  active: true,
  bindable: true,
  extra: null,
  uniqueId: 'u',
  tags: ['t'],
  requires: [],
  serviceBrokerGuid: 'b-guid',
  serviceBrokerName: 'broker',
  planUpdateable: false,
  bindingsRetrievable: false,
  instancesRetrievable: true,
  allowContextUpdates: false,
};

const PLAN: ServicePlan = {
  id: 2,
  guid: 'p-guid',
  createdAt: '2026-01-02T03:04:05Z',
  updatedAt: '2026-01-02T03:04:05Z',
  name: 'small',
  description: 'd',
  free: true,
  public: false,
  active: true,
  bindable: null,
  planUpdateable: null,
  maximumPollingDuration: null,
  maintenanceInfo: null,
  schemas: EMPTY_SCHEMAS,
  extra: '{"cost":1}',
  uniqueId: 'pu',
  serviceId: 1,
  serviceGuid: 's-guid',
  serviceBindable: true,
  serviceBrokerId: null,
};

describe('presentService', () => {
  it('when a service is presented, answers CC’s envelope with whole-second timestamps and service_plans_url last', () => {
    const presented = presentService(SERVICE);

    expect(presented).toEqual({
      metadata: {
        guid: 's-guid',
        url: '/v2/services/s-guid',
        created_at: '2026-01-02T03:04:05Z',
        updated_at: '2026-01-02T03:04:05Z',
      },
      entity: {
        label: 'mysql',
        provider: 'p',
        url: null,
        description: 'd',
        long_description: null,
        version: null,
        info_url: null,
        active: true,
        bindable: true,
        unique_id: 'u',
        extra: null,
        tags: ['t'],
        requires: [],
        documentation_url: null,
        service_broker_guid: 'b-guid',
        service_broker_name: 'broker',
        plan_updateable: false,
        bindings_retrievable: false,
        instances_retrievable: true,
        allow_context_updates: false,
        service_plans_url: '/v2/services/s-guid/service_plans',
      },
    });
    expect(Object.keys(presented.entity).at(-1)).toBe('service_plans_url');
  });

  it.each([
    ['no plans are inlined', undefined, false],
    ['an empty plan list is inlined', [], true],
  ])('when %s, answers service_plans only if given', (_name, plans, present) => {
    expect('service_plans' in presentService(SERVICE, plans).entity).toBe(present);
  });
});

describe('presentPlan', () => {
  it.each<[string, Partial<ServicePlan>, Record<string, unknown>]>([
    [
      'the plan says nothing about bindable and the service is bindable',
      { bindable: null, serviceBindable: true },
      { bindable: true },
    ],
    [
      'the plan says nothing about bindable and the service is not',
      { bindable: null, serviceBindable: false },
      { bindable: false },
    ],
    [
      'the plan is not bindable though the service is',
      { bindable: false, serviceBindable: true },
      { bindable: false },
    ],
    ['there is no maintenance info', { maintenanceInfo: null }, { maintenance_info: {} }],
    [
      'there is maintenance info',
      { maintenanceInfo: { version: '1.0.0' } },
      { maintenance_info: { version: '1.0.0' } },
    ],
    ['plan_updateable is unknown', { planUpdateable: null }, { plan_updateable: null }],
  ])('when %s, answers it as CC does', (_name, patch, expected) => {
    expect(presentPlan({ ...PLAN, ...patch }).entity).toMatchObject(expected);
  });

  it('when presented, answers every key of reference §3.2 in order with the relation URLs', () => {
    const presented = presentPlan(PLAN);

    expect(presented.metadata.url).toBe('/v2/service_plans/p-guid');
    expect(Object.keys(presented.entity)).toEqual([
      'name',
      'free',
      'description',
      'service_guid',
      'extra',
      'unique_id',
      'public',
      'bindable',
      'plan_updateable',
      'active',
      'maximum_polling_duration',
      'maintenance_info',
      'schemas',
      'service_url',
      'service_instances_url',
    ]);
    expect(presented.entity).toMatchObject({
      extra: '{"cost":1}',
      schemas: EMPTY_SCHEMAS,
      service_url: '/v2/services/s-guid',
      service_instances_url: '/v2/service_plans/p-guid/service_instances',
    });
  });

  it('when a service is inlined, answers it under `service` next to service_url', () => {
    const service = presentService(SERVICE);

    expect(presentPlan(PLAN, service).entity).toMatchObject({
      service_url: '/v2/services/s-guid',
      service,
    });
  });
});

describe('presentVisibility', () => {
  it('when presented, answers the guids and both relation URLs', () => {
    expect(
      presentVisibility({
        id: 1,
        guid: 'v',
        createdAt: '2026-01-02T03:04:05Z',
        updatedAt: '2026-01-02T03:04:05Z',
        servicePlanGuid: 'p',
        organizationGuid: 'o',
      }),
    ).toEqual({
      metadata: {
        guid: 'v',
        url: '/v2/service_plan_visibilities/v',
        created_at: '2026-01-02T03:04:05Z',
        updated_at: '2026-01-02T03:04:05Z',
      },
      entity: {
        service_plan_guid: 'p',
        organization_guid: 'o',
        service_plan_url: '/v2/service_plans/p',
        organization_url: '/v2/organizations/o',
      },
    });
  });
});
