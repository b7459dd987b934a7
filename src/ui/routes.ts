import { randomBytes } from 'node:crypto';
import express from 'express';
import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import type { AuthContext } from '../auth';
import { getAuthContext, isAdmin } from '../auth';
import type { ChangeFeed } from '../changes';
import type { Logger } from '../logger';
import { FAVICON, LIVE_SCRIPT, STYLESHEET } from './assets';
import { parseCookies, serializeCookie } from './cookies';
import { checkCsrf, originOf } from './csrf';
import { Form } from './form';
import type { Html } from './html';
import { html } from './html';
import { layout } from './layout';
import type { NavSection } from './layout';
import { brokerEditPage, brokersPage } from './pages/brokers';
import { catalogPage, visibilityPage } from './pages/catalog';
import { containerPage, containersPage } from './pages/containers';
import { instancesPage, newInstancePage } from './pages/instances';
import { loginPage } from './pages/login';
import { overviewPage } from './pages/overview';
import type { DashboardData } from './ports';
import { DashboardProblem } from './ports';
import { getUiSession, setUiSession } from './request-state';
import { toFormFields, toParameters } from './schema-form';
import type { ActiveSession, Sessions } from './sessions';
import { UaaLoginError } from './sessions';

export const SESSION_COOKIE = 'wharf_session';
export const LOGIN_COOKIE = 'wharf_login';
const SSE_HEARTBEAT_MS = 20_000;

export interface UiRoutesDeps {
  sessions: Sessions;
  data: DashboardData;
  changes: ChangeFeed;
  externalUrl: string;
  logger: Logger;
}

interface PageContext {
  req: Request;
  res: Response;
  viewer: AuthContext;
  session: ActiveSession;
  admin: boolean;
}

const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "object-src 'none'",
].join('; ');

function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.setHeader('Content-Security-Policy', CSP);
  res.setHeader('X-Frame-Options', 'DENY');
  res.setHeader('Referrer-Policy', 'same-origin');
  next();
}

const param = (req: Request, name: string): string => {
  const value: unknown = req.params[name];
  return typeof value === 'string' ? value : '';
};

const queryText = (req: Request, name: string): string => {
  const value: unknown = req.query[name];
  return typeof value === 'string' ? value.slice(0, 200) : '';
};

const optionalQuery = (req: Request, name: string): string | undefined => {
  const value = queryText(req, name);
  return value === '' ? undefined : value;
};

/**
 * Session before auth: a valid dashboard session becomes the request's bearer token, so the same
 * verifier (signature, expiry, revocation of a deleted user) decides who the page is for. A bearer
 * header sent to /ui by anything else is dropped: the dashboard authenticates by its cookie only.
 */
export function createUiSessionMiddleware(sessions: Sessions): RequestHandler {
  return (req, _res, next) => {
    delete req.headers.authorization;
    const cookie = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
    sessions.resolve(cookie).then((session) => {
      if (session !== undefined) {
        setUiSession(req, session);
        req.headers.authorization = `bearer ${session.accessToken}`;
      }
      next();
    }, next);
  };
}

export function createUiRouter(deps: UiRoutesDeps): Router {
  const router = express.Router();
  const { sessions, data } = deps;
  const external = new URL(deps.externalUrl);
  const secure = external.protocol === 'https:';
  const cookie = (name: string, value: string, maxAgeSeconds?: number): string =>
    serializeCookie(name, value, { path: '/ui', secure, maxAgeSeconds });

  router.use(securityHeaders);
  router.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 2000 }));

  const asset =
    (type: string, body: string): RequestHandler =>
    (_req, res) => {
      res.setHeader('Cache-Control', 'public, max-age=3600');
      res.type(type).send(body);
    };
  router.get('/assets/wharf.css', asset('text/css', STYLESHEET));
  router.get('/assets/live.js', asset('application/javascript', LIVE_SCRIPT));
  router.get('/assets/favicon.svg', asset('image/svg+xml', FAVICON));

  const allowedOrigins = (req: Request): string[] => [
    external.origin,
    `${req.protocol}://${req.get('host') ?? ''}`,
  ];

  function send(res: Response, status: number, page: Html): void {
    res.status(status).setHeader('Cache-Control', 'no-store');
    res.type('text/html').send(page.text);
  }

  function render(
    ctx: PageContext,
    section: NavSection | undefined,
    title: string,
    content: Html,
    status = 200,
    notice?: { kind: 'ok' | 'error'; text: string },
  ): void {
    send(
      ctx.res,
      status,
      layout(
        {
          title,
          userName: ctx.session.userName,
          csrfToken: ctx.session.csrfToken,
          section,
          isAdmin: ctx.admin,
          notice,
        },
        content,
      ),
    );
  }

  function refuse(res: Response, status: number, reason: string): void {
    send(
      res,
      status,
      layout(
        {
          title: 'Not allowed',
          userName: undefined,
          csrfToken: undefined,
          section: undefined,
          isAdmin: false,
        },
        html`<p class="notice notice-error" role="alert">${reason}</p>
          <p><a href="/ui">Back to the dashboard</a></p>`,
      ),
    );
  }

  router.get('/login', (req, res) => {
    if (getUiSession(req) !== undefined && getAuthContext(req) !== undefined) {
      res.redirect(303, '/ui');
      return;
    }
    const token = randomBytes(24).toString('base64url');
    res.setHeader('Set-Cookie', cookie(LOGIN_COOKIE, token, 600));
    send(
      res,
      200,
      layout(
        {
          title: 'Log in',
          userName: undefined,
          csrfToken: undefined,
          section: undefined,
          isAdmin: false,
        },
        loginPage(token, undefined, ''),
      ),
    );
  });

  router.post('/login', async (req, res) => {
    const form = Form.from(req.body);
    const verdict = checkCsrf({
      method: req.method,
      origin: originOf(req.get('origin'), req.get('referer')),
      allowedOrigins: allowedOrigins(req),
      presented: form.get('_csrf'),
      expected: parseCookies(req.headers.cookie).get(LOGIN_COOKIE),
    });
    if (!verdict.ok) {
      refuse(res, 403, `Refused: ${verdict.reason}.`);
      return;
    }
    const username = form.text('username');
    try {
      const started = await sessions.login(username, form.get('password') ?? '', req.ip ?? '');
      res.setHeader('Set-Cookie', [
        cookie(SESSION_COOKIE, started.cookie),
        cookie(LOGIN_COOKIE, '', 0),
      ]);
      res.redirect(303, '/ui');
    } catch (err) {
      if (!(err instanceof UaaLoginError)) throw err;
      if (err.retryAfterSeconds !== undefined)
        res.setHeader('Retry-After', String(err.retryAfterSeconds));
      const token = form.get('_csrf') ?? '';
      send(
        res,
        err.retryAfterSeconds === undefined ? 401 : 429,
        layout(
          {
            title: 'Log in',
            userName: undefined,
            csrfToken: undefined,
            section: undefined,
            isAdmin: false,
          },
          loginPage(token, err.message, username),
        ),
      );
    }
  });

  /** Every other page: a live session whose token still verifies, and CSRF on state changes. */
  router.use((req, res, next) => {
    const session = getUiSession(req);
    const viewer = getAuthContext(req);
    if (session === undefined || viewer === undefined) {
      if (session !== undefined) {
        // The token no longer verifies (user deleted, token revoked): end the session for good.
        void sessions.logout(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
      }
      if (req.method === 'GET' || req.method === 'HEAD') {
        res.setHeader('Set-Cookie', cookie(SESSION_COOKIE, '', 0));
        res.redirect(303, '/ui/login');
      } else refuse(res, 403, 'Refused: you are not signed in.');
      return;
    }
    const verdict = checkCsrf({
      method: req.method,
      origin: originOf(req.get('origin'), req.get('referer')),
      allowedOrigins: allowedOrigins(req),
      presented: Form.from(req.body).get('_csrf') ?? req.get('x-csrf-token'),
      expected: session.csrfToken,
    });
    if (!verdict.ok) {
      deps.logger.warn({ path: req.path, reason: verdict.reason }, 'dashboard refused a request');
      refuse(res, 403, `Refused: ${verdict.reason}.`);
      return;
    }
    next();
  });

  const context = (req: Request, res: Response): PageContext => {
    const session = getUiSession(req);
    const viewer = getAuthContext(req);
    // The guard above already proved both exist; this keeps the types honest without casts.
    if (session === undefined || viewer === undefined) throw new Error('dashboard guard skipped');
    return { req, res, viewer, session, admin: isAdmin(viewer) };
  };

  /** Runs a page or action; an expected problem becomes a page with the reason, never a 500. */
  const handle =
    (work: (ctx: PageContext) => Promise<void>): RequestHandler =>
    async (req, res) => {
      const ctx = context(req, res);
      try {
        await work(ctx);
      } catch (err) {
        if (!(err instanceof DashboardProblem)) throw err;
        render(
          ctx,
          undefined,
          'Could not do that',
          html`<p>
            <a href="${req.get('referer') !== undefined ? originSafeBack(req) : '/ui'}">Go back</a>
          </p>`,
          err.status,
          {
            kind: 'error',
            text: err.message,
          },
        );
      }
    };

  const adminOnly = (ctx: PageContext): void => {
    if (!ctx.admin) throw new DashboardProblem(403, 'Only administrators may do this.');
  };

  router.post('/logout', async (req, res) => {
    await sessions.logout(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
    res.setHeader('Set-Cookie', cookie(SESSION_COOKIE, '', 0));
    res.redirect(303, '/ui/login');
  });

  router.get(
    '/',
    handle(async (ctx) => {
      const [counts, attention] = await Promise.all([
        data.counts(ctx.viewer),
        data.attention(ctx.viewer),
      ]);
      render(ctx, 'overview', 'Overview', overviewPage(counts, attention));
    }),
  );

  router.get(
    '/catalog',
    handle(async (ctx) => {
      const search = queryText(ctx.req, 'q');
      const services = await data.catalog(ctx.viewer, search);
      render(
        ctx,
        'catalog',
        'Catalog',
        catalogPage(services, search, ctx.admin, ctx.session.csrfToken),
      );
    }),
  );

  router.post(
    '/catalog',
    handle(async (ctx) => {
      adminOnly(ctx);
      const form = Form.from(ctx.req.body);
      await data.createCatalogEntry(ctx.viewer, {
        label: form.text('label'),
        description: form.text('description'),
        bindable: form.flag('bindable'),
        planName: form.text('plan_name'),
        planDescription: form.text('plan_description'),
        planFree: form.flag('plan_free'),
        containerTemplate: form.text('container'),
      });
      ctx.res.redirect(303, `/ui/catalog?q=${encodeURIComponent(form.text('label'))}`);
    }),
  );

  router.get(
    '/catalog/plans/:guid/visibility',
    handle(async (ctx) => {
      adminOnly(ctx);
      const orgSearch = queryText(ctx.req, 'org_q');
      const v = await data.planVisibility(ctx.viewer, param(ctx.req, 'guid'), orgSearch);
      render(
        ctx,
        'catalog',
        `Access to ${v.plan.name}`,
        visibilityPage(v, orgSearch, ctx.session.csrfToken),
      );
    }),
  );

  router.post(
    '/catalog/plans/:guid/visibility',
    handle(async (ctx) => {
      adminOnly(ctx);
      const form = Form.from(ctx.req.body);
      const planGuid = param(ctx.req, 'guid');
      const wanted = new Set(form.getAll('org'));
      const listed = form.getAll('listed');
      const current = await data.planVisibility(ctx.viewer, planGuid, '');
      const granted = new Set(current.orgs.filter((o) => o.granted).map((o) => o.guid));
      await data.setPlanVisibility(ctx.viewer, planGuid, {
        grant: [...wanted].filter((g) => !granted.has(g)),
        revoke: listed.filter((g) => !wanted.has(g) && granted.has(g)),
      });
      ctx.res.redirect(303, `/ui/catalog/plans/${encodeURIComponent(planGuid)}/visibility`);
    }),
  );

  router.get(
    '/brokers',
    handle(async (ctx) => {
      adminOnly(ctx);
      render(
        ctx,
        'brokers',
        'Brokers',
        brokersPage(await data.brokers(ctx.viewer), ctx.session.csrfToken),
      );
    }),
  );

  const brokerForm = (
    req: Request,
  ): { name: string; url: string; username: string; password: string } => {
    const form = Form.from(req.body);
    return {
      name: form.text('name'),
      url: form.text('url'),
      username: form.text('username'),
      password: form.get('password') ?? '',
    };
  };

  router.post(
    '/brokers',
    handle(async (ctx) => {
      adminOnly(ctx);
      await data.registerBroker(ctx.viewer, brokerForm(ctx.req));
      ctx.res.redirect(303, '/ui/brokers');
    }),
  );

  router.get(
    '/brokers/:guid',
    handle(async (ctx) => {
      adminOnly(ctx);
      const guid = param(ctx.req, 'guid');
      const broker = (await data.brokers(ctx.viewer)).find((b) => b.guid === guid);
      if (broker === undefined) throw new DashboardProblem(404, 'No such broker.');
      render(
        ctx,
        'brokers',
        `Broker ${broker.name}`,
        brokerEditPage(broker, ctx.session.csrfToken),
      );
    }),
  );

  router.post(
    '/brokers/:guid',
    handle(async (ctx) => {
      adminOnly(ctx);
      await data.updateBroker(ctx.viewer, param(ctx.req, 'guid'), brokerForm(ctx.req));
      ctx.res.redirect(303, '/ui/brokers');
    }),
  );

  router.post(
    '/brokers/:guid/sync',
    handle(async (ctx) => {
      adminOnly(ctx);
      await data.resyncBroker(ctx.viewer, param(ctx.req, 'guid'));
      ctx.res.redirect(303, '/ui/brokers');
    }),
  );

  router.post(
    '/brokers/:guid/delete',
    handle(async (ctx) => {
      adminOnly(ctx);
      await data.deleteBroker(ctx.viewer, param(ctx.req, 'guid'));
      ctx.res.redirect(303, '/ui/brokers');
    }),
  );

  router.get(
    '/instances',
    handle(async (ctx) => {
      const filter = {
        orgGuid: optionalQuery(ctx.req, 'org'),
        spaceGuid: optionalQuery(ctx.req, 'space'),
        serviceGuid: optionalQuery(ctx.req, 'service'),
      };
      const [rows, filters] = await Promise.all([
        data.instances(ctx.viewer, filter),
        data.instanceFilters(ctx.viewer),
      ]);
      render(
        ctx,
        'instances',
        'Service instances',
        instancesPage(rows, filters, filter, ctx.session.csrfToken),
      );
    }),
  );

  router.get(
    '/instances/new',
    handle(async (ctx) => {
      const market = await data.marketplace(ctx.viewer);
      const planGuid = optionalQuery(ctx.req, 'plan');
      const chosen = market.plans.find((p) => p.guid === planGuid);
      if (planGuid !== undefined && chosen === undefined)
        throw new DashboardProblem(404, 'That plan is not in your marketplace.');
      render(
        ctx,
        'instances',
        'New service instance',
        newInstancePage(market, chosen, ctx.session.csrfToken, [], {
          name: '',
          spaceGuid: market.spaces[0]?.guid ?? '',
        }),
      );
    }),
  );

  router.post(
    '/instances',
    handle(async (ctx) => {
      const form = Form.from(ctx.req.body);
      const market = await data.marketplace(ctx.viewer);
      const chosen = market.plans.find((p) => p.guid === form.text('plan'));
      if (chosen === undefined)
        throw new DashboardProblem(404, 'That plan is not in your marketplace.');
      const parsed = toParameters(toFormFields(chosen.createSchema), form.asMap());
      const values = { name: form.text('name'), spaceGuid: form.text('space') };
      if (!parsed.ok) {
        render(
          ctx,
          'instances',
          'New service instance',
          newInstancePage(market, chosen, ctx.session.csrfToken, parsed.problems, values),
          400,
        );
        return;
      }
      await data.createInstance(ctx.viewer, {
        spaceGuid: values.spaceGuid,
        planGuid: chosen.guid,
        name: values.name,
        parameters: parsed.parameters,
      });
      ctx.res.redirect(303, '/ui/instances');
    }),
  );

  router.post(
    '/instances/:guid/delete',
    handle(async (ctx) => {
      await data.deleteInstance(ctx.viewer, param(ctx.req, 'guid'));
      ctx.res.redirect(303, '/ui/instances');
    }),
  );

  router.get(
    '/containers',
    handle(async (ctx) => {
      render(
        ctx,
        'containers',
        'Container services',
        containersPage(await data.containers(ctx.viewer)),
      );
    }),
  );

  router.get(
    '/containers/:name',
    handle(async (ctx) => {
      const detail = await data.container(ctx.viewer, param(ctx.req, 'name'));
      render(ctx, 'containers', detail.name, containerPage(detail, ctx.session.csrfToken));
    }),
  );

  const containerAction = (
    act: (ctx: PageContext, name: string, form: Form) => Promise<void>,
  ): RequestHandler =>
    handle(async (ctx) => {
      const name = param(ctx.req, 'name');
      await act(ctx, name, Form.from(ctx.req.body));
      ctx.res.redirect(303, `/ui/containers/${encodeURIComponent(name)}`);
    });

  router.post(
    '/containers/:name/scale',
    containerAction(async (ctx, name, form) => {
      const replicas = Number(form.text('Replicas'));
      if (!Number.isInteger(replicas) || replicas < 0)
        throw new DashboardProblem(400, 'Replicas must be a whole number, 0 or more.');
      await data.scaleContainer(ctx.viewer, name, replicas);
    }),
  );
  router.post(
    '/containers/:name/image',
    containerAction((ctx, name, form) =>
      data.updateContainerImage(ctx.viewer, name, form.text('Image')),
    ),
  );
  router.post(
    '/containers/:name/fip',
    containerAction((ctx, name, form) => data.setContainerFip(ctx.viewer, name, form.text('FIP'))),
  );
  router.post(
    '/containers/:name/delete',
    handle(async (ctx) => {
      await data.deleteContainer(ctx.viewer, param(ctx.req, 'name'));
      ctx.res.redirect(303, '/ui/containers');
    }),
  );

  /**
   * Server-sent events: one line per change, topic and action only. Ids are left out on purpose:
   * the page re-reads itself with the viewer's own authorization, so the stream leaks nothing.
   */
  router.get('/events', (req, res) => {
    res.status(200);
    res.setHeader('Content-Type', 'text/event-stream');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Accel-Buffering', 'no');
    res.flushHeaders();
    res.write('retry: 3000\n\n');
    const unsubscribe = deps.changes.subscribe((change) => {
      res.write(`event: change\ndata: ${change.topic} ${change.action}\n\n`);
    });
    const heartbeat = setInterval(() => {
      res.write(': ping\n\n');
    }, SSE_HEARTBEAT_MS);
    heartbeat.unref();
    req.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  });

  // Body-parser refusals keep their 4xx; anything else is a bug, logged, shown without internals.
  router.use((err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const status = statusOf(err);
    if (status >= 500) deps.logger.error({ err, path: req.path }, 'dashboard page failed');
    refuse(
      res,
      status,
      status >= 500
        ? 'Something went wrong; the error was logged.'
        : 'The request could not be read.',
    );
  });

  return router;
}

function statusOf(err: unknown): number {
  if (typeof err === 'object' && err !== null && 'status' in err) {
    const status: unknown = err.status;
    if (typeof status === 'number' && status >= 400 && status < 500) return status;
  }
  return 500;
}

/** Back to where the form was, but only within this site. */
function originSafeBack(req: Request): string {
  const referer = req.get('referer') ?? '';
  try {
    const url = new URL(referer);
    return url.host === req.get('host') ? `${url.pathname}${url.search}` : '/ui';
  } catch {
    return '/ui';
  }
}
