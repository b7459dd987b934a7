import { validateCatalog } from '../../../src/osb-catalog';
import type { Service, ServicePlan } from '../../../src/catalog/types';
import type { ContainerTemplate } from '../../../src/instances';
import type { ApiVersion } from '../../../src/osb-server/api-version';
import {
  metadataOf,
  parameterSchemaOf,
  presentCatalog,
  toOfferings,
} from '../../../src/osb-server/catalog';
import type { CatalogEntry } from '../../../src/osb-server/catalog';

const EMPTY_SCHEMAS = {
  service_instance: { create: { parameters: {} }, update: { parameters: {} } },
  service_binding: { create: { parameters: {} } },
};

const TEMPLATE: ContainerTemplate = {
  Image: 'nginx:1',
  ServicePort: 80,
  ContainerPort: 80,
  Protocol: 'http',
  parameters: { Replicas: { minimum: 1, maximum: 3 }, Env: ['GREETING'], Cmd: true as const },
  credentials: { uri: '${uri}' },
};

function service(over: Partial<Service> = {}): Service {
  return {
    id: 1,
    guid: 's-guid',
    createdAt: '2026-01-02T03:04:05Z',
    updatedAt: '2026-01-02T03:04:05Z',
    label: 'web',
    description: 'A web server',
    longDescription: null,
    infoUrl: null,
    documentationUrl: null,
    provider: null,
    url: null,
    version: null,
    timeout: null,
    active: true,
    bindable: true,
    extra: JSON.stringify({ displayName: 'Web', container: TEMPLATE }),
    uniqueId: 'svc-web',
    tags: ['http'],
    requires: [],
    serviceBrokerGuid: null,
    serviceBrokerName: null,
    planUpdateable: true,
    bindingsRetrievable: false,
    instancesRetrievable: false,
    allowContextUpdates: false,
    ...over,
  };
}

function plan(over: Partial<ServicePlan> = {}): ServicePlan {
  return {
    id: 2,
    guid: 'p-guid',
    createdAt: '2026-01-02T03:04:05Z',
    updatedAt: '2026-01-02T03:04:05Z',
    name: 'small',
    description: 'One replica',
    free: true,
    public: true,
    active: true,
    bindable: null,
    planUpdateable: null,
    maximumPollingDuration: null,
    maintenanceInfo: null,
    schemas: EMPTY_SCHEMAS,
    extra: null,
    uniqueId: 'plan-small',
    serviceId: 1,
    serviceGuid: 's-guid',
    serviceBindable: true,
    serviceBrokerId: null,
    ...over,
  };
}

const v = (minor: number): ApiVersion => ({ major: 2, minor });

const PARAMETER_SCHEMA = {
  $schema: 'http://json-schema.org/draft-04/schema#',
  type: 'object',
  properties: {
    Replicas: { type: 'integer', minimum: 1, maximum: 3 },
    Env: {
      type: 'object',
      properties: { GREETING: { type: 'string' } },
      additionalProperties: false,
    },
    Cmd: {},
  },
  additionalProperties: false,
};

describe('metadataOf', () => {
  it.each([
    ['null extra', null, {}],
    ['not JSON', '{oops', {}],
    ['a JSON array', '[1]', {}],
    ['metadata only', '{"displayName":"Web"}', { displayName: 'Web' }],
    [
      "the container key is Wharf's own and dropped",
      '{"displayName":"Web","container":{"Image":"x"}}',
      { displayName: 'Web' },
    ],
  ])('%s', (_name, extra, expected) => {
    expect(metadataOf(extra)).toEqual(expected);
  });
});

describe('parameterSchemaOf', () => {
  it('when the template lists parameters, describes exactly those (draft-04)', () => {
    expect(parameterSchemaOf(TEMPLATE)).toEqual(PARAMETER_SCHEMA);
  });

  it('when the template allows no parameters, gives no schema', () => {
    expect(parameterSchemaOf({ Image: 'x' })).toBeUndefined();
  });
});

describe('toOfferings + presentCatalog', () => {
  const entries: CatalogEntry[] = [
    {
      service: service(),
      plans: [
        plan(),
        plan({
          guid: 'p2',
          name: 'large',
          uniqueId: 'plan-large',
          description: 'Three replicas',
          free: false,
          bindable: true,
          planUpdateable: true,
          maximumPollingDuration: 600,
          maintenanceInfo: { version: '1.2.0', description: 'nginx 1.2' },
          extra: JSON.stringify({ bullets: ['3 replicas'], container: { Replicas: 3 } }),
        }),
        plan({ guid: 'p3', name: 'retired', uniqueId: 'plan-retired', active: false }),
      ],
    },
  ];

  it('at 2.17, renders ids, names, metadata without `container`, and every 2.14/2.15 field', () => {
    expect(presentCatalog(toOfferings(entries), v(17))).toEqual({
      services: [
        {
          id: 'svc-web',
          name: 'web',
          description: 'A web server',
          tags: ['http'],
          bindable: true,
          instances_retrievable: true,
          bindings_retrievable: true,
          metadata: { displayName: 'Web' },
          plan_updateable: true,
          plans: [
            {
              id: 'plan-small',
              name: 'small',
              description: 'One replica',
              free: true,
              schemas: {
                service_instance: {
                  create: { parameters: PARAMETER_SCHEMA },
                  update: { parameters: PARAMETER_SCHEMA },
                },
              },
            },
            {
              id: 'plan-large',
              name: 'large',
              description: 'Three replicas',
              metadata: { bullets: ['3 replicas'] },
              free: false,
              bindable: true,
              schemas: {
                service_instance: {
                  create: { parameters: PARAMETER_SCHEMA },
                  update: { parameters: PARAMETER_SCHEMA },
                },
              },
              plan_updateable: true,
              maximum_polling_duration: 600,
              maintenance_info: { version: '1.2.0', description: 'nginx 1.2' },
            },
          ],
        },
      ],
    });
  });

  const PLAN_KEYS_213 = ['bindable', 'description', 'free', 'id', 'metadata', 'name', 'schemas'];

  it.each([
    ['2.12: no schemas, no retrievable flags', 12, false, false, false],
    ["2.13: schemas; plan keys within the 2.13 checker's allowlist", 13, true, false, false],
    ['2.14: fetch endpoints advertised', 14, true, true, false],
    ['2.15: plan_updateable, maximum_polling_duration, maintenance_info', 15, true, true, true],
  ])('at %s', (_name, minor, schemas, retrievable, v215) => {
    const [svc] = presentCatalog(toOfferings(entries), v(minor)).services;
    const plans = svc?.plans as Record<string, unknown>[];
    expect('instances_retrievable' in (svc ?? {})).toBe(retrievable);
    expect('bindings_retrievable' in (svc ?? {})).toBe(retrievable);
    expect(plans.every((p) => 'schemas' in p)).toBe(schemas);
    expect('maintenance_info' in (plans[1] ?? {})).toBe(v215);
    expect('plan_updateable' in (plans[1] ?? {})).toBe(v215);
    expect('maximum_polling_duration' in (plans[1] ?? {})).toBe(v215);
    if (!v215)
      for (const p of plans)
        expect(Object.keys(p).filter((k) => !PLAN_KEYS_213.includes(k))).toEqual([]);
  });

  it.each([
    ['an inactive service', [{ service: service({ active: false }), plans: [plan()] }]],
    ['a service without active plans', [{ service: service(), plans: [plan({ active: false })] }]],
    [
      'a service whose only plan has an unreadable template',
      [
        {
          service: service(),
          plans: [plan({ extra: JSON.stringify({ container: { parameters: 'nope' } }) })],
        },
      ],
    ],
  ])('leaves out %s (an offering needs a plan, §4.1)', (_name, given) => {
    expect(toOfferings(given)).toEqual([]);
  });

  it("keeps the operator's own schemas, only the parts that are set", () => {
    const own = { $schema: 'http://json-schema.org/draft-04/schema#', type: 'object' };
    const schemas = {
      ...EMPTY_SCHEMAS,
      service_instance: { create: { parameters: own }, update: { parameters: {} } },
    };
    const [svc] = toOfferings([{ service: service(), plans: [plan({ schemas })] }]);
    expect(svc?.plans[0]?.schemas).toEqual({ service_instance: { create: { parameters: own } } });
  });

  it('fills metadata conventions from the catalog columns CC derives from them', () => {
    const [svc] = toOfferings([
      {
        service: service({
          extra: JSON.stringify({ container: TEMPLATE }),
          longDescription: 'Long',
          documentationUrl: 'https://docs',
          provider: 'Wharf',
        }),
        plans: [plan()],
      },
    ]);
    expect(svc?.metadata).toEqual({
      longDescription: 'Long',
      documentationUrl: 'https://docs',
      providerDisplayName: 'Wharf',
    });
  });

  it.each([13, 14, 15, 17])(
    "at 2.%i, passes Wharf's own platform-side catalog validation",
    (minor) => {
      const result = validateCatalog(presentCatalog(toOfferings(entries), v(minor)));
      expect(result.ok ? 'valid' : result.problems).toBe('valid');
    },
  );
});
