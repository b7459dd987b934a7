import type { OsbPlan, OsbService } from '../../../src/osb-catalog';
import { toSyncEntries } from '../../../src/broker-registry/to-sync-entries';
import type { SyncPlanEntry, SyncServiceEntry } from '../../../src/catalog';

const MINIMAL_PLAN: OsbPlan = { id: 'plan-1', name: 'small', description: 'A small plan' };
const MINIMAL_SERVICE: OsbService = {
  id: 'svc-1',
  name: 'db',
  description: 'A database',
  bindable: true,
  plans: [MINIMAL_PLAN],
};

/** What a catalog plan with only the required keys becomes. */
const DEFAULT_PLAN_FIELDS: SyncPlanEntry['fields'] = {
  name: 'small',
  description: 'A small plan',
  free: true,
  active: true,
  bindable: null,
  planUpdateable: null,
  maximumPollingDuration: null,
  maintenanceInfo: null,
  schemas: {},
  extra: null,
  uniqueId: 'plan-1',
};

/** What a catalog service with only the required keys becomes. */
const DEFAULT_SERVICE_FIELDS: SyncServiceEntry['fields'] = {
  label: 'db',
  description: 'A database',
  longDescription: null,
  infoUrl: null,
  documentationUrl: null,
  provider: null,
  url: null,
  version: null,
  timeout: null,
  active: true,
  bindable: true,
  extra: null,
  uniqueId: 'svc-1',
  tags: [],
  requires: [],
  planUpdateable: false,
  bindingsRetrievable: false,
  instancesRetrievable: false,
  allowContextUpdates: false,
};

function onlyService(service: Partial<OsbService>): SyncServiceEntry {
  const [entry] = toSyncEntries({ services: [{ ...MINIMAL_SERVICE, ...service }] });
  if (!entry) throw new Error('no entry');
  return entry;
}

function onlyPlan(plan: Partial<OsbPlan>): SyncPlanEntry {
  const [entry] = onlyService({ plans: [{ ...MINIMAL_PLAN, ...plan }] }).plans;
  if (!entry) throw new Error('no plan entry');
  return entry;
}

describe('toSyncEntries', () => {
  describe('services', () => {
    it.each<[string, Partial<OsbService>, Partial<SyncServiceEntry['fields']>]>([
      ['only the required keys: defaults, v1 leftovers null', {}, {}],
      ['a non-bindable service', { bindable: false }, { bindable: false }],
      [
        'metadata becomes the JSON-encoded `extra` string',
        { metadata: { displayName: 'DB', shareable: true } },
        { extra: '{"displayName":"DB","shareable":true}' },
      ],
      ['empty metadata is still an (empty) JSON object', { metadata: {} }, { extra: '{}' }],
      [
        'tags and requires kept in order',
        { tags: ['b', 'a'], requires: ['syslog_drain', 'volume_mount'] },
        { tags: ['b', 'a'], requires: ['syslog_drain', 'volume_mount'] },
      ],
      [
        'the four optional booleans, true',
        {
          plan_updateable: true,
          bindings_retrievable: true,
          instances_retrievable: true,
          allow_context_updates: true,
        },
        {
          planUpdateable: true,
          bindingsRetrievable: true,
          instancesRetrievable: true,
          allowContextUpdates: true,
        },
      ],
      [
        'the four optional booleans, explicitly false',
        {
          plan_updateable: false,
          bindings_retrievable: false,
          instances_retrievable: false,
          allow_context_updates: false,
        },
        {},
      ],
      [
        'a dashboard client is not a service column',
        { dashboard_client: { id: 'c', secret: 's', redirect_uri: 'https://x' } },
        {},
      ],
      ['a service without plans is inactive', { plans: [] }, { active: false }],
    ])('%s', (_case, service, expected) => {
      expect(onlyService(service).fields).toEqual({ ...DEFAULT_SERVICE_FIELDS, ...expected });
    });

    it('keys the entry by the broker’s service id', () => {
      expect(onlyService({ id: 'svc-xyz' })).toMatchObject({
        uniqueId: 'svc-xyz',
        fields: { uniqueId: 'svc-xyz' },
      });
    });
  });

  describe('plans', () => {
    it.each<[string, Partial<OsbPlan>, Partial<SyncPlanEntry['fields']>]>([
      ['only the required keys: free, active, the rest null', {}, {}],
      ['a paid plan', { free: false }, { free: false }],
      [
        'bindable stays the plan’s own value (the presenter inherits)',
        { bindable: false },
        { bindable: false },
      ],
      ['plan_updateable set', { plan_updateable: true }, { planUpdateable: true }],
      [
        'plan_updateable false is kept, not nulled',
        { plan_updateable: false },
        { planUpdateable: false },
      ],
      [
        'maximum_polling_duration',
        { maximum_polling_duration: 3600 },
        { maximumPollingDuration: 3600 },
      ],
      [
        'maximum_polling_duration of 0 is kept',
        { maximum_polling_duration: 0 },
        { maximumPollingDuration: 0 },
      ],
      [
        'maintenance_info with a description',
        { maintenance_info: { version: '1.2.3', description: 'OS update' } },
        { maintenanceInfo: { version: '1.2.3', description: 'OS update' } },
      ],
      [
        'maintenance_info without a description',
        { maintenance_info: { version: '2.0.0' } },
        { maintenanceInfo: { version: '2.0.0' } },
      ],
      [
        'schemas are passed on as sent',
        {
          schemas: {
            service_instance: {
              create: { parameters: { $schema: 'http://json-schema.org/draft-04/schema#' } },
            },
          },
        },
        {
          schemas: {
            service_instance: {
              create: { parameters: { $schema: 'http://json-schema.org/draft-04/schema#' } },
            },
          },
        },
      ],
      [
        'metadata becomes the JSON-encoded `extra` string',
        { metadata: { bullets: ['1 GB'] } },
        { extra: '{"bullets":["1 GB"]}' },
      ],
    ])('%s', (_case, plan, expected) => {
      expect(onlyPlan(plan)).toEqual({
        uniqueId: 'plan-1',
        fields: { ...DEFAULT_PLAN_FIELDS, ...expected },
      });
    });

    it('never decides `public` (new plans start private in the store; existing ones keep theirs)', () => {
      expect(onlyPlan({})).not.toHaveProperty('fields.public');
    });
  });

  it.each<[string, OsbService[], string[][]]>([
    ['no services', [], []],
    ['one service, one plan', [MINIMAL_SERVICE], [['svc-1', 'plan-1']]],
    [
      'services and plans in catalog order',
      [
        {
          ...MINIMAL_SERVICE,
          id: 'b',
          plans: [
            { ...MINIMAL_PLAN, id: 'b2' },
            { ...MINIMAL_PLAN, id: 'b1' },
          ],
        },
        { ...MINIMAL_SERVICE, id: 'a', plans: [{ ...MINIMAL_PLAN, id: 'a1' }] },
      ],
      [
        ['b', 'b2', 'b1'],
        ['a', 'a1'],
      ],
    ],
  ])('keeps the catalog’s order: %s', (_case, services, expected) => {
    expect(
      toSyncEntries({ services }).map((e) => [e.uniqueId, ...e.plans.map((p) => p.uniqueId)]),
    ).toEqual(expected);
  });

  it('is pure: the catalog is not modified', () => {
    const catalog = { services: [{ ...MINIMAL_SERVICE, tags: ['x'], metadata: { a: 1 } }] };
    const copy = structuredClone(catalog);

    toSyncEntries(catalog);

    expect(catalog).toEqual(copy);
  });
});
