import type { Router } from 'express';
import type { AuthContext } from '../auth';
import type { FeatureFlagsService } from '../feature-flags';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import { pageRequest } from '../db/page-request';
import type { PageRequest } from '../db/page-request';
import type { Paged } from '../db/paging';
import type { Resource } from '../http/envelope';
import type { OrgsService, Space } from '../orgs';
import type { SecretBox } from '../secrets';
import { presentUserProvided, presentUserProvidedSummary } from './presenter';
import { createUserProvidedRoutes } from './routes';
import { UserProvidedService } from './service';
import { UserProvidedStore } from './store';
import type { UserProvidedInstance } from './types';

export type { UserProvidedInstance } from './types';
export { userProvidedInSpaces } from './space-dependents';

export interface UserProvidedModuleDeps {
  knex: Db;
  orgs: OrgsService;
  flags: FeatureFlagsService;
  secrets: SecretBox;
  clock: Clock;
  changes: ChangeFeed;
}

export interface UserProvidedModule {
  /** Mount before the managed instance routes (it answers UPSI guids on /v2/service_instances/:guid). */
  router: Router;
  listInSpace(space: Space, request: PageRequest): Promise<Paged<UserProvidedInstance>>;
  find(guid: string): Promise<UserProvidedInstance | undefined>;
  /** The caller's view of one, credentials opened or redacted as CC would. */
  present(
    ctx: AuthContext,
    instance: UserProvidedInstance,
  ): Promise<Resource<Record<string, unknown>>>;
  /** Space summary entries (`cf services`). */
  summaryOf(space: Space): Promise<Record<string, unknown>[]>;
  /** For recursive space deletes: removes every UPSI of the space. */
  spaceContents: {
    count(space: Space): Promise<number>;
    empty(space: Space): Promise<{ leftovers: string[]; inProgress: boolean }>;
  };
}

const SUMMARY_LIMIT = 1000;

export function createUserProvidedModule(deps: UserProvidedModuleDeps): UserProvidedModule {
  const service = new UserProvidedService(
    deps.knex,
    new UserProvidedStore(deps.knex),
    deps.orgs,
    deps.flags,
    deps.secrets,
    deps.clock,
    deps.changes,
  );
  const all = (space: Space): Promise<Paged<UserProvidedInstance>> =>
    service.listInSpace(space, pageRequest({ perPage: SUMMARY_LIMIT }));
  return {
    router: createUserProvidedRoutes(service),
    listInSpace: (space, request) => service.listInSpace(space, request),
    find: (guid) => service.find(guid),
    present: async (ctx, instance) =>
      presentUserProvided(instance, await service.credentialsFor(ctx, instance)),
    summaryOf: async (space) => (await all(space)).items.map(presentUserProvidedSummary),
    spaceContents: {
      count: async (space) => (await service.listInSpace(space, pageRequest({ perPage: 1 }))).total,
      empty: async (space) => {
        for (const instance of (await all(space)).items) await service.delete(null, instance.guid);
        return { leftovers: [], inProgress: false };
      },
    },
  };
}
