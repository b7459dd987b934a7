import type { Router } from 'express';
import type { FeatureFlagsService } from '../feature-flags';
import type { ChangeFeed } from '../changes';
import type { InstanceContext, InstancesService } from '../instances';
import type { OrgsService } from '../orgs';
import { createSharingV2Routes, createSharingV3Routes } from './routes';
import { SharingService } from './service';
import type { UserProvidedLookup } from './service';
import type { SharesStore } from './store';

export { instancesSharedInto, SharesStore } from './store';
export { instanceSharingRefusal, isShareable } from './rules';
export type { UserProvidedLookup } from './service';

export interface SharingModuleDeps {
  /** The external base URL (v3 links are absolute). */
  externalUrl: string;
  store: SharesStore;
  instances: InstancesService;
  context: InstanceContext;
  orgs: OrgsService;
  flags: FeatureFlagsService;
  userProvided: UserProvidedLookup;
  changes: ChangeFeed;
}

export interface SharingModule {
  /** `/v2/service_instances/:guid/shared_from|shared_to`. */
  v2Router: Router;
  /** The v3 `shared_spaces` relationship, mounted under `/v3`. */
  v3Router: Router;
}

/** Service instance sharing behind `service_instance_sharing` (cf CLI share-service/unshare-service). */
export function createSharingModule(deps: SharingModuleDeps): SharingModule {
  const sharing = new SharingService(deps);
  return {
    v2Router: createSharingV2Routes(sharing),
    v3Router: createSharingV3Routes(sharing, deps.externalUrl),
  };
}
