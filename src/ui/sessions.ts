import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Clock } from '../clock';
import type { SessionStore } from './session-store';

/** What the dashboard needs of Wharf's own UAA: the same grants `POST /oauth/token` serves. */
export interface UaaPort {
  /** The password grant, with the login limiter; rejects with a UaaLoginError. */
  passwordLogin(username: string, password: string, clientAddress: string): Promise<UaaTokens>;
  /** The refresh grant; rejects when the refresh token is no longer honoured. */
  refresh(refreshToken: string): Promise<UaaTokens>;
}

export interface UaaTokens {
  accessToken: string;
  refreshToken: string | undefined;
  expiresInSeconds: number;
  userGuid: string;
  userName: string;
}

export class UaaLoginError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
  }
}

/** Seals tokens at rest: the key ring's SecretBox, narrowed to what sessions use. */
export interface Sealer {
  encrypt(plain: string): string;
  decrypt(sealed: string): string;
}

export interface SessionPolicy {
  idleSeconds: number;
  maxSeconds: number;
}

export interface ActiveSession {
  id: number;
  userName: string;
  csrfToken: string;
  accessToken: string;
}

const REFRESH_MARGIN_MS = 60_000;
// Writing last_seen_at on every page would make each read a write; a minute is fine for idling.
const TOUCH_EVERY_MS = 60_000;

const hashOf = (cookie: string): string => createHash('sha256').update(cookie).digest('hex');
const newSecret = (): string => randomBytes(32).toString('base64url');

export function sameSecret(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Server-side sessions: the cookie is a random 256-bit value, the database holds its hash, the
 * user's tokens sealed, and the CSRF token. Expiry is enforced here (idle and absolute), never
 * left to the browser.
 */
export class Sessions {
  constructor(
    private readonly store: SessionStore,
    private readonly uaa: UaaPort,
    private readonly sealer: Sealer,
    private readonly clock: Clock,
    private readonly policy: SessionPolicy,
  ) {}

  async login(
    username: string,
    password: string,
    clientAddress: string,
  ): Promise<{ cookie: string; csrfToken: string }> {
    const tokens = await this.uaa.passwordLogin(username, password, clientAddress);
    const now = this.clock.now();
    const cookie = newSecret();
    const csrfToken = newSecret();
    await this.store.insert(hashOf(cookie), {
      userGuid: tokens.userGuid,
      userName: tokens.userName,
      csrfToken,
      ...this.sealTokens(tokens, now),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + this.policy.maxSeconds * 1000),
    });
    return { cookie, csrfToken };
  }

  /** The live session behind a cookie, its access token refreshed when due; else undefined. */
  async resolve(cookie: string | undefined): Promise<ActiveSession | undefined> {
    if (cookie === undefined || cookie === '') return undefined;
    const hash = hashOf(cookie);
    const record = await this.store.findByHash(hash);
    if (record === undefined) return undefined;
    const now = this.clock.now();
    const idleLimit = record.lastSeenAt.getTime() + this.policy.idleSeconds * 1000;
    if (now >= record.expiresAt || now.getTime() >= idleLimit) {
      await this.store.deleteByHash(hash);
      return undefined;
    }
    let accessToken: string;
    try {
      accessToken = this.sealer.decrypt(record.accessTokenSealed);
      if (record.accessExpiresAt.getTime() - now.getTime() < REFRESH_MARGIN_MS) {
        accessToken = await this.refresh(record.id, record.refreshTokenSealed, now);
      }
    } catch {
      // A retired key, a revoked refresh token or a deleted user: the session is over.
      await this.store.deleteByHash(hash);
      return undefined;
    }
    if (now.getTime() - record.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
      await this.store.touch(record.id, now);
    }
    return { id: record.id, userName: record.userName, csrfToken: record.csrfToken, accessToken };
  }

  async logout(cookie: string | undefined): Promise<void> {
    if (cookie === undefined || cookie === '') return;
    await this.store.deleteByHash(hashOf(cookie));
  }

  async prune(): Promise<number> {
    const now = this.clock.now();
    return this.store.deleteExpired(now, new Date(now.getTime() - this.policy.idleSeconds * 1000));
  }

  private async refresh(id: number, refreshSealed: string | null, now: Date): Promise<string> {
    if (refreshSealed === null) throw new Error('session has no refresh token');
    const tokens = await this.uaa.refresh(this.sealer.decrypt(refreshSealed));
    await this.store.replaceTokens(id, this.sealTokens(tokens, now));
    return tokens.accessToken;
  }

  private sealTokens(
    tokens: UaaTokens,
    now: Date,
  ): { accessTokenSealed: string; refreshTokenSealed: string | null; accessExpiresAt: Date } {
    return {
      accessTokenSealed: this.sealer.encrypt(tokens.accessToken),
      refreshTokenSealed:
        tokens.refreshToken === undefined ? null : this.sealer.encrypt(tokens.refreshToken),
      accessExpiresAt: new Date(now.getTime() + tokens.expiresInSeconds * 1000),
    };
  }
}
