import type { AuthContext } from './auth-context';
import { generatePassword, hashPassword, verifyPassword } from './passwords';
import type { UsersStore } from './store';
import { ADMIN_SCOPES, DEFAULT_USER_SCOPES } from './types';
import type { OAuthClient, User } from './types';

export class UserExistsError extends Error {}

/** Wharf's own user directory (its UAA side) and the CC user rows of external identities. */
export class UsersService {
  // Identities already known to have a row: keeps first-sight recording off the hot path.
  private readonly seen = new Set<string>();

  constructor(private readonly store: UsersStore) {}

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
      passwordHash: await hashPassword(password),
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

  /** Username + password check; constant work whether or not the user exists. */
  async authenticate(username: string, password: string): Promise<User | undefined> {
    const user = await this.store.findByUsername(username);
    const hash = user?.passwordHash ?? 'scrypt$AAAAAAAAAAAAAAAAAAAAAA==$' + 'A'.repeat(86);
    const ok = await verifyPassword(password, hash);
    if (!user || !user.passwordHash || !ok) return undefined;
    const { passwordHash: _omit, ...rest } = user;
    return rest;
  }

  async setPassword(username: string, password: string): Promise<boolean> {
    const user = await this.store.findByUsername(username);
    if (!user) return false;
    return this.store.updatePassword(user.guid, await hashPassword(password));
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

  async delete(guid: string): Promise<boolean> {
    this.seen.delete(guid);
    return this.store.delete(guid);
  }

  async recordSeen(ctx: AuthContext): Promise<void> {
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
    await this.store.insertClient(clientId, await hashPassword(secret), scopes);
    return secret;
  }

  async authenticateClient(clientId: string, secret: string): Promise<OAuthClient | undefined> {
    const client = await this.store.findClient(clientId);
    if (!client || !(await verifyPassword(secret, client.secretHash))) return undefined;
    return { clientId: client.clientId, scopes: client.scopes };
  }
}
