import type { Router } from 'express';
import type { Knex } from '../db/knex';
import { createQuotaRoutes } from './routes';
import { QuotasStore } from './store';

export type { QuotaDefinition } from './types';

export interface QuotasModule {
  router: Router;
  /** The quota every organization uses (Wharf has one and enforces none). */
  defaultQuotaGuid(): Promise<string>;
}

export function createQuotasModule(deps: { knex: Knex }): QuotasModule {
  const store = new QuotasStore(deps.knex);
  let cached: string | undefined;
  return {
    router: createQuotaRoutes(store),
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
