import { OAuthError } from '../auth';
import type { User } from '../auth';
import { DEFAULT_USER_SCOPES } from '../auth';
import type { UsersService } from '../auth';
import { UserExistsError } from '../auth';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import { isUniqueViolation } from '../db/knex';
import type { CreateScimUserBody } from './schemas';
import type { ScimRegistrationsStore } from './store';

/** The user side of Wharf's UAA, as SCIM clients (the cf CLI) drive it. */
export class ScimService {
  constructor(
    private readonly users: UsersService,
    private readonly registrations: ScimRegistrationsStore,
    private readonly clock: Clock,
    private readonly changes: ChangeFeed,
  ) {}

  async create(body: CreateScimUserBody): Promise<User> {
    // Wharf authenticates its own users only: UAA's `uaa` origin (the CLI sends "" for it).
    if (body.origin !== undefined && body.origin !== '' && body.origin !== 'uaa') {
      throw new OAuthError(
        400,
        'invalid_scim_resource',
        `Wharf's UAA has only the uaa origin, not ${body.origin}`,
      );
    }
    const email = body.emails?.find((e) => e.primary === true)?.value ?? body.emails?.[0]?.value;
    let user: User;
    try {
      user = await this.users.addUser(body.userName, body.password, DEFAULT_USER_SCOPES, email);
    } catch (err) {
      if (err instanceof UserExistsError || isUniqueViolation(err))
        throw new OAuthError(
          409,
          'scim_resource_already_exists',
          `Username already in use: ${body.userName}`,
        );
      throw err;
    }
    await this.registrations.recordCreated(user.id, this.clock.now());
    this.changes.publish({ topic: 'user', action: 'created', id: user.guid });
    return user;
  }

  list(): Promise<User[]> {
    return this.users.list();
  }

  async require(guid: string): Promise<User> {
    const user = await this.users.findByGuid(guid);
    if (!user) throw new OAuthError(404, 'scim_resource_not_found', `User ${guid} does not exist`);
    return user;
  }

  async delete(guid: string): Promise<User> {
    const user = await this.require(guid);
    if (!(await this.users.delete(guid)))
      throw new OAuthError(404, 'scim_resource_not_found', `User ${guid} does not exist`);
    this.changes.publish({ topic: 'user', action: 'deleted', id: guid });
    return user;
  }

  /** `POST /v2/users` right after `POST /Users` registers the new user with CC once. */
  claimCcRegistration(guid: string): Promise<boolean> {
    return this.registrations.claim(guid, this.clock.now());
  }
}
