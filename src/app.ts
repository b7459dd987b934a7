import type { Clock } from './clock';
import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Express } from 'express';
import {
  createBearerMiddleware,
  createInfoRoutes,
  LoginLimiter,
  OAuthTokenEndpoint,
  RefreshTokenStore,
  TokenService,
  UsersService,
  UsersStore,
} from './auth';
import type { PasswordHasher } from './auth';
import { HttpOsbClient } from './osb-client';
import { brokersInSpaces, createBrokersModule } from './broker-registry';
import type { BrokersService } from './broker-registry';
import { createCatalogModule } from './catalog';
import { InProcessChangeFeed } from './changes';
import type { ChangeFeed } from './changes';
import { systemClock } from './clock';
import type { WharfConfig } from './config';
import { containerAttention, createContainersModule } from './containers';
import { createFeatureFlagsModule } from './feature-flags';
import { resolveInstallationId } from './installation';
import type { ContainersModule } from './containers';
import { createKnex } from './db/knex';
import { pageRequest } from './db/page-request';
import { checkReadiness, databaseWriteProbe } from './health';
import type { Knex } from './db/knex';
import { migrateToLatest } from './db/migrate';
import { createErrorMiddleware, notFoundHandler } from './http/error-middleware';
import { rawJsonBody } from './http/json-body';
import { requestIdMiddleware } from './http/request-id';
import {
  attentionBoundsAt,
  containerExtraCheck,
  createInstancesModule,
  DEFAULT_ATTENTION,
  instancePlanUsage,
  instancesInSpaces,
} from './instances';
import { createJobsModule, newWorkerId } from './jobs';
import type { JobQueue } from './jobs';
import type { Logger } from './logger';
import { createMetricsModule } from './metrics';
import type { MetricsModule } from './metrics';
import { createUiModule } from './ui';
import { createOrgsModule } from './orgs';
import type { OrgsService } from './orgs';
import { ContainerServiceEngine, createOsbBrokerRouter } from './osb-server';
import type { LoadedBrokerCredentials } from './osb-server';
import { createAppsModule } from './apps';
import { createAsyncDeletesModule } from './async-deletes';
import { createScimModule } from './scim';
import { createSharingModule, SharesStore } from './sharing';
import { createSpaceInstancesModule } from './space-instances';
import { userProvidedInSpaces } from './user-provided';
import { createUserProvidedModule } from './user-provided';
import { createUserRolesModule } from './user-roles';
import { createDomainsModule } from './domains';
import { createQuotasModule } from './quotas';
import { createV3Module } from './v3';
import type { KeyMaterialStore, SecretBox } from './secrets';
import type { SigningKeys } from './auth';
import { loadInstallationKeys, rotateInstallationKeys } from './startup/installation-keys';
import type { InstallationKeys } from './startup/installation-keys';

export interface Wharf {
  app: Express;
  knex: Knex;
  /** This installation's id (the wharf.owner label of its Docker objects). */
  installationId: string;
  users: UsersService;
  tokens: TokenService;
  orgs: OrgsService;
  brokers: BrokersService;
  secrets: SecretBox;
  /** The token signing keys (the first signs); shared through the key material store. */
  signingKeys: SigningKeys;
  /** Where the keys live (database sealed under WHARF_MASTER_KEY, or the data directory). */
  keyMaterial: KeyMaterialStore;
  /** Every key together, as this process holds them. */
  keys: InstallationKeys;
  /**
   * `wharf rotate-key`: new signing and encryption keys, every secret re-sealed; the other
   * processes follow without a restart. `sleep` replaces the wait for them (specs).
   */
  rotateKeys(
    sleep?: (ms: number) => Promise<void>,
  ): Promise<{ kid: string; keyId: string; resealed: number }>;
  containers: ContainersModule;
  jobs: JobQueue;
  brokerCredentials: LoadedBrokerCredentials;
  /** Every module publishes into this one feed; listeners (SSE, metrics) subscribe. */
  changes: ChangeFeed;
  metrics: MetricsModule;
  /** Starts the background parts: the job runner and the container reconciler. */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface BuildOptions {
  config: WharfConfig;
  logger: Logger;
  /** Tests hand in their own knex (a fresh SQLite file per spec file). */
  knex?: Knex;
  /** Time for tokens, users and the login limiter; specs step a ManualClock. */
  clock?: Clock;
  /** Tests may swap the container module (e.g. a fake driver). */
  containers?: ContainersModule;
  /** Tests may bound password hashing with a gate of their own (the process-wide one otherwise). */
  passwordHasher?: PasswordHasher;
}

function trustedIssuers(config: WharfConfig): { issuer: string; publicKeyPem: string }[] {
  const trusted = config.auth.trustedIssuer;
  if (!trusted) return [];
  return [{ issuer: trusted.issuer, publicKeyPem: fs.readFileSync(trusted.publicKeyFile, 'utf8') }];
}

function applyCommonHeaders(app: Express, trustedProxies: readonly string[]): void {
  app.disable('x-powered-by');
  app.set('etag', false);
  // `req.ip` believes X-Forwarded-For only from these direct peers (WHARF_TRUSTED_PROXIES); any
  // other client could otherwise pick its own address and dodge the login limiter.
  app.set('trust proxy', trustedProxies.length > 0 ? [...trustedProxies] : false);
  app.use(requestIdMiddleware);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
}

/** How many times each value occurs, for the gauges. */
function tally(values: readonly string[]): [string, number][] {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts];
}

/** How long /readyz waits for each check; a probe that takes longer counts as failed. */
const READINESS_TIMEOUT_MS = 3000;

/** The composition root: builds stores, services and routers; no business logic here. */
export async function buildWharf(options: BuildOptions): Promise<Wharf> {
  const { config, logger } = options;
  const clock = options.clock ?? systemClock;
  const knex =
    options.knex ??
    createKnex({
      databaseUrl: config.databaseUrl,
      sqliteFile: path.join(config.dataDir, 'wharf.sqlite'),
    });
  await migrateToLatest(knex);
  const changes: ChangeFeed = new InProcessChangeFeed();
  const installationId = await resolveInstallationId(knex, config.installationId);

  // Key material comes from one store for every process of the installation (the database,
  // sealed under WHARF_MASTER_KEY, or the data directory), kept fresh after a rotation anywhere.
  const keys = await loadInstallationKeys(knex, config, logger);
  const { signingKeys, secrets, brokerCredentials } = keys;
  const tokens = new TokenService(
    signingKeys,
    config.externalUrl,
    config.auth.tokenTtlSeconds,
    config.auth.refreshTokenTtlSeconds,
    trustedIssuers(config),
    clock,
  );
  tokens.useKeyReloader(() => keys.refresher.refreshOnDemand());
  // Runs from the start (not only in start()): a process that only serves must still follow
  // rotations. The timer is unref'd and stopped by close().
  keys.refresher.start();
  const refreshTokens = new RefreshTokenStore(knex);
  const users = new UsersService(
    new UsersStore(knex),
    refreshTokens,
    clock,
    options.passwordHasher,
  );
  const limiter = new LoginLimiter(
    {
      maxFailures: config.auth.loginMaxFailures,
      maxFailuresPerAddress: config.auth.loginMaxAddressFailures,
      lockoutSeconds: config.auth.loginLockoutSeconds,
    },
    clock,
  );
  const scim = createScimModule({ knex, users, clock, changes });
  const quotas = createQuotasModule({ knex });
  const orgsModule = createOrgsModule({
    inlineLookups: {
      quotaDefinition: (guid) => quotas.present(guid),
      // Built below, from the instance features; asked only while a request is served.
      spaceServiceInstances: (ctx, space, depth, limit) =>
        spaceInstances.serviceInstancesOf(ctx, space, depth, limit),
    },
    knex,
    clock,
    changes,
    users,
    pendingRegistrations: scim,
    spaceDependents: [instancesInSpaces, userProvidedInSpaces, brokersInSpaces],
  });
  const orgs = orgsModule.service;
  const flagsModule = createFeatureFlagsModule({ knex, clock, changes });
  const flags = flagsModule.service;
  const catalog = createCatalogModule({
    knex,
    clock,
    changes,
    orgs,
    planUsage: instancePlanUsage,
    checkExtra: containerExtraCheck(config.containers.maxReplicas),
  });
  const { services, plans, visibilities } = catalog;
  const osb = new HttpOsbClient({
    timeoutMs: config.operations.brokerTimeoutMs,
    apiInfoLocation: `${config.externalUrl}/v2/info`,
    observe: (broker, outcome, seconds) => {
      metrics.recorder.brokerRequest(broker, outcome, seconds);
    },
  });
  const brokersModule = createBrokersModule({
    knex,
    clock: systemClock,
    changes,
    fetcher: osb,
    secrets,
    orgs,
    flags,
    catalogs: catalog.brokerCatalogs,
    logger,
    resync: { intervalSeconds: config.operations.brokerResyncSeconds, workerId: newWorkerId() },
  });
  const brokers = brokersModule.service;
  const containers =
    options.containers ??
    createContainersModule({
      knex,
      config: config.containers,
      logger,
      owner: installationId,
      changes,
      secrets,
      onPass: (seconds) => {
        metrics.recorder.reconcilePass(seconds);
      },
    });

  const jobsModule = createJobsModule({
    knex,
    clock: systemClock,
    changes,
    logger,
    settings: {
      tickMs: config.operations.jobTickMs,
      leaseMs: config.operations.jobLeaseMs,
      retentionMs: config.operations.jobRetentionMs,
    },
  });
  const jobs = jobsModule.queue;
  const userProvided = createUserProvidedModule({
    knex,
    orgs,
    flags,
    secrets,
    clock,
    changes,
  });
  const shares = new SharesStore(knex, clock);
  const instancesModule = createInstancesModule({
    shares,
    summaryExtras: [(space) => userProvided.summaryOf(space)],
    knex,
    clock: systemClock,
    changes,
    jobs,
    logger,
    secrets,
    plans,
    services,
    orgs,
    flags,
    brokers,
    osb,
    containers: containers.service,
    settings: {
      intervalMs: config.operations.pollIntervalMs,
      maxDurationMs: config.operations.maxPollDurationMs,
      mitigationBaseMs: config.operations.orphanMitigationBaseMs,
      containerSyncTimeoutMs: config.operations.containerSyncTimeoutMs,
    },
  });

  const spaceInstances = createSpaceInstancesModule({
    orgs,
    instances: instancesModule.instances,
    context: instancesModule.context,
    userProvided,
  });
  const sharing = createSharingModule({
    externalUrl: config.externalUrl,
    store: shares,
    instances: instancesModule.instances,
    context: instancesModule.context,
    orgs,
    flags,
    userProvided,
    changes,
  });
  const v3 = createV3Module({
    externalUrl: config.externalUrl,
    orgs,
    defaultQuotaGuid: () => quotas.defaultQuotaGuid(),
    logger,
    extraRouters: [sharing.v3Router],
  });

  const tokenEndpoint = new OAuthTokenEndpoint(users, tokens, limiter, refreshTokens, clock);
  const everyContainer = () =>
    containers.service.list({ tenant: '', admin: true }, { names: [], labels: [] });
  const metrics = createMetricsModule({
    changes,
    scrapeToken: config.ui.metricsToken,
    sources: {
      jobCounts: () => jobsModule.counts(),
      containerStatusCounts: async () =>
        tally((await everyContainer()).map((v) => v.record.status)).map(([status, count]) => ({
          status,
          count,
        })),
      backendHealthCounts: async () =>
        tally(
          (await everyContainer()).flatMap((v) => v.observation.backends.map((b) => b.health)),
        ).map(([health, count]) => ({ health, count })),
      brokerSyncStates: async () =>
        (await brokers.all()).map((b) => ({ broker: b.name, ok: b.lastSync?.ok ?? null })),
      attentionCounts: async () => {
        const [instances, failedSyncs, views] = await Promise.all([
          instancesModule.instances.needingAttention(
            'platform',
            pageRequest({ perPage: 1 }),
            attentionBoundsAt(clock.now(), DEFAULT_ATTENTION),
          ),
          brokers.withFailedSync(),
          everyContainer(),
        ]);
        return [
          { kind: 'stuck_instances', count: instances.total },
          { kind: 'failed_broker_syncs', count: failedSyncs.length },
          {
            kind: 'unhealthy_container_services',
            count: views.filter((view) => containerAttention(view) !== undefined).length,
          },
        ];
      },
    },
  });
  const ui = createUiModule({
    knex,
    tokenEndpoint,
    tokens,
    sealer: secrets,
    changes,
    clock,
    externalUrl: config.externalUrl,
    logger,
    policy: {
      idleSeconds: config.ui.sessionIdleSeconds,
      maxSeconds: config.ui.sessionMaxSeconds,
    },
    features: {
      services,
      plans,
      visibilities,
      orgs,
      brokers,
      instances: instancesModule.instances,
      keys: instancesModule.keys,
      containers: containers.service,
      syncStates: async () =>
        new Map(
          (await brokers.all()).map((b) => [
            b.guid,
            {
              at:
                b.lastSync === null ? null : b.lastSync.at.toISOString().replace(/\.\d{3}Z$/, 'Z'),
              ok: b.lastSync?.ok ?? null,
              error: b.lastSync?.error ?? null,
            },
          ]),
        ),
    },
  });

  const app = express();
  app.use(metrics.httpTimer);
  applyCommonHeaders(app, config.auth.trustedProxies);
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const readiness = await checkReadiness(
      { database: databaseWriteProbe(knex), engine: () => containers.ping() },
      READINESS_TIMEOUT_MS,
    );
    res.status(readiness.ready ? 200 : 503).json({
      status: readiness.ready ? 'ok' : 'unavailable',
      checks: readiness.checks,
    });
  });
  // Wharf's own OSB broker keeps OSB's auth and error shapes: mounted before the CF middleware.
  app.use(
    '/broker',
    createOsbBrokerRouter({
      knex,
      services,
      plans,
      engine: new ContainerServiceEngine(containers.service),
      secrets,
      syncTimeoutMs: config.operations.osbSyncTimeoutMs,
      credentials: brokerCredentials.credentials,
      logger,
    }),
  );
  app.use('/ui', ui.sessionMiddleware);
  app.use(createBearerMiddleware(tokens, users));
  app.use(ui.rootRedirect);
  app.use(
    createInfoRoutes({
      externalUrl: config.externalUrl,
      supportUrl: config.supportUrl,
      signingKeys,
      tokenEndpoint,
      cloudControllerV3: v3.rootLink,
    }),
  );
  app.get('/metrics', metrics.endpoint);
  app.use('/ui', ui.router);
  app.use('/v3', v3.router);
  app.use(scim.router);
  app.use('/services', containers.router);
  app.use('/v2', rawJsonBody);
  app.use(
    createAsyncDeletesModule({
      orgs,
      instances: instancesModule.instances,
      keys: instancesModule.keys,
      contents: [userProvided.spaceContents],
      jobs,
      clock,
      changes,
      settings: {
        pollIntervalMs: config.operations.pollIntervalMs,
        maxDurationMs: config.operations.maxPollDurationMs,
      },
    }).router,
  );
  app.use(orgsModule.router);
  app.use(
    createUserRolesModule({ orgs, users, directory: orgsModule.directory, flags, changes }).router,
  );
  app.use(catalog.router);
  app.use(flagsModule.router);
  app.use(brokersModule.router);
  app.use(userProvided.router);
  app.use(spaceInstances.router);
  app.use(sharing.v2Router);
  app.use(instancesModule.router);
  app.use(jobsModule.router);
  app.use(quotas.router);
  app.use(createDomainsModule({ orgs }).router);
  app.use(createAppsModule({ orgs }).router);
  app.use(notFoundHandler);
  app.use(createErrorMiddleware(logger));

  let started = false;
  return {
    app,
    knex,
    installationId,
    users,
    tokens,
    orgs,
    brokers,
    secrets,
    signingKeys,
    keyMaterial: keys.store,
    keys,
    rotateKeys: (sleep) => rotateInstallationKeys(keys, knex, config, sleep),
    containers,
    jobs,
    brokerCredentials,
    changes,
    metrics,
    start: async () => {
      started = true;
      await jobs.start();
      await instancesModule.recover();
      await containers.start();
      brokersModule.schedule.start();
    },
    close: async () => {
      if (started) {
        await brokersModule.schedule.stop();
        await jobs.stop();
        await containers.stop();
      }
      keys.refresher.stop();
      await knex.destroy();
    },
  };
}
