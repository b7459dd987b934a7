import type { Router } from 'express';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import { NO_LOOKUPS, OrgsInliner } from './inline';
import type { InlineLookups } from './inline';
import { createOrgsRoutes } from './routes';
import { OrgsService } from './service';
import { SqlOrgsStore } from './store';
import type { SpaceDependent } from './store';
import type { OrgsStore } from './store-port';
import { UsersDirectory } from './users-directory';
import type { PendingRegistrations, UserDirectoryPort } from './users-directory';

export interface OrgsModuleDeps {
  knex: Db;
  clock: Clock;
  changes: ChangeFeed;
  /** The auth feature's user directory, for `/v2/users`. */
  users: UserDirectoryPort;
  /** Users Wharf's UAA created that CC has not registered yet (src/scim). */
  pendingRegistrations?: PendingRegistrations;
  /** Other features' rows that keep a space from being deleted, checked in this order. */
  spaceDependents: readonly SpaceDependent[];
  /** What `inline-relations-depth` embeds from other features (an org's quota definition). */
  inlineLookups?: InlineLookups;
  /** Specs of service logic pass a FakeOrgsStore. */
  store?: OrgsStore;
}

export interface OrgsModule {
  service: OrgsService;
  /** `/v2/users` reads and registrations, shared with the user-roles routes. */
  directory: UsersDirectory;
  router: Router;
}

export function createOrgsModule(deps: OrgsModuleDeps): OrgsModule {
  const store = deps.store ?? new SqlOrgsStore(deps.knex, deps.clock, deps.spaceDependents);
  const service = new OrgsService({ store, changes: deps.changes });
  const directory = new UsersDirectory(deps.users, deps.pendingRegistrations, deps.changes);
  const inliner = new OrgsInliner(service, deps.inlineLookups ?? NO_LOOKUPS);
  return { service, directory, router: createOrgsRoutes(service, directory, inliner) };
}
