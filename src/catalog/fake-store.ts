import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { PageRequest } from '../db/page-request';
import { offsetOf } from '../db/page-request';
import type { Paged } from '../db/paging';
import { currentTimestamp } from '../db/timestamps';
import { toPlanSchemas } from './rows';
import type {
  CatalogStore,
  PlanConflicts,
  PlansStore,
  ServiceConflicts,
  ServicesStore,
  VisibilitiesStore,
} from './store-port';
import type {
  CatalogViewer,
  PlanFields,
  PlanVisibility,
  Service,
  ServiceFields,
  ServicePlan,
} from './types';

function page<T>(all: readonly T[], request: PageRequest): Paged<T> {
  if (request.filters.length > 0) throw new Error('FakeCatalogStore does not filter');
  const ordered = request.order.direction === 'desc' ? [...all].reverse() : [...all];
  const start = offsetOf(request);
  return { total: all.length, items: ordered.slice(start, start + request.perPage) };
}

/** Membership lives in SQL (src/orgs' query pieces); the fake knows only the two simple viewers. */
function planVisibleTo(plan: ServicePlan, viewer: CatalogViewer): boolean {
  switch (viewer.kind) {
    case 'everything':
      return true;
    case 'anonymous':
      return plan.active && plan.public;
    case 'user':
    case 'space':
      throw new Error(`FakeCatalogStore does not evaluate ${viewer.kind} visibility`);
  }
}

interface FakeBroker {
  id: number;
  guid: string;
  name: string;
  spaceScoped: boolean;
}

/**
 * An in-memory CatalogStore for specs of the catalog's rules (uniqueness, broker ownership,
 * what blocks a delete, visibility preconditions) without SQLite. Orders by insertion only;
 * filters and membership-based viewers are refused, not ignored.
 */
export class FakeCatalogStore implements CatalogStore {
  readonly serviceRows: Service[] = [];
  readonly planRows: ServicePlan[] = [];
  readonly visibilityRows: (PlanVisibility & { planId: number; organizationId: number })[] = [];
  readonly brokers: FakeBroker[] = [];
  /** Instances per plan id: other features' rows that block a plan's delete. */
  readonly instancesPerPlan = new Map<number, number>();
  private nextId = 1;

  constructor(private readonly clock: Clock) {}

  addBroker(name: string, spaceScoped = false): FakeBroker {
    const broker = { id: this.nextId++, guid: randomUUID(), name, spaceScoped };
    this.brokers.push(broker);
    return broker;
  }

  transaction<T>(work: (store: CatalogStore) => Promise<T>): Promise<T> {
    return work(this);
  }

  private now(): string {
    return currentTimestamp(this.clock.now());
  }

  private serviceFrom(
    id: number,
    guid: string,
    fields: ServiceFields,
    brokerId: number | null,
    createdAt: string,
  ): Service {
    const broker = this.brokers.find((b) => b.id === brokerId);
    return {
      ...fields,
      tags: [...fields.tags],
      requires: [...fields.requires],
      id,
      guid,
      serviceBrokerGuid: broker?.guid ?? null,
      serviceBrokerName: broker?.name ?? null,
      createdAt,
      updatedAt: this.now(),
    };
  }

  /** The plan as a store reads it back: schemas completed the way the SQL row mapper does. */
  private planFrom(existing: Omit<ServicePlan, 'schemas'>, schemas: unknown): ServicePlan {
    return { ...existing, schemas: toPlanSchemas(schemas) };
  }

  readonly services: ServicesStore = {
    list: (request, viewer) =>
      Promise.resolve(
        page(
          this.serviceRows.filter((s) => this.serviceVisible(s, viewer)),
          request,
        ),
      ),
    find: (guid, viewer = { kind: 'everything' }) =>
      Promise.resolve(
        this.serviceRows.find((s) => s.guid === guid && this.serviceVisible(s, viewer)),
      ),
    visibleIds: (request, viewer) =>
      Promise.resolve(
        page(
          this.serviceRows.filter((s) => this.serviceVisible(s, viewer)),
          { ...request, page: 1, perPage: Number.MAX_SAFE_INTEGER },
        ).items.map((s) => s.id),
      ),
    findByIds: (ids) => Promise.resolve(this.serviceRows.filter((s) => ids.includes(s.id))),
    insert: (fields, serviceBrokerId) => {
      const guid = randomUUID();
      this.serviceRows.push(
        this.serviceFrom(this.nextId++, guid, fields, serviceBrokerId, this.now()),
      );
      return Promise.resolve(guid);
    },
    update: (id, fields) => {
      const index = this.serviceRows.findIndex((s) => s.id === id);
      const current = this.serviceRows[index];
      if (current === undefined) return Promise.resolve();
      const defined = Object.fromEntries(
        Object.entries(fields).filter(([, value]) => value !== undefined),
      );
      const broker = this.brokers.find((b) => b.guid === current.serviceBrokerGuid);
      this.serviceRows[index] = this.serviceFrom(
        id,
        current.guid,
        { ...current, ...defined },
        broker?.id ?? null,
        current.createdAt,
      );
      return Promise.resolve();
    },
    brokerIdByGuid: (guid) => Promise.resolve(this.brokers.find((b) => b.guid === guid)?.id),
    uniquenessConflicts: (label, uniqueId, serviceBrokerId, exceptId) => {
      const brokerGuid = this.brokers.find((b) => b.id === serviceBrokerId)?.guid ?? null;
      const peers = this.serviceRows.filter(
        (s) => s.serviceBrokerGuid === brokerGuid && s.id !== exceptId,
      );
      const conflicts: ServiceConflicts = {
        label: serviceBrokerId === null && peers.some((s) => s.label === label),
        uniqueId: peers.some((s) => s.uniqueId === uniqueId),
      };
      return Promise.resolve(conflicts);
    },
    countPlans: (serviceId) =>
      Promise.resolve(this.planRows.filter((p) => p.serviceId === serviceId).length),
    purge: (serviceId) => {
      const planIds = this.planRows.filter((p) => p.serviceId === serviceId).map((p) => p.id);
      this.remove(this.visibilityRows, (v) => planIds.includes(v.planId));
      this.remove(this.planRows, (p) => p.serviceId === serviceId);
      this.remove(this.serviceRows, (s) => s.id === serviceId);
      for (const id of planIds) this.instancesPerPlan.delete(id);
      return Promise.resolve();
    },
  };

  readonly plans: PlansStore = {
    list: (request, viewer, serviceId) =>
      Promise.resolve(
        page(
          this.planRows.filter(
            (p) =>
              planVisibleTo(p, viewer) && (serviceId === undefined || p.serviceId === serviceId),
          ),
          request,
        ),
      ),
    listForServices: (serviceIds, viewer) =>
      Promise.resolve(
        this.planRows.filter((p) => serviceIds.includes(p.serviceId) && planVisibleTo(p, viewer)),
      ),
    find: (guid) => Promise.resolve(this.planRows.find((p) => p.guid === guid)),
    isVisible: (planId, viewer) =>
      Promise.resolve(this.planRows.some((p) => p.id === planId && planVisibleTo(p, viewer))),
    backsInstanceInSpacesOf: () => Promise.resolve(false),
    isFromSpaceScopedBroker: (planId) => {
      const plan = this.planRows.find((p) => p.id === planId);
      return Promise.resolve(
        this.brokers.some((b) => b.id === plan?.serviceBrokerId && b.spaceScoped),
      );
    },
    insert: (serviceId, fields) => {
      const service = this.serviceRows.find((s) => s.id === serviceId);
      if (service === undefined) throw new Error(`no service ${serviceId}`);
      const guid = randomUUID();
      const now = this.now();
      this.planRows.push(
        this.planFrom(
          {
            ...fields,
            id: this.nextId++,
            guid,
            serviceId,
            serviceGuid: service.guid,
            serviceBindable: service.bindable,
            serviceBrokerId:
              this.brokers.find((b) => b.guid === service.serviceBrokerGuid)?.id ?? null,
            createdAt: now,
            updatedAt: now,
          },
          fields.schemas,
        ),
      );
      return Promise.resolve(guid);
    },
    update: (id, fields) => {
      const index = this.planRows.findIndex((p) => p.id === id);
      const current = this.planRows[index];
      if (current === undefined) return Promise.resolve();
      const defined: Partial<PlanFields> = Object.fromEntries(
        Object.entries(fields).filter(([, value]) => value !== undefined),
      );
      this.planRows[index] = this.planFrom(
        { ...current, ...defined, updatedAt: this.now() },
        defined.schemas ?? current.schemas,
      );
      return Promise.resolve();
    },
    uniquenessConflicts: (serviceId, name, uniqueId, exceptId) => {
      const peers = this.planRows.filter((p) => p.serviceId === serviceId && p.id !== exceptId);
      const conflicts: PlanConflicts = {
        name: peers.some((p) => p.name === name),
        uniqueId: peers.some((p) => p.uniqueId === uniqueId),
      };
      return Promise.resolve(conflicts);
    },
    countInstances: (planId) => Promise.resolve(this.instancesPerPlan.get(planId) ?? 0),
    delete: (planId) => {
      this.remove(this.visibilityRows, (v) => v.planId === planId);
      this.remove(this.planRows, (p) => p.id === planId);
      return Promise.resolve();
    },
  };

  readonly visibilities: VisibilitiesStore = {
    list: (request) => Promise.resolve(page(this.visibilityRows, request)),
    find: (guid) => Promise.resolve(this.visibilityRows.find((v) => v.guid === guid)),
    exists: (planId, organizationId, exceptId) =>
      Promise.resolve(
        this.visibilityRows.some(
          (v) => v.planId === planId && v.organizationId === organizationId && v.id !== exceptId,
        ),
      ),
    insert: (planId, organizationId) => {
      const guid = randomUUID();
      const now = this.now();
      this.visibilityRows.push({
        id: this.nextId++,
        guid,
        planId,
        organizationId,
        servicePlanGuid: this.planRows.find((p) => p.id === planId)?.guid ?? '',
        organizationGuid: `org-${organizationId}`,
        createdAt: now,
        updatedAt: now,
      });
      return Promise.resolve(guid);
    },
    update: (id, planId, organizationId) => {
      const row = this.visibilityRows.find((v) => v.id === id);
      if (row !== undefined) {
        row.planId = planId;
        row.organizationId = organizationId;
        row.servicePlanGuid = this.planRows.find((p) => p.id === planId)?.guid ?? '';
        row.organizationGuid = `org-${organizationId}`;
        row.updatedAt = this.now();
      }
      return Promise.resolve();
    },
    delete: (id) => {
      this.remove(this.visibilityRows, (v) => v.id === id);
      return Promise.resolve();
    },
  };

  private serviceVisible(service: Service, viewer: CatalogViewer): boolean {
    if (viewer.kind === 'everything') return true;
    return this.planRows.some((p) => p.serviceId === service.id && planVisibleTo(p, viewer));
  }

  private remove<T>(rows: T[], doomed: (row: T) => boolean): void {
    for (let i = rows.length - 1; i >= 0; i--) {
      const row = rows[i];
      if (row !== undefined && doomed(row)) rows.splice(i, 1);
    }
  }
}
