import type { Router } from 'express';
import type { BrokerCatalogs } from '../catalog';
import type { FeatureFlagsService } from '../feature-flags';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import type { OrgsService } from '../orgs';
import { validateCatalog } from '../osb-catalog';
import type { SecretBox } from '../secrets';
import type { Logger } from 'pino';
import { BrokerResyncSchedule } from './resync-schedule';
import type { ResyncScheduleSettings } from './resync-schedule';
import { createBrokerRoutes } from './routes';
import { BrokersService } from './service';
import type { CatalogFetcher, CatalogValidator } from './service';
import { BrokersStore } from './store';

export { BrokersService } from './service';
export type {
  BrokerCaller,
  BrokerResult,
  CatalogFetcher,
  CatalogValidator,
  RegisterBrokerCommand,
  UpdateBrokerCommand,
} from './service';
export type { BrokerSyncOutcome, RegisteredBroker } from './types';
export { BrokerResyncSchedule } from './resync-schedule';
export { brokersInSpaces } from './space-dependents';
export {
  brokerGuidFilter,
  brokerIdsMatching,
  brokerIdWithGuid,
  brokersScopedTo,
  selectBrokerIdentity,
  spaceScopedBrokers,
} from './query-pieces';

export interface BrokersModuleDeps {
  knex: Db;
  clock: Clock;
  changes: ChangeFeed;
  /** `GET /v2/catalog` of the broker being registered (the OSB client). */
  fetcher: CatalogFetcher;
  secrets: SecretBox;
  orgs: OrgsService;
  flags: FeatureFlagsService;
  /** The catalog module's writer of each broker's services and plans. */
  catalogs: BrokerCatalogs;
  /** Defaults to the OSB catalog rules (`validateCatalog`). */
  validate?: CatalogValidator;
  /** Specs may hand in their own store. */
  store?: BrokersStore;
  logger: Logger;
  resync: ResyncScheduleSettings;
}

export interface BrokersModule {
  service: BrokersService;
  /** Re-syncs every broker each WHARF_BROKER_RESYNC_SECONDS (one process per period). */
  schedule: BrokerResyncSchedule;
  /** `/v2/service_brokers`. */
  router: Router;
}

/** The broker registry: its store, service and v2 routes, wired from what it is handed. */
export function createBrokersModule(deps: BrokersModuleDeps): BrokersModule {
  const store = deps.store ?? new BrokersStore(deps.knex, deps.clock);
  const service = new BrokersService({
    store,
    fetcher: deps.fetcher,
    validate: deps.validate ?? ((raw, existing) => validateCatalog(raw, existing)),
    secrets: deps.secrets,
    orgs: deps.orgs,
    flags: deps.flags,
    catalogs: deps.catalogs,
    changes: deps.changes,
    clock: deps.clock,
  });
  return {
    service,
    schedule: new BrokerResyncSchedule(service, store, deps.clock, deps.logger, deps.resync),
    router: createBrokerRoutes(service),
  };
}
export { createBrokerBody, toRegisterCommand, toUpdateCommand, updateBrokerBody } from './schemas';
