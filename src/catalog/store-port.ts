import type { Paged } from '../db/paging';
import type { PageRequest } from '../db/page-request';
import type {
  CatalogViewer,
  PlanFields,
  PlanVisibility,
  Service,
  ServiceFields,
  ServicePlan,
} from './types';

/** Which uniqueness rules a write would break (mirrors the unique indexes). */
export interface ServiceConflicts {
  label: boolean;
  uniqueId: boolean;
}

export interface PlanConflicts {
  name: boolean;
  uniqueId: boolean;
}

/** Catalog entries (`services`), with their broker's guid and name. */
export interface ServicesStore {
  /** The services `viewer` may see (one of their plans is visible to them). */
  list(request: PageRequest, viewer: CatalogViewer): Promise<Paged<Service>>;
  /** Undefined when missing or, for a viewer other than everything, not visible to them. */
  find(guid: string, viewer?: CatalogViewer): Promise<Service | undefined>;
  findByIds(ids: readonly number[]): Promise<Service[]>;
  /** The ids of every service `viewer` may see under `request`'s filters, in its order. */
  visibleIds(
    request: Pick<PageRequest, 'filters' | 'order'>,
    viewer: CatalogViewer,
  ): Promise<number[]>;
  /** Returns the new guid. */
  insert(fields: ServiceFields, serviceBrokerId: number | null): Promise<string>;
  update(id: number, fields: Partial<ServiceFields>): Promise<void>;
  brokerIdByGuid(guid: string): Promise<number | undefined>;
  /**
   * Labels are unique among broker-less entries, unique_ids within one broker (or among
   * broker-less entries).
   */
  uniquenessConflicts(
    label: string,
    uniqueId: string,
    serviceBrokerId: number | null,
    exceptId?: number,
  ): Promise<ServiceConflicts>;
  countPlans(serviceId: number): Promise<number>;
  /** Removes a service and everything hanging off it, without any broker call. */
  purge(serviceId: number): Promise<void>;
}

/** Service plans, with their service's guid, bindability and broker. */
export interface PlansStore {
  /** The plans `viewer` may see, optionally only those of one service. */
  list(
    request: PageRequest,
    viewer: CatalogViewer,
    serviceId?: number,
  ): Promise<Paged<ServicePlan>>;
  /** Visible plans of several services at once (for inline-relations-depth), in id order. */
  listForServices(serviceIds: readonly number[], viewer: CatalogViewer): Promise<ServicePlan[]>;
  find(guid: string): Promise<ServicePlan | undefined>;
  isVisible(planId: number, viewer: CatalogViewer): Promise<boolean>;
  /** Whether the plan backs an instance in a space where the user holds a role. */
  backsInstanceInSpacesOf(planId: number, userGuid: string): Promise<boolean>;
  isFromSpaceScopedBroker(planId: number): Promise<boolean>;
  insert(serviceId: number, fields: PlanFields): Promise<string>;
  update(id: number, fields: Partial<PlanFields>): Promise<void>;
  /** Plan names and unique_ids are unique within one service. */
  uniquenessConflicts(
    serviceId: number,
    name: string,
    uniqueId: string,
    exceptId?: number,
  ): Promise<PlanConflicts>;
  countInstances(planId: number): Promise<number>;
  /** Deletes the plan and its visibilities. */
  delete(planId: number): Promise<void>;
}

/** Which organizations may use which non-public plans. */
export interface VisibilitiesStore {
  list(request: PageRequest): Promise<Paged<PlanVisibility>>;
  find(guid: string): Promise<PlanVisibility | undefined>;
  exists(planId: number, organizationId: number, exceptId?: number): Promise<boolean>;
  insert(planId: number, organizationId: number): Promise<string>;
  update(id: number, planId: number, organizationId: number): Promise<void>;
  delete(id: number): Promise<void>;
}

/**
 * The catalog's storage as its services see it: named reads and writes, no query builders.
 * `SqlCatalogStore` is the real one; specs of the rules use `FakeCatalogStore`.
 */
export interface CatalogStore {
  readonly services: ServicesStore;
  readonly plans: PlansStore;
  readonly visibilities: VisibilitiesStore;
  /** Runs `work` atomically against a store bound to one transaction. */
  transaction<T>(work: (store: CatalogStore) => Promise<T>): Promise<T>;
}
