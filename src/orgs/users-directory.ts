import { readsEverything } from '../auth';
import type { AuthContext } from '../auth';
import type { User } from '../auth';
import { silentChangeFeed } from '../changes';
import type { ChangeFeed } from '../changes';
import { CfError } from '../http/cf-errors';

/** What `/v2/users` needs from the auth feature's user directory. */
export interface UserDirectoryPort {
  findByGuid(guid: string): Promise<User | undefined>;
  createExternal(guid: string): Promise<User>;
  delete(guid: string): Promise<boolean>;
}

/** Users Wharf's UAA created that CC has not registered yet (`cf create-user`, src/scim). */
export interface PendingRegistrations {
  claimCcRegistration(guid: string): Promise<boolean>;
}

export class UsersDirectory {
  constructor(
    private readonly users: UserDirectoryPort,
    private readonly pending?: PendingRegistrations,
    private readonly changes: ChangeFeed = silentChangeFeed,
  ) {}

  async createCcUser(guid: string): Promise<User> {
    const existing = await this.users.findByGuid(guid);
    if (existing) {
      // One row serves Wharf's UAA and CC: the first registration of a UAA-created user is a 201.
      if (this.pending && (await this.pending.claimCcRegistration(guid))) return existing;
      throw new CfError('InvalidRelation', `The user already exists: ${guid}`);
    }
    const user = await this.users.createExternal(guid);
    this.changes.publish({ topic: 'user', action: 'created', id: guid });
    return user;
  }

  async getUser(ctx: AuthContext, guid: string): Promise<User> {
    if (!readsEverything(ctx) && ctx.userGuid !== guid) throw new CfError('NotAuthorized');
    const user = await this.users.findByGuid(guid);
    if (!user) throw new CfError('UserNotFound', guid);
    return user;
  }

  async deleteUser(guid: string): Promise<void> {
    if (!(await this.users.delete(guid))) throw new CfError('UserNotFound', guid);
    this.changes.publish({ topic: 'user', action: 'deleted', id: guid });
  }
}
