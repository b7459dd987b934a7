import { planRemovals } from '../../../src/catalog/catalog-sync-plan';
import type {
  ExistingPlan,
  ExistingService,
  SyncServiceEntry,
  SyncRemovals,
} from '../../../src/catalog/catalog-sync-plan';

const BROKER_URL = 'http://broker.test';

/** A catalog entry: service id → its plans as `id:name` (the name defaults to the id). */
function entries(catalog: Record<string, string[]>): SyncServiceEntry[] {
  return Object.entries(catalog).map(([serviceId, plans]) => ({
    uniqueId: serviceId,
    fields: {
      label: `label-${serviceId}`,
      description: '',
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
      uniqueId: serviceId,
      tags: [],
      requires: [],
      planUpdateable: false,
      bindingsRetrievable: false,
      instancesRetrievable: false,
      allowContextUpdates: false,
    },
    plans: plans.map((spec) => {
      const [id = '', name = id] = spec.split(':');
      return {
        uniqueId: id,
        fields: {
          name,
          description: '',
          free: true,
          active: true,
          bindable: null,
          planUpdateable: null,
          maximumPollingDuration: null,
          maintenanceInfo: null,
          schemas: {},
          extra: null,
          uniqueId: id,
        },
      };
    }),
  }));
}

/**
 * What the store holds. Service `s1` has id 1, `s2` id 2, …; plans are numbered 101, 102, … in
 * order; a plan written `p1*` has instances; `p1:name` gives it a name other than its id.
 */
function existing(stored: Record<string, string[]>): {
  services: ExistingService[];
  plans: ExistingPlan[];
} {
  const services: ExistingService[] = [];
  const plans: ExistingPlan[] = [];
  Object.entries(stored).forEach(([serviceId, planSpecs], i) => {
    services.push({ id: i + 1, uniqueId: serviceId, label: `label-${serviceId}` });
    for (const spec of planSpecs) {
      const inUse = spec.endsWith('*');
      const [id = '', name = id] = spec.replace(/\*$/, '').split(':');
      plans.push({ id: 101 + plans.length, uniqueId: id, name, serviceUniqueId: serviceId, inUse });
    }
  });
  return { services, plans };
}

function warning(label: string, plans: string): string {
  return (
    `Warning: Service plans are missing from the broker's catalog (${BROKER_URL}/v2/catalog) but can not be removed from Cloud Foundry ` +
    'while instances exist. The plans have been deactivated to prevent users from attempting to provision new instances of these ' +
    'plans. The broker should continue to support bind, unbind, and delete for existing instances; if these operations fail ' +
    `contact your broker provider.\nService Offering: ${label}\nPlans deactivated: ${plans}`
  );
}

const NOTHING: SyncRemovals = {
  planIdsToDelete: [],
  planIdsToDeactivate: [],
  planIdsRenamed: [],
  serviceIdsToDelete: [],
  serviceIdsToDeactivate: [],
  warnings: [],
  problems: '',
};

describe('planRemovals', () => {
  it.each<[string, Record<string, string[]>, Record<string, string[]>, Partial<SyncRemovals>]>([
    ['a first sync: nothing stored, nothing to remove', {}, { s1: ['p1'] }, {}],
    ['the same catalog again', { s1: ['p1', 'p2'] }, { s1: ['p1', 'p2'] }, {}],
    ['a plan added', { s1: ['p1'] }, { s1: ['p1', 'p2'] }, {}],
    [
      'a plan without instances removed: deleted',
      { s1: ['p1', 'p2'] },
      { s1: ['p1'] },
      { planIdsToDelete: [102] },
    ],
    [
      'a plan with instances removed: deactivated, with a warning',
      { s1: ['p1', 'p2*'] },
      { s1: ['p1'] },
      { planIdsToDeactivate: [102], warnings: [warning('label-s1', 'p2')] },
    ],
    [
      'two plans with instances of one service: one warning naming both',
      { s1: ['p1', 'p2*', 'p3*'] },
      { s1: ['p1'] },
      { planIdsToDeactivate: [102, 103], warnings: [warning('label-s1', 'p2, p3')] },
    ],
    [
      'plans with instances in two services: one warning per service',
      { s1: ['a1', 'a2*'], s2: ['b1', 'b2*'] },
      { s1: ['a1'], s2: ['b1'] },
      {
        planIdsToDeactivate: [102, 104],
        warnings: [warning('label-s1', 'a2'), warning('label-s2', 'b2')],
      },
    ],
    [
      'a service without instances removed: it and its plans deleted',
      { s1: ['p1'], s2: ['p2', 'p3'] },
      { s1: ['p1'] },
      { planIdsToDelete: [102, 103], serviceIdsToDelete: [2] },
    ],
    [
      'a service with an instance removed: deactivated with that plan, its other plans deleted',
      { s1: ['p1'], s2: ['p2*', 'p3'] },
      { s1: ['p1'] },
      {
        planIdsToDelete: [103],
        planIdsToDeactivate: [102],
        serviceIdsToDeactivate: [2],
        warnings: [warning('label-s2', 'p2')],
      },
    ],
    [
      'every service removed',
      { s1: ['p1'], s2: ['p2'] },
      {},
      { planIdsToDelete: [101, 102], serviceIdsToDelete: [1, 2] },
    ],
    [
      'a plan that moved to another service is a new plan there; the old one goes',
      { s1: ['p1', 'p2'], s2: ['p3'] },
      { s1: ['p1'], s2: ['p3', 'p2'] },
      { planIdsToDelete: [102] },
    ],
    [
      'a plan id is only matched within its service (same id elsewhere does not keep it)',
      { s1: ['x'], s2: ['y'] },
      { s1: ['y'], s2: ['x'] },
      { planIdsToDelete: [101, 102] },
    ],
    [
      'a renamed plan is renamed, not removed',
      { s1: ['p1:small'] },
      { s1: ['p1:tiny'] },
      { planIdsRenamed: [101] },
    ],
    [
      'two plans swapping names are both renamed',
      { s1: ['p1:small', 'p2:large'] },
      { s1: ['p1:large', 'p2:small'] },
      { planIdsRenamed: [101, 102] },
    ],
    [
      'a new plan may take the name of a plan deleted in the same sync',
      { s1: ['p1:small'] },
      { s1: ['p2:small'] },
      { planIdsToDelete: [101] },
    ],
    [
      'a new plan may not take the name of a plan kept for its instances',
      { s1: ['p1:small*'] },
      { s1: ['p2:small', 'p3:large'] },
      {
        planIdsToDeactivate: [101],
        warnings: [warning('label-s1', 'small')],
        problems:
          '\nService label-s1\n  Plan names must be unique within a service. Service label-s1 already has a plan named small\n',
      },
    ],
    [
      'nor may a renamed plan',
      { s1: ['p1:small*', 'p2:large'] },
      { s1: ['p2:small'] },
      {
        planIdsToDeactivate: [101],
        planIdsRenamed: [102],
        warnings: [warning('label-s1', 'small')],
        problems:
          '\nService label-s1\n  Plan names must be unique within a service. Service label-s1 already has a plan named small\n',
      },
    ],
  ])('%s', (_case, stored, catalog, expected) => {
    const { services, plans } = existing(stored);

    expect(planRemovals(entries(catalog), services, plans, BROKER_URL)).toEqual({
      ...NOTHING,
      ...expected,
    });
  });

  it('names the service by its stored label in the warning when the catalog no longer has it', () => {
    const { services, plans } = existing({ gone: ['p1*'] });

    const removals = planRemovals([], services, plans, BROKER_URL);

    expect(removals.warnings).toEqual([warning('label-gone', 'p1')]);
    expect(removals.serviceIdsToDeactivate).toEqual([1]);
  });

  it('scales linearly: 10,000 stored plans are planned without quadratic lookups', () => {
    const stored = Object.fromEntries(
      Array.from({ length: 1000 }, (_, s) => [
        `s${s}`,
        Array.from({ length: 10 }, (_, p) => `s${s}-p${p}`),
      ]),
    );
    const catalog = Object.fromEntries(Object.entries(stored).slice(0, 900));
    const { services, plans } = existing(stored);
    const started = process.hrtime.bigint();

    const removals = planRemovals(entries(catalog), services, plans, BROKER_URL);

    expect(Number(process.hrtime.bigint() - started) / 1e6).toBeLessThan(500);
    expect(removals.serviceIdsToDelete).toHaveLength(100);
    expect(removals.planIdsToDelete).toHaveLength(1000);
  });
});
