import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import type { Express } from 'express';
import {
  createBearerMiddleware,
  createInfoRoutes,
  LoginLimiter,
  loadOrCreateSigningKey,
  OAuthTokenEndpoint,
  TokenService,
  UsersService,
  UsersStore,
} from './auth';
import type { WharfConfig } from './config';
import { createKnex } from './db/knex';
import type { Knex } from './db/knex';
import { migrateToLatest } from './db/migrate';
import { createErrorMiddleware, notFoundHandler } from './http/error-middleware';
import { rawJsonBody } from './http/json-body';
import { requestIdMiddleware } from './http/request-id';
import type { Logger } from './logger';
import { createOrgsRoutes, OrgsService, UsersDirectory } from './orgs';
import { CatalogReadCache, createCatalogRoutes, FeatureFlagsService, GenerationStore, PlansService, ServicesService, VisibilitiesService } from './catalog';

export interface Wharf {
  app: Express;
  knex: Knex;
  users: UsersService;
  tokens: TokenService;
  orgs: OrgsService;
  close(): Promise<void>;
}

export interface BuildOptions {
  config: WharfConfig;
  logger: Logger;
  /** Tests hand in their own knex (a fresh SQLite file per spec file). */
  knex?: Knex;
}

function trustedIssuers(config: WharfConfig): { issuer: string; publicKeyPem: string }[] {
  const trusted = config.auth.trustedIssuer;
  if (!trusted) return [];
  return [{ issuer: trusted.issuer, publicKeyPem: fs.readFileSync(trusted.publicKeyFile, 'utf8') }];
}

/** The composition root: builds stores, services and routers; no business logic here. */
export async function buildWharf(options: BuildOptions): Promise<Wharf> {
  const { config, logger } = options;
  const knex =
    options.knex ??
    createKnex({ databaseUrl: config.databaseUrl, sqliteFile: path.join(config.dataDir, 'wharf.sqlite') });
  await migrateToLatest(knex);

  const signingKey = loadOrCreateSigningKey(config.dataDir);
  const tokens = new TokenService(
    signingKey,
    config.externalUrl,
    config.auth.tokenTtlSeconds,
    config.auth.refreshTokenTtlSeconds,
    trustedIssuers(config),
  );
  const users = new UsersService(new UsersStore(knex));
  const limiter = new LoginLimiter(config.auth.loginMaxFailures, config.auth.loginLockoutSeconds);
  const orgs = new OrgsService(knex);

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('trust proxy', 'loopback');
  app.use(requestIdMiddleware);
  app.use((_req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    next();
  });
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    await knex.raw('select 1');
    res.json({ status: 'ok' });
  });
  app.use(createBearerMiddleware(tokens, users));
  app.use(createInfoRoutes({ externalUrl: config.externalUrl, signingKey, tokenEndpoint: new OAuthTokenEndpoint(users, tokens, limiter) }));
  app.use('/v2', rawJsonBody);
  app.use(createOrgsRoutes(orgs, new UsersDirectory(users)));
  app.use(
    createCatalogRoutes({
      generation: new GenerationStore(knex),
      cache: new CatalogReadCache(),
      services: new ServicesService(knex),
      plans: new PlansService(knex),
      visibilities: new VisibilitiesService(knex, orgs),
      flags: new FeatureFlagsService(knex),
      orgs,
    }),
  );
  app.use(notFoundHandler);
  app.use(createErrorMiddleware(logger));

  return {
    app,
    knex,
    users,
    tokens,
    orgs,
    close: async () => {
      await knex.destroy();
    },
  };
}
