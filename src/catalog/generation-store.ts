import type { Db } from '../db/knex';
import { FreshRead } from '../db/fresh-read';
import { FEATURE_FLAG_DEFAULTS, flagOverrideQuery } from '../feature-flags';

export interface CatalogState {
  generation: number;
  hideMarketplace: boolean;
}

/**
 * One primary-key read: the catalog's generation and the anonymous-marketplace flag together.
 * Every catalog read asks for it, so concurrent requests share reads (never one that began
 * before they asked: a page is never served for a generation older than the request).
 */
export class GenerationStore {
  private readonly fresh = new FreshRead(() => this.readNow());

  constructor(private readonly db: Db) {}

  read(): Promise<CatalogState> {
    return this.fresh.get();
  }

  private async readNow(): Promise<CatalogState> {
    const row: { generation: number | string; hide: number | boolean | null } | undefined =
      await this.db('catalog_generation')
        .where('catalog_generation.id', 1)
        .first(
          'catalog_generation.generation',
          flagOverrideQuery(this.db, 'hide_marketplace_from_unauthenticated_users').as('hide'),
        );
    return {
      generation: Number(row?.generation ?? 0),
      hideMarketplace: Boolean(
        row?.hide ?? FEATURE_FLAG_DEFAULTS.hide_marketplace_from_unauthenticated_users,
      ),
    };
  }
}
