import { CfError } from '../../../src/http/cf-errors';
import { validateCatalog } from '../../../src/osb-catalog';
import type { ExistingBrokerCatalog } from '../../../src/osb-catalog';
import {
  catalogFixtureNames,
  loadValidCatalogFixture,
  readCatalogFixture,
} from '../../osb-client/support/catalog-fixtures';
import { generateCatalog } from '../../support/fake-broker';

const DRAFT4 = 'http://json-schema.org/draft-04/schema#';

/** The problem text for one service (`db`) with `lines` under it, as CC's formatter writes it. */
function underDb(...lines: string[]): string {
  return `\nService db\n${lines.map((l) => `${l}\n`).join('')}`;
}

/** The problem text for plan `small` of service `db`. */
function underSmall(...lines: string[]): string {
  return underDb('  Plan small', ...lines.map((l) => `  ${l}`));
}

function problemsOf(raw: unknown, existing?: ExistingBrokerCatalog): string {
  const result = validateCatalog(raw, existing);
  if (result.ok) throw new Error('expected the catalog to be invalid');
  return result.problems;
}

/** One row per rule of cf-v2-api.md §4.2 step 3: fixture `invalid-<rule>.json` → CC's description. */
const RULES: Array<[string, string]> = [
  ['no-services', '\nService broker must provide at least one service\n'],
  ['services-type', '\nServices list must be an array of hashes, but has value "db"\n'],
  ['service-id-missing', underDb('  Service id is required')],
  ['service-id-type', underDb('  Service id must be a string, but has value 42')],
  ['service-name-missing', '\nService \n  Service name is required\n'],
  ['service-description-missing', underDb('  Service description is required')],
  [
    'service-description-too-long',
    underDb('  Service description may not have more than 10000 characters'),
  ],
  ['service-bindable-missing', underDb('  Service "bindable" field is required')],
  [
    'service-bindable-type',
    underDb('  Service "bindable" field must be a boolean, but has value "yes"'),
  ],
  [
    'service-optional-booleans',
    underDb(
      '  Service "plan_updateable" field must be a boolean, but has value "true"',
      '  Service "bindings_retrievable" field must be a boolean, but has value 1',
      '  Service "instances_retrievable" field must be a boolean, but has value "no"',
      '  Service "allow_context_updates" field must be a boolean, but has value []',
    ),
  ],
  [
    'service-tags-type',
    underDb('  Service tags must be an array of strings, but has value "mysql"'),
  ],
  ['service-tags-too-long', underDb('  Tags for the service db must be 2048 characters or less.')],
  [
    'service-requires-type',
    underDb('  Service "requires" field must be an array of strings, but has value "syslog_drain"'),
  ],
  [
    'service-requires-unsupported',
    underDb('  Service "requires" field contains unsupported value "gpu"'),
  ],
  ['service-metadata-type', underDb('  Service metadata must be a hash, but has value "x"')],
  [
    'service-metadata-shareable',
    underDb('  Service metadata shareable must be a boolean, but has value "yes"'),
  ],
  [
    'service-dashboard-client-type',
    underDb('  Service dashboard client attributes must be a hash, but has value "client"'),
  ],
  [
    'service-dashboard-client-fields',
    underDb(
      '  Service dashboard client secret must be a string, but has value 5',
      '  Service dashboard client redirect_uri is required',
    ),
  ],
  ['service-no-plans', underDb('  At least one plan is required')],
  [
    'service-plans-type',
    underDb('  Service plans list must be an array of hashes, but has value ["small"]'),
  ],
  [
    'duplicate-plan-ids-in-service',
    "\nPlan ids must be unique. Unable to register plan with id 'plan-db-small' (plan name 'large', service name 'db') " +
      "because it uses the same id as another plan in the catalog (plan name 'small', service name 'db')\n" +
      "Service db\n  Plan ids must be unique. Service db already has a plan with id 'plan-db-small'\n",
  ],
  [
    'duplicate-plan-names',
    underDb(
      '  Plan names must be unique within a service. Service db already has a plan named small',
    ),
  ],
  ['duplicate-service-ids', '\nService ids must be unique\n'],
  ['duplicate-service-names', '\nService names must be unique within a broker\n'],
  [
    'duplicate-plan-ids-across-services',
    "\nPlan ids must be unique. Unable to register plan with id 'plan-db-small' (plan name 'small', service name 'cache') " +
      "because it uses the same id as another plan in the catalog (plan name 'small', service name 'db')\n",
  ],
  ['duplicate-dashboard-client-ids', '\nService dashboard_client id must be unique\n'],
  ['plan-id-missing', underSmall('  Plan id is required')],
  ['plan-id-type', underSmall('  Plan id must be a string, but has value 7')],
  ['plan-name-missing', underDb('  Plan ', '    Plan name is required')],
  ['plan-description-missing', underSmall('  Plan description is required')],
  [
    'plan-description-too-long',
    underSmall('  Plan description may not have more than 10000 characters'),
  ],
  ['plan-metadata-type', underSmall('  Plan metadata must be a hash, but has value ["a"]')],
  [
    'plan-booleans',
    underSmall(
      '  Plan free must be a boolean, but has value "no"',
      '  Plan bindable must be a boolean, but has value "yes"',
      '  Plan updateable must be a boolean, but has value 1',
    ),
  ],
  [
    'plan-maximum-polling-duration',
    underSmall('  Maximum polling duration must be an integer, but has value "60"'),
  ],
  ['plan-schemas-type', underSmall('  Plan schemas must be a hash, but has value "none"')],
  [
    'plan-schemas-structure',
    underSmall(
      '  Schemas',
      '    Schemas service_instance.create must be a hash, but has value true',
    ),
  ],
  [
    'plan-schema-missing-dollar-schema',
    underSmall(
      '  Schemas',
      '    Schema service_instance.create.parameters is not valid. Schema must have $schema key but was not present',
    ),
  ],
  [
    'plan-schema-not-draft04',
    underSmall(
      '  Schemas',
      "    Schema service_instance.create.parameters is not valid. Must conform to JSON Schema Draft 04 (experimental support for later versions): The property '#/properties' of type boolean did not match the following type: object in schema http://json-schema.org/draft-04/schema#",
      "    Schema service_instance.create.parameters is not valid. Must conform to JSON Schema Draft 04 (experimental support for later versions): The property '#/anyOf' of type boolean did not match the following type: array in schema http://json-schema.org/draft-04/schema#",
    ),
  ],
  [
    'plan-schema-too-large',
    underSmall(
      '  Schemas',
      '    Schema service_instance.create.parameters is not valid. Must not be larger than 64KB',
    ),
  ],
  [
    'plan-schema-custom-meta',
    underSmall(
      '  Schemas',
      '    Schema service_binding.create.parameters is not valid. Custom meta schemas are not supported.',
    ),
  ],
  [
    'plan-schema-external-ref',
    underSmall(
      '  Schemas',
      '    Schema service_instance.update.parameters is not valid. No external references are allowed: Read of URI at http://example.com/ref refused',
    ),
  ],
  ['maintenance-info-type', underSmall('  Maintenance info must be a hash, but has value "1.0.0"')],
  [
    'maintenance-info-version-missing',
    underSmall(
      '  Maintenance info version is required',
      '  Maintenance info version must be a Semantic Version, but has value nil',
    ),
  ],
  [
    'maintenance-info-version-not-semver',
    underSmall('  Maintenance info version must be a Semantic Version, but has value "1.0"'),
  ],
  [
    'maintenance-info-description-type',
    underSmall('  Maintenance info description must be a string, but has value 5'),
  ],
  [
    'maintenance-info-extra-keys',
    underSmall('  Maintenance info contains invalid key(s): owner, notes'),
  ],
  [
    'maintenance-info-too-long',
    underSmall(
      '  Maintenance info must serialize to 2000 characters or fewer in JSON, but serializes to 2036 characters',
    ),
  ],
];

describe('validateCatalog', () => {
  describe('one invalid fixture per rule', () => {
    it('has a row for every invalid-*.json fixture and a fixture for every row', () => {
      expect(RULES.map(([rule]) => `invalid-${rule}`).sort()).toEqual(
        catalogFixtureNames('invalid'),
      );
    });

    it.each(RULES)(
      'when the catalog breaks rule %s, reports exactly its line',
      (rule, expected) => {
        expect(problemsOf(readCatalogFixture(`invalid-${rule}`))).toBe(expected);
      },
    );
  });

  describe('valid catalogs', () => {
    it.each(catalogFixtureNames('valid'))('accepts %s', (name) => {
      expect(validateCatalog(readCatalogFixture(name)).ok).toBe(true);
    });

    it('when valid, returns the typed catalog with every service and plan', () => {
      const catalog = loadValidCatalogFixture('valid-full');
      expect(catalog.services.map((s) => [s.name, s.plans.map((p) => p.name)])).toEqual([
        ['mysql', ['small', 'large', 'replicated']],
        ['redis', ['cache-small', 'cache-large']],
      ]);
      const large = catalog.services[0]!.plans[1]!;
      expect(large).toMatchObject({
        free: false,
        maximum_polling_duration: 3600,
        maintenance_info: { version: '2.1.1+abcdef', description: 'OS image update' },
      });
      expect(catalog.services[0]!.dashboard_client).toEqual({
        id: 'mysql-dashboard',
        secret: 'dashboard-secret',
        redirect_uri: 'https://dashboard.example.com/mysql',
      });
    });

    it('when optional fields are null or falsy where CC skips them, accepts and drops them', () => {
      const raw = {
        services: [
          {
            id: 's',
            name: 'svc',
            description: 'd',
            bindable: false,
            plan_updateable: null,
            bindings_retrievable: null,
            metadata: false,
            dashboard_client: null,
            unknown_extension: { x: 1 },
            plans: [
              {
                id: 'p',
                name: 'plan',
                description: 'd',
                free: null,
                metadata: null,
                schemas: false,
                maintenance_info: null,
                bindable: false,
              },
            ],
          },
        ],
      };
      const result = validateCatalog(raw);
      expect(result).toEqual({
        ok: true,
        catalog: {
          services: [
            {
              id: 's',
              name: 'svc',
              description: 'd',
              bindable: false,
              plans: [{ id: 'p', name: 'plan', description: 'd', bindable: false }],
            },
          ],
        },
      });
    });

    it('when plan schemas are absent at some locations or empty, accepts them (CC skips those)', () => {
      const raw = readCatalogFixture('valid-minimal') as {
        services: Array<{ plans: Array<Record<string, unknown>> }>;
      };
      raw.services[0]!.plans[0]!.schemas = {
        service_instance: { create: null, update: {} },
        service_binding: { create: { parameters: null } },
      };
      expect(validateCatalog(raw).ok).toBe(true);
    });

    it('the fixture loader refuses an invalid fixture with the problem text', () => {
      expect(() => loadValidCatalogFixture('invalid-no-services')).toThrow(
        'fixture invalid-no-services is not a valid catalog:\nService broker must provide at least one service\n',
      );
    });

    it('accepts a generated 1,000 × 10 catalog', () => {
      expect(validateCatalog(generateCatalog(1000, 10)).ok).toBe(true);
    });
  });

  describe('when the input is not a catalog object', () => {
    it.each<[string, unknown, string]>([
      ['an array', [], '\nCatalog must be a hash, but has value []\n'],
      ['null', null, '\nCatalog must be a hash, but has value nil\n'],
      ['services missing', {}, '\nService broker must provide at least one service\n'],
      ['services null', { services: null }, '\nService broker must provide at least one service\n'],
      [
        'services with a non-object',
        { services: [1] },
        '\nServices list must be an array of hashes, but has value [1]\n',
      ],
    ])('when it is %s, says so', (_name, raw, expected) => {
      expect(problemsOf(raw)).toBe(expected);
    });
  });

  describe('against what the broker already has', () => {
    const catalog = {
      services: [
        {
          id: 'svc-new',
          name: 'db',
          description: 'd',
          bindable: true,
          dashboard_client: { id: 'taken-client', secret: 's', redirect_uri: 'https://x' },
          plans: [{ id: 'plan-old', name: 'small', description: 'd' }],
        },
      ],
    };

    it.each<[string, ExistingBrokerCatalog, string]>([
      [
        'a plan id owned by another service of the broker',
        {
          brokerName: 'b1',
          services: [
            {
              id: 'svc-old',
              name: 'old',
              hasInstances: false,
              plans: [{ id: 'plan-old', name: 'tiny' }],
            },
          ],
        },
        "\nPlan ids must be unique. Unable to register plan with id 'plan-old' (plan name 'small', service name 'db') " +
          "because it uses the same id as an existing plan (plan name 'tiny', service name 'old', broker name 'b1')\n",
      ],
      [
        'the name of another service that still has instances',
        {
          brokerName: 'b1',
          services: [{ id: 'svc-old', name: 'db', hasInstances: true, plans: [] }],
        },
        '\nService names must be unique within a broker. Services with names ["db"] already exist\n',
      ],
      [
        'a dashboard client id owned by another broker',
        { brokerName: 'b1', services: [], dashboardClientIdsOfOtherBrokers: ['taken-client'] },
        '\nService db\n  Service dashboard client id must be unique\n',
      ],
    ])('when the catalog reuses %s, reports it', (_name, existing, expected) => {
      expect(problemsOf(catalog, existing)).toBe(expected);
    });

    it.each<[string, ExistingBrokerCatalog]>([
      [
        'its plan stays with the same service',
        {
          brokerName: 'b1',
          services: [
            {
              id: 'svc-new',
              name: 'db',
              hasInstances: true,
              plans: [{ id: 'plan-old', name: 'small' }],
            },
          ],
        },
      ],
      [
        'the same-named old service has no instances',
        {
          brokerName: 'b1',
          services: [{ id: 'svc-old', name: 'db', hasInstances: false, plans: [] }],
        },
      ],
    ])('when %s, accepts the catalog', (_name, existing) => {
      const withoutClient = {
        services: [{ ...catalog.services[0]!, dashboard_client: undefined }],
      };
      expect(validateCatalog(withoutClient, existing).ok).toBe(true);
    });
  });

  it('when a catalog has many problems, reports all of them at once, grouped as CC does', () => {
    // CC's own request spec for this catalog (spec/request/v2/service_brokers_spec.rb) expects exactly this text.
    const raw = {
      services: [
        {
          id: 12345,
          name: 'service-1',
          description: 'A'.repeat(10_001),
          bindable: true,
          bindings_retrievable: 'not-a-bool',
          instances_retrievable: 'not-a-bool',
          allow_context_updates: 'not-a-bool',
          plans: [
            {
              id: 'plan-1',
              name: 'small',
              description: 'B'.repeat(10_001),
              schemas: {
                service_instance: { create: { parameters: { $schema: DRAFT4, properties: true } } },
              },
            },
            { id: 'plan-2', name: 'large', description: 'A large dedicated database' },
          ],
        },
        {
          id: '67890',
          name: 'service-2',
          description: 'Another service, duh!',
          bindable: true,
          plans: [
            { id: 'plan-b', name: 'small', description: 'A small shared database' },
            { id: 'plan-b', name: 'large', description: '' },
          ],
        },
        {
          id: '67890',
          name: 'service-3',
          description: 'Yet another service, duh!',
          bindable: true,
          dashboard_client: { id: 'client-1' },
          plans: [
            { id: 123, name: 'tiny', description: 'A small shared database' },
            { id: '456', name: 'tiny', description: 'A large dedicated database' },
          ],
        },
        {
          id: '987654',
          name: 'service-4',
          description: 'Yet another service, duh!',
          bindable: true,
          dashboard_client: {
            id: 'client-1',
            secret: 'no-one-knows',
            redirect_uri: 'http://example.com/client-1',
          },
          plans: [],
        },
        {
          id: '888444',
          name: 'service-4',
          description: 'Yet another service, duh!',
          bindable: true,
          dashboard_client: {
            id: 'client-9',
            secret: 'some-secret',
            redirect_uri: 'http://example.com/client-1',
          },
          plans: [{ id: '999', name: 'micro', description: 'The smallest plan in the world' }],
        },
      ],
    };
    const problems = problemsOf(raw);
    expect(new CfError('ServiceBrokerCatalogInvalid', problems).toBody()).toEqual({
      code: 270012,
      error_code: 'CF-ServiceBrokerCatalogInvalid',
      description:
        'Service broker catalog is invalid: \n' +
        'Service ids must be unique\n' +
        'Service names must be unique within a broker\n' +
        "Plan ids must be unique. Unable to register plan with id 'plan-b' (plan name 'large', " +
        "service name 'service-2') because it uses the same id as another plan in the catalog " +
        "(plan name 'small', service name 'service-2')\n" +
        'Service dashboard_client id must be unique\n' +
        'Service service-1\n' +
        '  Service id must be a string, but has value 12345\n' +
        '  Service description may not have more than 10000 characters\n' +
        '  Service "bindings_retrievable" field must be a boolean, but has value "not-a-bool"\n' +
        '  Service "instances_retrievable" field must be a boolean, but has value "not-a-bool"\n' +
        '  Service "allow_context_updates" field must be a boolean, but has value "not-a-bool"\n' +
        '  Plan small\n' +
        '    Plan description may not have more than 10000 characters\n' +
        '    Schemas\n' +
        '      Schema service_instance.create.parameters is not valid. Must conform to JSON Schema Draft 04 (experimental support for later versions): ' +
        "The property '#/properties' of type boolean did not match the following type: object in schema " +
        'http://json-schema.org/draft-04/schema#\n' +
        'Service service-2\n' +
        "  Plan ids must be unique. Service service-2 already has a plan with id 'plan-b'\n" +
        '  Plan large\n' +
        '    Plan description is required\n' +
        'Service service-3\n' +
        '  Service dashboard client secret is required\n' +
        '  Service dashboard client redirect_uri is required\n' +
        '  Plan names must be unique within a service. Service service-3 already has a plan named tiny\n' +
        '  Plan tiny\n' +
        '    Plan id must be a string, but has value 123\n' +
        'Service service-4\n' +
        '  At least one plan is required\n',
    });
  });
});
