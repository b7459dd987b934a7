import type { Db } from '../db/knex';
import { currentTimestamp } from '../db/timestamps';

export interface NewRefreshToken {
  jti: string;
  familyGuid: string;
  userId: number;
  expiresAt: Date;
}

/** What presenting a refresh token did to its row. */
export type RefreshClaim =
  | { outcome: 'claimed'; familyGuid: string }
  /** Used before (or lost a race to another use): the family is compromised. */
  | { outcome: 'reused'; familyGuid: string }
  | { outcome: 'revoked' }
  | { outcome: 'unknown' };

interface RefreshTokenRow {
  guid: string;
  family_guid: string;
  used_at: unknown;
  revoked_at: unknown;
}

/** The `refresh_tokens` table: one row per refresh token Wharf issued. */
export class RefreshTokenStore {
  constructor(private readonly db: Db) {}

  async record(token: NewRefreshToken, now: Date): Promise<void> {
    const at = currentTimestamp(now);
    await this.db('refresh_tokens').insert({
      guid: token.jti,
      family_guid: token.familyGuid,
      user_id: token.userId,
      expires_at: currentTimestamp(token.expiresAt),
      created_at: at,
      updated_at: at,
    });
  }

  /** Marks the token used; only the first use of a token claims it (a conditional update). */
  async claim(jti: string, now: Date): Promise<RefreshClaim> {
    const row = await this.db<RefreshTokenRow>('refresh_tokens').where({ guid: jti }).first();
    if (!row) return { outcome: 'unknown' };
    if (row.revoked_at !== null) return { outcome: 'revoked' };
    const at = currentTimestamp(now);
    const updated = await this.db('refresh_tokens')
      .where({ guid: jti })
      .whereNull('used_at')
      .whereNull('revoked_at')
      .update({ used_at: at, updated_at: at });
    return updated === 1
      ? { outcome: 'claimed', familyGuid: row.family_guid }
      : { outcome: 'reused', familyGuid: row.family_guid };
  }

  async revokeFamily(familyGuid: string, now: Date): Promise<void> {
    const at = currentTimestamp(now);
    await this.db('refresh_tokens')
      .where({ family_guid: familyGuid })
      .whereNull('revoked_at')
      .update({ revoked_at: at, updated_at: at });
  }

  async revokeAllOfUser(userId: number, now: Date): Promise<number> {
    const at = currentTimestamp(now);
    return this.db('refresh_tokens')
      .where({ user_id: userId })
      .whereNull('revoked_at')
      .update({ revoked_at: at, updated_at: at });
  }
}
