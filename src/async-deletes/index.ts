import type { Router } from 'express';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import type { InstancesService, KeysService } from '../instances';
import type { JobQueue } from '../jobs';
import type { OrgsService } from '../orgs';
import { createAsyncDeleteRoutes } from './routes';
import { AsyncDeletes } from './service';
import type { AsyncDeleteSettings, SpaceContents } from './service';

export type { SpaceContents } from './service';
export type { Leftover } from './deletion-failure';

export interface AsyncDeletesModuleDeps {
  orgs: OrgsService;
  instances: InstancesService;
  keys: KeysService;
  /** Other things a recursive delete empties a space of (user-provided instances). */
  contents: readonly SpaceContents[];
  jobs: JobQueue;
  clock: Clock;
  changes: ChangeFeed;
  settings: AsyncDeleteSettings;
}

/** Mount before the orgs routes: it answers only `async=true` deletes. */
export function createAsyncDeletesModule(deps: AsyncDeletesModuleDeps): { router: Router } {
  const deletes = new AsyncDeletes(
    deps.orgs,
    deps.instances,
    deps.keys,
    deps.contents,
    deps.jobs,
    deps.clock,
    deps.changes,
    deps.settings,
  );
  return { router: createAsyncDeleteRoutes(deletes) };
}
