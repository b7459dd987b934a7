import { isAdmin } from '../auth';
import type { AuthContext } from '../auth';
import type { User } from '../auth';
import type { FeatureFlagsService } from '../feature-flags';
import type { ChangeFeed } from '../changes';
import { CfError } from '../http/cf-errors';
import type { Organization, OrgRole, OrgsService, Space, SpaceRole } from '../orgs';
import type { RoleByUsernameBody } from './schemas';

/** How role routes find a user by name: Wharf's own UAA directory. */
export interface UserFinder {
  findByUsername(username: string): Promise<User | undefined>;
}

type Change = 'set' | 'unset';

/**
 * CC's role assignment by user name (`PUT|DELETE /v2/organizations/:guid/<role>` with
 * `{"username"}`): the same role rules as by guid, behind `set_roles_by_username` /
 * `unset_roles_by_username`, which admins skip as in CC (FeatureFlag::ADMIN_SKIPPABLE).
 */
export class RolesByUsernameService {
  constructor(
    private readonly orgs: OrgsService,
    private readonly users: UserFinder,
    private readonly flags: FeatureFlagsService,
    private readonly changes: ChangeFeed,
  ) {}

  private async checkFlag(ctx: AuthContext, change: Change): Promise<void> {
    if (isAdmin(ctx)) return;
    await this.flags.require(
      change === 'set' ? 'set_roles_by_username' : 'unset_roles_by_username',
    );
  }

  private async resolveUser(body: RoleByUsernameBody): Promise<User> {
    const origin = body.origin ?? 'uaa';
    const user = await this.users.findByUsername(body.username);
    // Wharf's UAA holds only `uaa` users; another origin has nobody by that name.
    if (!user || origin !== 'uaa') throw new CfError('UserNotFound', body.username);
    return user;
  }

  async changeOrgRole(
    ctx: AuthContext,
    orgGuid: string,
    role: OrgRole,
    body: RoleByUsernameBody,
    change: Change,
  ): Promise<Organization> {
    await this.orgs.requireOrganization(orgGuid);
    await this.checkFlag(ctx, change);
    const user = await this.resolveUser(body);
    const org = await this.orgs.setOrgRole(ctx, orgGuid, role, user.guid, change === 'set');
    this.changes.publish({ topic: 'organization', action: 'updated', id: org.guid });
    return org;
  }

  async changeSpaceRole(
    ctx: AuthContext,
    spaceGuid: string,
    role: SpaceRole,
    body: RoleByUsernameBody,
    change: Change,
  ): Promise<Space> {
    await this.orgs.requireSpace(spaceGuid);
    await this.checkFlag(ctx, change);
    const user = await this.resolveUser(body);
    const space = await this.orgs.setSpaceRole(ctx, spaceGuid, role, user.guid, change === 'set');
    this.changes.publish({ topic: 'space', action: 'updated', id: space.guid });
    return space;
  }
}
