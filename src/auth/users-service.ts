import { systemClock } from '../clock';
import type { Clock } from '../clock';
import type { AuthContext } from './auth-context';
import { generatePassword, passwordHasher } from './passwords';
import type { PasswordHasher } from './passwords';
import type { RefreshTokenStore } from './refresh-token-store';
import type { UsersStore } from './store';
import { ADMIN_SCOPES, DEFAULT_USER_SCOPES } from './types';
import type { OAuthClient, User } from './types';

export class UserExistsError extends Error {}

/**
 * How long a user's existence, once read, is believed without reading it again. A delete in this
 * process clears it at once; another process sharing the database sees a delete within this time.
 */
export const USER_CHECK_TTL_MS = 1000;

/** Wharf's own user directory (its UAA side) and the CC user rows of external identities. */
export class UsersService {
  // Identities already known to have a row: keeps first-sight recording off the hot path.
  private readonly seen = new Set<string>();
  // Users of Wharf's own UAA whose row was read recently: guid → when (ms).
  private readonly activeSince = new Map<string, number>();

  constructor(
    private readonly store: UsersStore,
    private readonly refreshTokens: RefreshTokenStore,
    private readonly clock: Clock = systemClock,
    /** The process-wide hasher by default; specs hand in one with a gate they control. */
    private readonly hasher: PasswordHasher = passwordHasher,
  ) {}

  async addUser(
    username: string,
    password: string,
    scopes: readonly string[] = DEFAULT_USER_SCOPES,
    email?: string,
  ): Promise<User> {
    if (await this.store.findByUsername(username))
      throw new UserExistsError(`user ${username} exists`);
    return this.store.insert({
      username,
      email: email ?? null,
      origin: 'uaa',
      passwordHash: await this.hasher.hash(password),
      scopes,
    });
  }

  /** Creates `admin` on first start; returns the generated password when one was made. */
  async ensureAdmin(
    configuredPassword: string | undefined,
  ): Promise<{ created: boolean; generatedPassword?: string }> {
    if ((await this.store.count()) > 0) return { created: false };
    const password = configuredPassword ?? generatePassword();
    await this.addUser('admin', password, ADMIN_SCOPES, 'admin');
    return configuredPassword === undefined
      ? { created: true, generatedPassword: password }
      : { created: true };
  }

  /**
   * Username + password check; constant work whether or not the user exists. When the hashing
   * queue is full it throws GateBusyError before reading the database: a flood's refusals then
   * cost no query on the connection the API needs.
   */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    this.hasher.assertRoom();
    const user = await this.store.findByUsername(username);
    const hash = user?.passwordHash ?? 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$' + 'A'.repeat(86);
    const ok = await this.hasher.verify(password, hash);
    if (!user || !user.passwordHash || !ok) return undefined;
    const { passwordHash: _omit, ...rest } = user;
    return rest;
  }

  /** Changes the password and revokes every refresh token issued before the change. */
  async setPassword(username: string, password: string): Promise<boolean> {
    const user = await this.store.findByUsername(username);
    if (!user) return false;
    const changed = await this.store.updatePassword(user.guid, await this.hasher.hash(password));
    if (changed) await this.refreshTokens.revokeAllOfUser(user.id, this.clock.now());
    return changed;
  }

  async findByUsername(username: string): Promise<User | undefined> {
    const found = await this.store.findByUsername(username);
    if (!found) return undefined;
    const { passwordHash: _omit, ...user } = found;
    return user;
  }

  findByGuid(guid: string): Promise<User | undefined> {
    return this.store.findByGuid(guid);
  }

  list(): Promise<User[]> {
    return this.store.list();
  }

  /** A CC user row for an identity managed elsewhere (POST /v2/users). */
  createExternal(guid: string): Promise<User> {
    return this.store.insert({
      guid,
      username: null,
      email: null,
      origin: 'external',
      passwordHash: null,
      scopes: [],
    });
  }

  /** Deleting a user ends it: its refresh tokens go with the row (cascade), its access tokens fail. */
  async delete(guid: string): Promise<boolean> {
    this.seen.delete(guid);
    this.activeSince.delete(guid);
    const deleted = await this.store.delete(guid);
    this.activeSince.delete(guid);
    return deleted;
  }

  /**
   * Whether a token's identity may act. A user token Wharf issued itself needs its user row: a
   * deleted user's tokens stop working and never re-create the row. Other identities (clients,
   * users of a trusted external UAA) get a CC user row on first sight, as CC does.
   */
  async admit(ctx: AuthContext, issuedHereForUser: boolean): Promise<boolean> {
    if (!issuedHereForUser) {
      await this.recordSeen(ctx);
      return true;
    }
    const now = this.clock.now().getTime();
    const since = this.activeSince.get(ctx.userGuid);
    if (since !== undefined && now - since < USER_CHECK_TTL_MS) return true;
    if (!(await this.store.findByGuid(ctx.userGuid))) {
      this.activeSince.delete(ctx.userGuid);
      return false;
    }
    this.activeSince.set(ctx.userGuid, now);
    return true;
  }

  private async recordSeen(ctx: AuthContext): Promise<void> {
    if (this.seen.has(ctx.userGuid)) return;
    if (await this.store.findByGuid(ctx.userGuid)) {
      this.seen.add(ctx.userGuid);
      return;
    }
    try {
      await this.store.insert({
        guid: ctx.userGuid,
        username: null,
        email: ctx.email ?? null,
        origin: 'external',
        passwordHash: null,
        scopes: [],
      });
    } catch (err) {
      // Two first requests of one identity race to insert; the loser finds the winner's row.
      if (!(await this.store.findByGuid(ctx.userGuid))) throw err;
    }
    this.seen.add(ctx.userGuid);
  }

  async addClient(clientId: string, scopes: readonly string[]): Promise<string> {
    const secret = generatePassword();
    await this.store.insertClient(clientId, await this.hasher.hash(secret), scopes);
    return secret;
  }

  async authenticateClient(clientId: string, secret: string): Promise<OAuthClient | undefined> {
    this.hasher.assertRoom();
    const client = await this.store.findClient(clientId);
    if (!client || !(await this.hasher.verify(secret, client.secretHash))) return undefined;
    return { clientId: client.clientId, scopes: client.scopes };
  }
}
