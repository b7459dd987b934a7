import type { Request, RequestHandler, Router } from 'express';
import type { OAuthTokenEndpoint, TokenService } from '../auth';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import type { Knex } from '../db/knex';
import type { Logger } from '../logger';
import { createDashboardData } from './data';
import type { DashboardDataDeps } from './data';
import { RecentEvents } from './recent-events';
import { createUiRouter, createUiSessionMiddleware } from './routes';
import { SessionStore } from './session-store';
import type { Sealer, SessionPolicy } from './sessions';
import { Sessions } from './sessions';
import { createUaaAdapter } from './uaa-adapter';

export type { DashboardData } from './ports';
export type { BrokerSyncState } from './data';

export interface UiModuleDeps {
  knex: Knex;
  tokenEndpoint: OAuthTokenEndpoint;
  tokens: TokenService;
  sealer: Sealer;
  changes: ChangeFeed;
  clock: Clock;
  externalUrl: string;
  logger: Logger;
  policy: SessionPolicy;
  features: Omit<DashboardDataDeps, 'events' | 'clock'>;
}

export interface UiModule {
  /** Mount on /ui before the bearer middleware: turns the session cookie into the bearer token. */
  sessionMiddleware: RequestHandler;
  /** Mount on /ui after the bearer middleware. */
  router: Router;
  /** Mount before the links document on GET /: browsers go to the dashboard, API clients stay. */
  rootRedirect: RequestHandler;
  sessions: Sessions;
}

/** A browser asks for HTML first; every API client (cf CLI, curl, cf-nodejs-client) does not. */
export function prefersHtml(req: Request): boolean {
  return req.accepts(['application/json', 'text/html']) === 'text/html';
}

export function createUiModule(deps: UiModuleDeps): UiModule {
  const sessions = new Sessions(
    new SessionStore(deps.knex),
    createUaaAdapter(deps.tokenEndpoint, deps.tokens),
    deps.sealer,
    deps.clock,
    deps.policy,
  );
  const data = createDashboardData({
    ...deps.features,
    events: new RecentEvents(deps.changes, deps.clock),
    clock: deps.clock,
  });
  return {
    sessionMiddleware: createUiSessionMiddleware(sessions),
    router: createUiRouter({
      sessions,
      data,
      changes: deps.changes,
      externalUrl: deps.externalUrl,
      logger: deps.logger,
    }),
    rootRedirect: (req, res, next) => {
      if (req.path === '/' && req.method === 'GET' && prefersHtml(req)) {
        res.redirect(302, '/ui');
        return;
      }
      next();
    },
    sessions,
  };
}
