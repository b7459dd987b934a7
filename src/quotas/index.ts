import type { Router } from 'express';
import type { Knex } from '../db/knex';
import type { Resource } from '../http/envelope';
import { presentQuotaDefinition } from './presenter';
import { createQuotaRoutes } from './routes';
import { QuotasStore } from './store';

export type { QuotaDefinition } from './types';

export interface QuotasModule {
  router: Router;
  /** The quota every organization uses (Wharf has one and enforces none). */
  defaultQuotaGuid(): Promise<string>;
  /** One quota definition as `/v2/quota_definitions/:guid` presents it (for inlining in orgs). */
  present(guid: string): Promise<Resource<Record<string, unknown>> | undefined>;
}

export function createQuotasModule(deps: { knex: Knex }): QuotasModule {
  const store = new QuotasStore(deps.knex);
  let cached: string | undefined;
  return {
    router: createQuotaRoutes(store),
    present: async (guid) => {
      const quota = await store.find(guid);
      return quota === undefined ? undefined : presentQuotaDefinition(quota);
    },
    defaultQuotaGuid: async () => {
      if (cached !== undefined) return cached;
      const quota = await store.findByName('default');
      if (!quota) throw new Error('the default quota definition is missing (migrations not run?)');
      cached = quota.guid;
      return cached;
    },
  };
}
export { defaultQuotaGuidQuery } from './queries';
