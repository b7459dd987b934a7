import type { Router } from 'express';
import { silentChangeFeed } from '../changes';
import type { ChangeFeed } from '../changes';
import type { ContainersConfig } from '../config';
import type { Knex } from '../db/knex';
import type { Logger } from '../logger';
import type { SecretBox } from '../secrets';
import type { ContainerDriver } from './drivers/driver';
import { DockerDriver } from './drivers/docker/docker-driver';
import { SwarmDriver } from './drivers/swarm/swarm-driver';
import type { HealthProbe } from './health';
import { DeletesInFlight } from './deletes-in-flight';
import { Reconciler } from './reconciler';
import { newHolderId, ReconcilerLeadership } from './leadership';
import { LeaseStore } from './leadership-store';
import { createServicesRouter } from './routes';
import { ContainerService } from './service';
import { SpecSealer } from './sealed-spec';
import { ContainerServiceStore } from './store';

export { parsePortRange } from './publish-ports';
export type { PortRange } from './publish-ports';
export { ContainerService } from './service';
export { containerAttention } from './attention';
export type { ContainerAttention } from './attention';
export type { Scope, ServiceView } from './service';
export { ContainerServiceError } from './errors';
export { ROLLED_BACK } from './health-verdict';
export { presentService } from './presenter';
export type { WireService } from './presenter';
export { toTenant } from './tenant';
export type { ServiceRecord, ServiceSpec, ServiceStatus } from './types';

export interface ContainersModuleDeps {
  knex: Knex;
  config: ContainersConfig;
  logger: Logger;
  /** The key ring's box: Env and SSLCert are stored sealed with it. */
  secrets: SecretBox;
  /**
   * This installation's id (src/installation), the value of the wharf.owner label. Only objects
   * with it are ever swept, so two installations (or test runs) on one engine never remove each
   * other's containers.
   */
  owner: string;
  /** Defaults to the Docker driver for config.dockerHost; unit specs pass the fake one. */
  driver?: ContainerDriver;
  /** Defaults to the driver's own view of the replicas. */
  health?: HealthProbe;
  /** Where the reconciler announces status changes; silent when nobody listens. */
  changes?: ChangeFeed;
  /** Start of a port allocation within WHARF_PUBLISH_PORTS (0 ≤ x < 1); specs fix it. */
  random?: () => number;
  resyncMs?: number;
  busyMs?: number;
  now?: () => Date;
  /** Told how long each reconciler pass took (metrics). */
  onPass?: (seconds: number) => void;
  /** Reconciler leadership among the installation's processes (see leadership.ts). */
  leadership?: { holder?: string; leaseMs?: number; watchMs?: number };
}

export interface ContainersModule {
  router: Router;
  service: ContainerService;
  reconciler: Reconciler;
  /** Only the process holding the lease converges; the others serve the API. */
  leadership: ReconcilerLeadership;
  /** Resolves when the container engine answers (for /readyz). */
  ping(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function createContainersModule(deps: ContainersModuleDeps): ContainersModule {
  const owner = deps.owner;
  const now = deps.now ?? (() => new Date());
  const store = new ContainerServiceStore(deps.knex, new SpecSealer(deps.secrets));
  const engineOptions = {
    dockerHost: deps.config.dockerHost,
    owner,
    publishHost: deps.config.publishHost,
    now,
  };
  const driver =
    deps.driver ??
    (deps.config.engine === 'swarm'
      ? new SwarmDriver(engineOptions)
      : new DockerDriver(engineOptions));
  const health = deps.health ?? driver.health;
  const deletes = new DeletesInFlight();
  const reconciler = new Reconciler({
    store,
    deletes,
    driver,
    logger: deps.logger,
    changes: deps.changes ?? silentChangeFeed,
    owner,
    lbImage: deps.config.lbImage,
    publishHost: deps.config.publishHost,
    maxReplicas: deps.config.maxReplicas,
    publishPorts: deps.config.publishPorts,
    random: deps.random ?? Math.random,
    resyncMs: deps.resyncMs ?? 5000,
    busyMs: deps.busyMs ?? 300,
    replicaStartTimeoutMs: deps.config.replicaStartTimeoutMs ?? 120000,
    now,
    onPass: deps.onPass,
  });
  const service = new ContainerService({
    store,
    deletes,
    driver,
    health,
    maxReplicas: deps.config.maxReplicas,
    fipPool: deps.config.fipPool,
    allowedRegistries: deps.config.allowedRegistries,
    quota: {
      maxServices: deps.config.tenantMaxServices,
      maxReplicas: deps.config.tenantMaxReplicas,
    },
    now,
    changed: (serviceId) => {
      reconciler.resetBackoff(serviceId);
      reconciler.trigger();
    },
  });
  const leaseMs = deps.leadership?.leaseMs ?? deps.config.leaderLeaseMs ?? 10_000;
  const leadership = new ReconcilerLeadership({
    store: new LeaseStore(deps.knex, 'containers'),
    holder: deps.leadership?.holder ?? newHolderId(),
    ttlMs: leaseMs,
    // Four tries per lease: a follower takes over at most leaseMs + leaseMs/4 after a crash.
    renewMs: Math.max(50, Math.floor(leaseMs / 4)),
    watchMs: deps.leadership?.watchMs ?? 1000,
    nowMs: () => now().getTime(),
    log: deps.logger,
    elected: () => {
      reconciler.start();
    },
    deposed: () => reconciler.stop(),
    specChanged: () => {
      reconciler.trigger();
    },
  });
  return {
    router: createServicesRouter(service, deps.logger),
    service,
    reconciler,
    leadership,
    ping: () => driver.ping(),
    start: async () => {
      await store.sealPlaintextRows();
      await leadership.start();
    },
    stop: async () => {
      await leadership.stop();
      await reconciler.stop();
    },
  };
}
export { SPEC_DEFAULTS, toServiceSpec } from './spec/to-service-spec';
