import type { Request, RequestHandler, Router } from 'express';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import type { Knex } from '../db/knex';
import type { Logger } from '../logger';
import type { DashboardData } from './ports';
import { createUiRouter, createUiSessionMiddleware } from './routes';
import { SessionStore } from './session-store';
import type { Sealer, SessionPolicy, UaaPort } from './sessions';
import { Sessions } from './sessions';

export type { DashboardData } from './ports';
export { DashboardProblem } from './ports';
export type { UaaPort, UaaTokens } from './sessions';
export { UaaLoginError } from './sessions';

export interface UiModuleDeps {
  knex: Knex;
  uaa: UaaPort;
  sealer: Sealer;
  data: DashboardData;
  changes: ChangeFeed;
  clock: Clock;
  externalUrl: string;
  logger: Logger;
  policy: SessionPolicy;
}

export interface UiModule {
  /** Mount on /ui before the bearer middleware: turns the session cookie into the bearer token. */
  sessionMiddleware: RequestHandler;
  /** Mount on /ui after the bearer middleware. */
  router: Router;
  /** Mount on GET / before the links document: browsers go to the dashboard, API clients stay. */
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
    deps.uaa,
    deps.sealer,
    deps.clock,
    deps.policy,
  );
  return {
    sessionMiddleware: createUiSessionMiddleware(sessions),
    router: createUiRouter({
      sessions,
      data: deps.data,
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
