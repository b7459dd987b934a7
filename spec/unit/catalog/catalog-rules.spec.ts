import {
  FakeCatalogStore,
  PlansService,
  ServicesService,
  VisibilitiesService,
} from '../../../src/catalog';
import { InProcessChangeFeed } from '../../../src/changes';
import type { Change } from '../../../src/changes';
import { ManualClock } from '../../../src/clock';
import { pageRequest } from '../../../src/db/page-request';
import { CfError } from '../../../src/http/cf-errors';
import type { VisibilityCommand } from '../../../src/catalog';
import type { Organization } from '../../../src/orgs';

/**
 * The catalog's rules on a FakeCatalogStore: uniqueness, broker ownership, what blocks a delete,
 * the visibility preconditions, and what each write publishes. SQL visibility is covered by the
 * integration specs (spec/integration/v2/services.spec.ts and friends).
 */

async function rejection(work: Promise<unknown>): Promise<CfError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof CfError) return err;
    throw err;
  }
  throw new Error('expected a CfError');
}

const ORG: Organization = {
  id: 7,
  guid: 'org-7',
  name: 'acme',
  status: 'active',
  billingEnabled: false,
  quotaDefinitionGuid: null,
  createdAt: '2026-01-01T00:00:00Z',
  updatedAt: '2026-01-01T00:00:00Z',
};

const orgs = {
  findOrganization: (guid: string) => Promise.resolve(guid === ORG.guid ? ORG : undefined),
};

let store: FakeCatalogStore;
let catalog: {
  services: ServicesService;
  plans: PlansService;
  visibilities: VisibilitiesService;
};
let published: Change[];

beforeEach(() => {
  store = new FakeCatalogStore(new ManualClock());
  const changes = new InProcessChangeFeed();
  published = [];
  changes.subscribe((change) => published.push(change));
  const deps = {
    store,
    changes,
    checkExtra: (extra: string | null) =>
      extra === '{"bad":true}' ? 'extra.bad is not allowed' : undefined,
  };
  catalog = {
    services: new ServicesService(deps),
    plans: new PlansService(deps),
    visibilities: new VisibilitiesService({ store, changes, orgs }),
  };
});

describe('ServicesService.create', () => {
  it('when only label and description are given, stores CC’s defaults and publishes it', async () => {
    const service = await catalog.services.create({ label: 'mysql', description: 'db' });
    expect(service).toMatchObject({
      label: 'mysql',
      active: false,
      bindable: true,
      tags: [],
      requires: [],
      planUpdateable: false,
      serviceBrokerGuid: null,
    });
    expect(service.uniqueId).toMatch(/^[0-9a-f-]{36}$/);
    expect(published).toEqual([
      { topic: 'service', action: 'created', id: service.guid, detail: { label: 'mysql' } },
    ]);
  });

  it.each([
    ['the label of a broker-less entry', 'ServiceLabelTaken', { label: 'mysql' }],
    ['the unique_id of a broker-less entry', 'ServiceInvalid', { label: 'other', uniqueId: 'u1' }],
  ])('when it takes %s, answers %s and stores nothing', async (_name, error, clash) => {
    await catalog.services.create({ label: 'mysql', description: 'd', uniqueId: 'u1' });
    published = [];
    const err = await rejection(catalog.services.create({ description: 'd', ...clash }));
    expect(err.errorName).toBe(error);
    expect(store.serviceRows).toHaveLength(1);
    expect(published).toEqual([]);
  });

  it('when a broker already has that label, a broker-less entry may still take it', async () => {
    const broker = store.addBroker('b');
    await catalog.services.create({
      label: 'mysql',
      description: 'd',
      serviceBrokerGuid: broker.guid,
    });
    await expect(
      catalog.services.create({ label: 'mysql', description: 'd' }),
    ).resolves.toBeDefined();
  });

  it('when the broker guid is unknown, answers InvalidRelation', async () => {
    const err = await rejection(
      catalog.services.create({ label: 'x', description: 'd', serviceBrokerGuid: 'nope' }),
    );
    expect(err.errorName).toBe('InvalidRelation');
    expect(err.message).toContain('nope');
  });

  it('when extra fails the check, answers ServiceInvalid naming the problem', async () => {
    const err = await rejection(
      catalog.services.create({ label: 'x', description: 'd', extra: '{"bad":true}' }),
    );
    expect(err.errorName).toBe('ServiceInvalid');
    expect(err.message).toContain('extra.bad is not allowed');
    expect(store.serviceRows).toEqual([]);
  });
});

describe('ServicesService.update and delete', () => {
  it('when the entry belongs to a broker, refuses the change and leaves it as it was', async () => {
    const broker = store.addBroker('b');
    const owned = await catalog.services.create({
      label: 'owned',
      description: 'd',
      serviceBrokerGuid: broker.guid,
    });
    const err = await rejection(catalog.services.update(owned.guid, { description: 'new' }));
    expect(err.errorName).toBe('ServiceInvalid');
    expect(err.message).toContain('owned by service broker b');
    expect((await catalog.services.require(owned.guid)).description).toBe('d');
  });

  it('when only some fields are given, changes those and publishes the update', async () => {
    const service = await catalog.services.create({ label: 's', description: 'd', tags: ['a'] });
    published = [];
    const updated = await catalog.services.update(service.guid, { description: 'new' });
    expect(updated).toMatchObject({ label: 's', description: 'new', tags: ['a'] });
    expect(published.map((c) => [c.topic, c.action, c.id])).toEqual([
      ['service', 'updated', service.guid],
    ]);
  });

  it('when the service has plans and purge is not asked, answers AssociationNotEmpty', async () => {
    const service = await catalog.services.create({ label: 's', description: 'd' });
    await catalog.plans.create({ serviceGuid: service.guid, name: 'p', description: 'd' });
    const err = await rejection(catalog.services.delete(service.guid, false));
    expect(err.errorName).toBe('AssociationNotEmpty');
    expect(store.planRows).toHaveLength(1);
  });

  it('when purge is asked, removes the service with its plans and publishes the delete', async () => {
    const service = await catalog.services.create({ label: 's', description: 'd' });
    await catalog.plans.create({ serviceGuid: service.guid, name: 'p', description: 'd' });
    published = [];
    await catalog.services.delete(service.guid, true);
    expect(store.serviceRows).toEqual([]);
    expect(store.planRows).toEqual([]);
    expect(published).toEqual([
      { topic: 'service', action: 'deleted', id: service.guid, detail: { label: 's' } },
    ]);
  });
});

describe('PlansService', () => {
  it('when a plan is added to a broker’s service, answers ServicePlanInvalid', async () => {
    const broker = store.addBroker('b');
    const owned = await catalog.services.create({
      label: 'o',
      description: 'd',
      serviceBrokerGuid: broker.guid,
    });
    const err = await rejection(
      catalog.plans.create({ serviceGuid: owned.guid, name: 'p', description: 'd' }),
    );
    expect(err.errorName).toBe('ServicePlanInvalid');
    expect(store.planRows).toEqual([]);
  });

  it('when the name is taken within the service, answers ServicePlanNameTaken', async () => {
    const service = await catalog.services.create({ label: 's', description: 'd' });
    await catalog.plans.create({ serviceGuid: service.guid, name: 'p', description: 'd' });
    const err = await rejection(
      catalog.plans.create({ serviceGuid: service.guid, name: 'p', description: 'other' }),
    );
    expect(err.errorName).toBe('ServicePlanNameTaken');
    expect(store.planRows).toHaveLength(1);
  });

  it('when a new plan leaves fields out, takes CC’s defaults and publishes it', async () => {
    const service = await catalog.services.create({ label: 's', description: 'd' });
    published = [];
    const plan = await catalog.plans.create({
      serviceGuid: service.guid,
      name: 'p',
      description: 'd',
    });
    expect(plan).toMatchObject({ free: true, public: true, active: true, bindable: null });
    expect(published).toEqual([
      {
        topic: 'plan',
        action: 'created',
        id: plan.guid,
        detail: { name: 'p', service_guid: service.guid },
      },
    ]);
  });

  it('when a broker’s plan is updated, applies only `public`', async () => {
    const broker = store.addBroker('b');
    const service = await catalog.services.create({
      label: 'o',
      description: 'd',
      serviceBrokerGuid: broker.guid,
    });
    const planGuid = await store.plans.insert(service.id, {
      name: 'p',
      description: 'd',
      free: true,
      public: true,
      active: true,
      bindable: null,
      planUpdateable: null,
      maximumPollingDuration: null,
      maintenanceInfo: null,
      schemas: {},
      extra: null,
      uniqueId: 'u',
    });
    const updated = await catalog.plans.update(planGuid, { public: false, name: 'renamed' });
    expect(updated).toMatchObject({ public: false, name: 'p' });
  });

  it('when instances use the plan, answers AssociationNotEmpty and keeps it', async () => {
    const service = await catalog.services.create({ label: 's', description: 'd' });
    const plan = await catalog.plans.create({
      serviceGuid: service.guid,
      name: 'p',
      description: 'd',
    });
    store.instancesPerPlan.set(plan.id, 1);
    const err = await rejection(catalog.plans.delete(plan.guid));
    expect(err.errorName).toBe('AssociationNotEmpty');
    expect(store.planRows).toHaveLength(1);
  });

  it('when listed for an anonymous viewer, answers only active public plans', async () => {
    const service = await catalog.services.create({ label: 's', description: 'd' });
    for (const [name, isPublic, active] of [
      ['open', true, true],
      ['private', false, true],
      ['retired', true, false],
    ] as const)
      await catalog.plans.create({
        serviceGuid: service.guid,
        name,
        description: 'd',
        public: isPublic,
        active,
      });
    const page = await catalog.plans.list(
      { kind: 'anonymous' },
      pageRequest({ perPage: 10 }),
      false,
    );
    expect(page.items.map((p) => p.plan.name)).toEqual(['open']);
  });
});

describe('VisibilitiesService', () => {
  async function privatePlan(): Promise<string> {
    const service = await catalog.services.create({ label: 's', description: 'd' });
    const plan = await catalog.plans.create({
      serviceGuid: service.guid,
      name: 'p',
      description: 'd',
      public: false,
    });
    return plan.guid;
  }

  it('when plan and organization qualify, creates it once and publishes it', async () => {
    const planGuid = await privatePlan();
    published = [];
    const made = await catalog.visibilities.create({
      servicePlanGuid: planGuid,
      organizationGuid: ORG.guid,
    });
    expect(made.servicePlanGuid).toBe(planGuid);
    expect(published).toEqual([
      {
        topic: 'visibility',
        action: 'created',
        id: made.guid,
        detail: { service_plan_guid: planGuid, organization_guid: 'org-7' },
      },
    ]);
    const again = await rejection(
      catalog.visibilities.create({ servicePlanGuid: planGuid, organizationGuid: ORG.guid }),
    );
    expect(again.errorName).toBe('ServicePlanVisibilityAlreadyExists');
    expect(store.visibilityRows).toHaveLength(1);
  });

  it('when the plan is public, answers ServicePlanVisibilityInvalid', async () => {
    const service = await catalog.services.create({ label: 's', description: 'd' });
    const plan = await catalog.plans.create({
      serviceGuid: service.guid,
      name: 'p',
      description: 'd',
    });
    const err = await rejection(
      catalog.visibilities.create({ servicePlanGuid: plan.guid, organizationGuid: ORG.guid }),
    );
    expect(err.errorName).toBe('ServicePlanVisibilityInvalid');
    expect(err.message).toContain('publicly available');
  });

  it.each<[string, Partial<VisibilityCommand>, string]>([
    ['plan', { servicePlanGuid: 'nope' }, 'ServicePlan'],
    ['organization', { organizationGuid: 'nope' }, 'Organization'],
  ])('when the %s is unknown, answers InvalidRelation naming it', async (_n, given, kind) => {
    const planGuid = await privatePlan();
    const err = await rejection(
      catalog.visibilities.create({
        servicePlanGuid: planGuid,
        organizationGuid: ORG.guid,
        ...given,
      }),
    );
    expect(err.errorName).toBe('InvalidRelation');
    expect(err.message).toContain(`Could not find ${kind} with guid: nope`);
  });

  it('when the plan comes from a space-scoped broker, answers ServicePlanVisibilityInvalid', async () => {
    const broker = store.addBroker('private', true);
    const service = await catalog.services.create({
      label: 'scoped',
      description: 'd',
      serviceBrokerGuid: broker.guid,
    });
    const planGuid = await store.plans.insert(service.id, {
      name: 'p',
      description: 'd',
      free: true,
      public: false,
      active: true,
      bindable: null,
      planUpdateable: null,
      maximumPollingDuration: null,
      maintenanceInfo: null,
      schemas: {},
      extra: null,
      uniqueId: 'u',
    });
    const err = await rejection(
      catalog.visibilities.create({ servicePlanGuid: planGuid, organizationGuid: ORG.guid }),
    );
    expect(err.errorName).toBe('ServicePlanVisibilityInvalid');
    expect(err.message).toContain('private broker');
  });
});
