import type { PlansService, Service, ServicePlan, ServicesService } from '../catalog';
import { CfError } from '../http/cf-errors';
import type { PageRequest } from '../db/page-request';
import { pageRequest } from '../db/page-request';
import { isContainerBacked } from '../instances';
import type { CatalogEntry } from './catalog';

/** What a request's `service_id`/`plan_id` resolve to in Wharf's catalog. */
export interface CatalogMatch {
  service: Service;
  plan: ServicePlan;
}

const PAGE_SIZE = 100;

function pageQuery(page: number): PageRequest {
  return pageRequest({ page, perPage: PAGE_SIZE });
}

/**
 * The part of Wharf's catalog this broker serves: broker-less services whose `extra` holds a
 * container template (DESIGN.md "The bridge"), active, with their active plans. Read through the
 * catalog feature's service on every call, so an operator's change shows at once.
 */
export class ContainerCatalog {
  constructor(
    private readonly services: ServicesService,
    private readonly plans: PlansService,
  ) {}

  async entries(): Promise<CatalogEntry[]> {
    const entries: CatalogEntry[] = [];
    for (let page = 1; ; page++) {
      const listed = await this.services.list({ kind: 'everything' }, pageQuery(page), true);
      for (const { service, plans } of listed.items) {
        if (service.serviceBrokerGuid !== null || !service.active || !isContainerBacked(service))
          continue;
        entries.push({ service, plans: (plans ?? []).filter((p) => p.active) });
      }
      if (page * PAGE_SIZE >= listed.total) return entries;
    }
  }

  /** The offering `serviceId` and its plan `planId`, both by the catalog ids (§4). */
  async find(serviceId: string, planId: string): Promise<CatalogMatch | undefined> {
    const entry = (await this.entries()).find((e) => e.service.uniqueId === serviceId);
    const plan = entry?.plans.find((p) => p.uniqueId === planId);
    return entry === undefined || plan === undefined ? undefined : { service: entry.service, plan };
  }

  async findService(serviceId: string): Promise<CatalogEntry | undefined> {
    return (await this.entries()).find((e) => e.service.uniqueId === serviceId);
  }

  /**
   * The catalog rows behind an existing instance, even if the operator has since deactivated
   * them: instances of a retired plan keep working (osb-api.md §4).
   */
  async byGuids(serviceGuid: string, planGuid: string): Promise<CatalogMatch | undefined> {
    try {
      const [service, plan] = await Promise.all([
        this.services.require(serviceGuid),
        this.plans.require(planGuid),
      ]);
      return { service, plan };
    } catch (err) {
      if (err instanceof CfError) return undefined;
      throw err;
    }
  }
}
