import type { Knex } from '../db/knex';

export interface LeaseHolder {
  holder: string;
  expiresAt: number;
}

/**
 * The `leadership_leases` row of one role. Every write is one conditional statement, so that two
 * processes racing for an expired lease cannot both win: PostgreSQL re-checks the WHERE clause on
 * the row it locked, SQLite runs one writer at a time.
 */
export class LeaseStore {
  constructor(
    private readonly db: Knex,
    private readonly name: string,
  ) {}

  /**
   * Takes or renews the lease for `holder` until `nowMs + ttlMs`: succeeds when the row is free,
   * expired, already this holder's, or held by `deadHolder` (known dead). Returns whether
   * `holder` holds it now.
   */
  async acquire(
    holder: string,
    nowMs: number,
    ttlMs: number,
    deadHolder?: string,
  ): Promise<boolean> {
    const expiresAt = nowMs + ttlMs;
    const renewed = await this.db('leadership_leases')
      .where({ name: this.name, holder })
      .update({ expires_at: expiresAt });
    if (renewed > 0) return true;
    const taken = await this.db('leadership_leases')
      .where({ name: this.name })
      .andWhere((q) => {
        void q.where('expires_at', '<', nowMs);
        if (deadHolder !== undefined) void q.orWhere({ holder: deadHolder });
      })
      .update({ holder, expires_at: expiresAt, acquired_at: nowMs });
    if (taken > 0) return true;
    await this.db('leadership_leases')
      .insert({ name: this.name, holder, expires_at: expiresAt, acquired_at: nowMs })
      .onConflict('name')
      .ignore();
    return (await this.current())?.holder === holder;
  }

  /** Gives the lease up at once (a graceful stop), so another process need not wait it out. */
  async release(holder: string): Promise<void> {
    await this.db('leadership_leases').where({ name: this.name, holder }).update({ expires_at: 0 });
  }

  async current(): Promise<LeaseHolder | undefined> {
    const row: { holder: string; expires_at: string | number } | undefined = await this.db(
      'leadership_leases',
    )
      .where({ name: this.name })
      .first('holder', 'expires_at');
    return row === undefined
      ? undefined
      : { holder: row.holder, expiresAt: Number(row.expires_at) };
  }

  /**
   * A cheap summary of the desired container state: it changes whenever a service is created,
   * changed (its generation is bumped) or removed, through any process.
   */
  async specFingerprint(): Promise<string> {
    const row: Record<string, unknown> | undefined = await this.db('container_services')
      .count({ n: '*' })
      .sum({ g: 'generation' })
      .max({ m: 'id' })
      .first();
    const part = (v: unknown): string =>
      typeof v === 'number' || typeof v === 'string' ? String(v) : '0';
    return [row?.n, row?.g, row?.m].map(part).join(':');
  }
}
