import type { Db } from '../db/knex';
import { fromDbTimestamp } from '../db/timestamps';
import type { QuotaDefinition } from './types';

interface QuotaRow {
  id: number;
  guid: string;
  name: string;
  created_at: unknown;
  updated_at: unknown;
}

function toQuota(row: QuotaRow): QuotaDefinition {
  return {
    id: row.id,
    guid: row.guid,
    name: row.name,
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}

export class QuotasStore {
  constructor(private readonly db: Db) {}

  async list(name: string | undefined): Promise<QuotaDefinition[]> {
    const qb = this.db<QuotaRow>('quota_definitions').select('*').orderBy('id');
    if (name !== undefined) void qb.where({ name });
    return (await qb).map(toQuota);
  }

  async find(guid: string): Promise<QuotaDefinition | undefined> {
    const row = await this.db<QuotaRow>('quota_definitions').where({ guid }).first();
    return row ? toQuota(row) : undefined;
  }

  async findByName(name: string): Promise<QuotaDefinition | undefined> {
    const row = await this.db<QuotaRow>('quota_definitions').where({ name }).first();
    return row ? toQuota(row) : undefined;
  }
}
