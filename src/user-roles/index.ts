import type { Router } from 'express';
import type { FeatureFlagsService } from '../feature-flags';
import type { ChangeFeed } from '../changes';
import type { OrgsService, UsersDirectory } from '../orgs';
import { createUserRolesRoutes } from './routes';
import { RolesByUsernameService } from './service';
import type { UserFinder } from './service';

export interface UserRolesModuleDeps {
  orgs: OrgsService;
  users: UserFinder;
  directory: UsersDirectory;
  flags: FeatureFlagsService;
  changes: ChangeFeed;
}

/** Roles by user name and the per-user org/space lists the cf CLI v6 uses. */
export function createUserRolesModule(deps: UserRolesModuleDeps): { router: Router } {
  const roles = new RolesByUsernameService(deps.orgs, deps.users, deps.flags, deps.changes);
  return { router: createUserRolesRoutes(roles, deps.orgs, deps.directory) };
}
