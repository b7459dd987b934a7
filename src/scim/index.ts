import type { Router } from 'express';
import type { UsersService } from '../auth';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import type { Knex } from '../db/knex';
import { createScimRoutes } from './routes';
import { ScimService } from './service';
import { ScimRegistrationsStore } from './store';

export interface ScimModule {
  /** Mount at the root: UAA serves `/Users` beside `/oauth/token`. */
  router: Router;
  /** For `POST /v2/users`: true once for a user `POST /Users` created. */
  claimCcRegistration(guid: string): Promise<boolean>;
}

export interface ScimModuleDeps {
  knex: Knex;
  users: UsersService;
  clock: Clock;
  changes: ChangeFeed;
}

export function createScimModule(deps: ScimModuleDeps): ScimModule {
  const service = new ScimService(
    deps.users,
    new ScimRegistrationsStore(deps.knex),
    deps.clock,
    deps.changes,
  );
  return {
    router: createScimRoutes(service),
    claimCcRegistration: (guid) => service.claimCcRegistration(guid),
  };
}
