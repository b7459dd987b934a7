import type { Knex } from '../db/knex';

export interface SessionRecord {
  id: number;
  userGuid: string;
  userName: string;
  csrfToken: string;
  accessTokenSealed: string;
  refreshTokenSealed: string | null;
  accessExpiresAt: Date;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

export type NewSession = Omit<SessionRecord, 'id'>;

interface SessionRow {
  id: number;
  user_guid: string;
  user_name: string;
  csrf_token: string;
  access_token_sealed: string;
  refresh_token_sealed: string | null;
  access_expires_at: Date | string | number;
  created_at: Date | string | number;
  last_seen_at: Date | string | number;
  expires_at: Date | string | number;
}

const toDate = (value: Date | string | number): Date =>
  value instanceof Date ? value : new Date(value);

function toSession(row: SessionRow): SessionRecord {
  return {
    id: row.id,
    userGuid: row.user_guid,
    userName: row.user_name,
    csrfToken: row.csrf_token,
    accessTokenSealed: row.access_token_sealed,
    refreshTokenSealed: row.refresh_token_sealed,
    accessExpiresAt: toDate(row.access_expires_at),
    createdAt: toDate(row.created_at),
    lastSeenAt: toDate(row.last_seen_at),
    expiresAt: toDate(row.expires_at),
  };
}

/** The only place that knows the ui_sessions columns. */
export class SessionStore {
  constructor(private readonly knex: Knex) {}

  async insert(sessionHash: string, session: NewSession): Promise<void> {
    await this.knex('ui_sessions').insert({
      session_hash: sessionHash,
      user_guid: session.userGuid,
      user_name: session.userName,
      csrf_token: session.csrfToken,
      access_token_sealed: session.accessTokenSealed,
      refresh_token_sealed: session.refreshTokenSealed,
      access_expires_at: session.accessExpiresAt,
      created_at: session.createdAt,
      last_seen_at: session.lastSeenAt,
      expires_at: session.expiresAt,
    });
  }

  async findByHash(sessionHash: string): Promise<SessionRecord | undefined> {
    const row: SessionRow | undefined = await this.knex('ui_sessions')
      .where({ session_hash: sessionHash })
      .first();
    return row === undefined ? undefined : toSession(row);
  }

  async touch(id: number, lastSeenAt: Date): Promise<void> {
    await this.knex('ui_sessions').where({ id }).update({ last_seen_at: lastSeenAt });
  }

  async replaceTokens(
    id: number,
    tokens: Pick<SessionRecord, 'accessTokenSealed' | 'refreshTokenSealed' | 'accessExpiresAt'>,
  ): Promise<void> {
    await this.knex('ui_sessions').where({ id }).update({
      access_token_sealed: tokens.accessTokenSealed,
      refresh_token_sealed: tokens.refreshTokenSealed,
      access_expires_at: tokens.accessExpiresAt,
    });
  }

  async deleteByHash(sessionHash: string): Promise<void> {
    await this.knex('ui_sessions').where({ session_hash: sessionHash }).delete();
  }

  async deleteForUser(userGuid: string): Promise<void> {
    await this.knex('ui_sessions').where({ user_guid: userGuid }).delete();
  }

  async deleteExpired(now: Date, idleSince: Date): Promise<number> {
    return this.knex('ui_sessions')
      .where('expires_at', '<=', now)
      .orWhere('last_seen_at', '<=', idleSince)
      .delete();
  }
}
