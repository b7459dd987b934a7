import type { Router } from 'express';
import express from 'express';
import type { Logger } from 'pino';
import type { BrokersService } from '../broker-registry';
import type { PlansService, ServicesService } from '../catalog';
import type { FeatureFlagsService } from '../feature-flags';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import type { ContainerService } from '../containers';
import type { Db } from '../db/knex';
import type { JobQueue } from '../jobs';
import type { OsbClient } from '../osb-client';
import type { OrgsService } from '../orgs';
import type { SecretBox } from '../secrets';
import { BrokerProvisioner } from './broker-provisioner';
import { ContainerProvisioner, isContainerBacked } from './container-provisioner';
import { InstanceDeleteJobs } from './delete-jobs';
import { InstanceContext } from './instance-context';
import { InstanceRecovery } from './recovery';
import { InstanceSecrets } from './instance-secrets';
import { InstanceOperationJobs } from './operation-jobs';
import type { PollingSettings } from './operation-jobs';
import type { ProvisionerResolver } from './provisioner';
import { createInstanceRoutes } from './routes';
import { InstancesService } from './service';
import { KeysService } from './keys-service';
import { createSpaceSummaryRoutes } from './space-summary';
import type { SummaryExtras } from './space-summary';
import { InstancesStore } from './store';
import type { InstanceShares } from './types';

export { containerExtraCheck } from './container-extra-check';
export { isContainerBacked } from './container-provisioner';
export {
  applyParameters,
  mergeTemplates,
  readContainerTemplate,
  renderEnv,
  renderPlaceholders,
  secretNames,
} from './container-template';
export type { ContainerTemplate } from './container-template';
export { createInstanceBody, toCreateInstanceCommand } from './schemas';
export { InstanceContext } from './instance-context';
export type { CallerInfo, InstanceSetting } from './instance-context';
export type { PollingSettings } from './operation-jobs';
export type {
  Provisioner,
  ProvisionerResolver,
  InstanceTarget,
  OperationOutcome,
  PollOutcome,
} from './provisioner';
export { InstancesService } from './service';
export { presentInstance } from './presenter';
export type { SummaryExtras } from './space-summary';
export { KeysService } from './keys-service';
export { instancesInSpaces } from './space-dependents';
export { instancePlanUsage } from './plan-usage';
export { InstancesStore } from './store';
export type { AttentionBounds } from './store';
export { attentionBoundsAt, DEFAULT_ATTENTION } from './attention';
export type { AttentionSettings } from './attention';
export type {
  CreateInstanceCommand,
  CreateKeyCommand,
  InstanceShares,
  SharedSpace,
  ServiceInstance,
  ServiceKey,
  UpdateInstanceCommand,
} from './types';

export interface InstancesModuleDeps {
  knex: Db;
  clock: Clock;
  changes: ChangeFeed;
  jobs: JobQueue;
  logger: Logger;
  secrets: SecretBox;
  plans: PlansService;
  services: ServicesService;
  orgs: OrgsService;
  flags: FeatureFlagsService;
  /** Broker services are provisioned through their broker… */
  brokers: Pick<BrokersService, 'require' | 'connectionOf'>;
  osb: OsbClient;
  /** …container-backed ones through Wharf's container engine. */
  containers: ContainerService;
  settings: PollingSettings & { containerSyncTimeoutMs: number };
  /** The shares of instances into other spaces (the sharing feature's store). */
  shares: InstanceShares;
  /** More entries for the space summary (user-provided instances). */
  summaryExtras?: readonly SummaryExtras[];
}

export interface InstancesModule {
  instances: InstancesService;
  keys: KeysService;
  context: InstanceContext;
  /** `/v2/service_instances`, `/v2/service_keys`, the space summary. */
  router: Router;
  /** At start-up: queues recovery for instances left in progress with no job working on them. */
  recover(): Promise<number>;
}

/** The instances feature's one door: store, services, background jobs and routes. */
export function createInstancesModule(deps: InstancesModuleDeps): InstancesModule {
  const store = new InstancesStore(deps.knex, deps.clock, deps.changes);
  const instanceSecrets = new InstanceSecrets(store, deps.secrets);
  const provisioners: ProvisionerResolver = {
    forService: async (service) => {
      if (service.serviceBrokerGuid !== null) {
        return new BrokerProvisioner(
          deps.osb,
          deps.brokers.connectionOf(await deps.brokers.require(service.serviceBrokerGuid)),
        );
      }
      if (!isContainerBacked(service)) return undefined;
      return new ContainerProvisioner(service, deps.containers, deps.plans, instanceSecrets, {
        syncTimeoutMs: deps.settings.containerSyncTimeoutMs,
      });
    },
  };
  const context = new InstanceContext(deps.plans, deps.services, deps.orgs);
  const operations = new InstanceOperationJobs(
    store,
    deps.jobs,
    deps.clock,
    context,
    provisioners,
    deps.settings,
  );
  const instances = new InstancesService(
    store,
    context,
    provisioners,
    deps.flags,
    deps.secrets,
    operations,
    deps.jobs,
    deps.shares,
  );
  const keys = new KeysService(store, context, provisioners, deps.secrets, deps.jobs, operations);
  const recovery = new InstanceRecovery(
    deps.jobs,
    store,
    context,
    provisioners,
    instances,
    keys,
    operations,
    deps.secrets,
    deps.logger,
    deps.settings.intervalMs,
  );
  const router = express.Router();
  router.use(
    createInstanceRoutes(
      instances,
      keys,
      new InstanceDeleteJobs(deps.jobs, instances, keys, deps.clock, deps.settings.intervalMs),
    ),
  );
  router.use(createSpaceSummaryRoutes(instances, context, deps.summaryExtras));
  return { instances, keys, context, router, recover: () => recovery.recoverOrphans() };
}
