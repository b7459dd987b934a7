import {
  presentInstance,
  presentKey,
  REDACTED_CREDENTIALS,
} from '../../../src/instances/presenter';
import type { ServiceInstance, ServiceKey } from '../../../src/instances/types';

const GUID = '6f2b7c1e-0d3a-4a59-9b1e-2f0c8d7e6a51';

function instance(fields: Partial<ServiceInstance> = {}): ServiceInstance {
  return {
    id: 1,
    guid: GUID,
    name: 'db',
    spaceId: 2,
    spaceGuid: 'space-guid',
    organizationGuid: 'org-guid',
    servicePlanId: 3,
    servicePlanGuid: 'plan-guid',
    serviceGuid: 'service-guid',
    dashboardUrl: null,
    tags: [],
    maintenanceInfo: null,
    lastOperation: null,
    brokerOperation: null,
    proposedServicePlanId: null,
    proposedServicePlanGuid: null,
    parametersEncrypted: null,
    createdAt: '2026-11-23T09:00:00.123Z',
    updatedAt: '2026-11-23T09:05:00Z',
    ...fields,
  };
}

describe('presentInstance', () => {
  it('renders the metadata with whole-second timestamps and every link of reference §3.5', () => {
    const url = `/v2/service_instances/${GUID}`;
    expect(presentInstance(instance())).toEqual({
      metadata: {
        guid: GUID,
        url,
        created_at: '2026-11-23T09:00:00Z',
        updated_at: '2026-11-23T09:05:00Z',
      },
      entity: {
        name: 'db',
        credentials: {},
        service_guid: 'service-guid',
        service_plan_guid: 'plan-guid',
        space_guid: 'space-guid',
        gateway_data: null,
        dashboard_url: null,
        type: 'managed_service_instance',
        last_operation: null,
        tags: [],
        maintenance_info: {},
        space_url: '/v2/spaces/space-guid',
        service_url: '/v2/services/service-guid',
        service_plan_url: '/v2/service_plans/plan-guid',
        service_bindings_url: `${url}/service_bindings`,
        service_keys_url: `${url}/service_keys`,
        routes_url: `${url}/routes`,
        shared_from_url: `${url}/shared_from`,
        shared_to_url: `${url}/shared_to`,
        service_instance_parameters_url: `${url}/parameters`,
      },
    });
  });

  it.each<[string, Partial<ServiceInstance>, Record<string, unknown>]>([
    [
      'a last operation in progress',
      {
        lastOperation: {
          type: 'create',
          state: 'in progress',
          description: 'Creating (10%)',
          createdAt: '2026-11-23T09:00:00.999Z',
          updatedAt: '2026-11-23T09:01:00Z',
        },
      },
      {
        last_operation: {
          type: 'create',
          state: 'in progress',
          description: 'Creating (10%)',
          updated_at: '2026-11-23T09:01:00Z',
          created_at: '2026-11-23T09:00:00Z',
        },
      },
    ],
    [
      'a failed delete',
      {
        lastOperation: {
          type: 'delete',
          state: 'failed',
          description: 'nope',
          createdAt: '2026-11-23T09:00:00Z',
          updatedAt: '2026-11-23T09:00:00Z',
        },
      },
      {
        last_operation: {
          type: 'delete',
          state: 'failed',
          description: 'nope',
          updated_at: '2026-11-23T09:00:00Z',
          created_at: '2026-11-23T09:00:00Z',
        },
      },
    ],
    [
      'maintenance_info',
      { maintenanceInfo: { version: '1.2.3', description: 'patch' } },
      { maintenance_info: { version: '1.2.3', description: 'patch' } },
    ],
    [
      'tags and a dashboard',
      { tags: ['a', 'b'], dashboardUrl: 'https://dash' },
      { tags: ['a', 'b'], dashboard_url: 'https://dash' },
    ],
  ])('with %s, renders it', (_label, fields, expected) => {
    expect(presentInstance(instance(fields)).entity).toMatchObject(expected);
  });

  it('never renders the stored parameters or the broker operation', () => {
    const text = JSON.stringify(
      presentInstance(instance({ parametersEncrypted: 'v1:sealed', brokerOperation: 'op-secret' })),
    );
    expect(text).not.toContain('v1:sealed');
    expect(text).not.toContain('op-secret');
  });
});

describe('presentKey', () => {
  const key: ServiceKey = {
    id: 1,
    guid: 'key-guid',
    name: 'k',
    serviceInstanceId: 1,
    serviceInstanceGuid: GUID,
    credentialsEncrypted: 'v1:sealed-credentials',
    parametersEncrypted: null,
    createdAt: '2026-11-23T09:00:00Z',
    updatedAt: '2026-11-23T09:00:00Z',
  };

  it.each<[string, Record<string, unknown>]>([
    ['credentials', { password: 'p' }],
    ['the redacted form', REDACTED_CREDENTIALS],
  ])('renders %s as given, never the sealed column', (_label, credentials) => {
    const presented = presentKey(key, credentials);
    expect(presented).toEqual({
      metadata: {
        guid: 'key-guid',
        url: '/v2/service_keys/key-guid',
        created_at: '2026-11-23T09:00:00Z',
        updated_at: '2026-11-23T09:00:00Z',
      },
      entity: {
        name: 'k',
        service_instance_guid: GUID,
        credentials,
        service_instance_url: `/v2/service_instances/${GUID}`,
        service_key_parameters_url: '/v2/service_keys/key-guid/parameters',
      },
    });
    expect(JSON.stringify(presented)).not.toContain('sealed-credentials');
  });
});
