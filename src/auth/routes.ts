import express from 'express';
import type { Request, Response, Router } from 'express';
import { sendJson } from '../http/send';
import { getAuthContext } from './auth-context';
import { GateBusyError } from './concurrency-gate';
import { OAuthError, sendOAuthError } from './oauth-errors';
import type { OAuthTokenEndpoint } from './oauth-token';
import type { SigningKeys } from './signing-key';
import { toJwk } from './signing-key';

/** CC API version Wharf speaks; the v6 CLI warns below 2.128.0 and needs valid semver. */
export const API_VERSION = '2.293.0';
export const OSBAPI_VERSION = '2.17';
export const UAA_APP_VERSION = '4.30.0';

export interface InfoRoutesDeps {
  externalUrl: string;
  /** The operator's support address (`WHARF_SUPPORT_URL`); CC reports null when none is set. */
  supportUrl: string | null;
  signingKeys: SigningKeys;
  tokenEndpoint: OAuthTokenEndpoint;
  /** The v3 API's root link; the v6 CLI panics in login, org and space when it is null. */
  cloudControllerV3: { href: string; meta: { version: string } };
}

function rootLinks(base: string, v3: InfoRoutesDeps['cloudControllerV3']): object {
  const href = (path: string): { href: string } => ({ href: `${base}${path}` });
  return {
    links: {
      self: href(''),
      cloud_controller_v2: { href: `${base}/v2`, meta: { version: API_VERSION } },
      cloud_controller_v3: v3,
      login: href(''),
      uaa: href(''),
      network_policy_v0: null,
      network_policy_v1: null,
      routing: null,
      logging: null,
      log_cache: null,
      app_ssh: null,
      open_service_broker: href('/broker'),
    },
  };
}

function info(base: string, supportUrl: string | null, req: Request): object {
  const user = getAuthContext(req);
  return {
    name: 'wharf',
    build: 'wharf',
    support: supportUrl,
    version: 0,
    description: 'Wharf service catalog and broker registry',
    authorization_endpoint: base,
    token_endpoint: base,
    min_cli_version: null,
    min_recommended_cli_version: null,
    app_ssh_endpoint: null,
    app_ssh_host_key_fingerprint: null,
    app_ssh_oauth_client: null,
    doppler_logging_endpoint: null,
    api_version: API_VERSION,
    osbapi_version: OSBAPI_VERSION,
    ...(user ? { user: user.userGuid } : {}),
  };
}

/** Wharf's UAA face for v2 clients: `/`, `/v2/info`, `/login`, `/oauth/token`, `/token_keys`. */
export function createInfoRoutes(deps: InfoRoutesDeps): Router {
  const router = express.Router();
  const base = deps.externalUrl;

  // CC's endpoints answer CC's exact content type (reference §1.1); the UAA ones below keep Express's.
  router.get('/', (_req, res) => {
    sendJson(res, 200, rootLinks(base, deps.cloudControllerV3));
  });
  router.get('/v2/info', (req, res) => {
    sendJson(res, 200, info(base, deps.supportUrl, req));
  });
  router.get('/login', (_req, res) => {
    res.json({
      app: { version: UAA_APP_VERSION },
      links: { uaa: base, passwd: '/forgot_password', login: base, register: '/create_account' },
      zone_name: 'uaa',
      entityID: 'wharf',
      commit_id: 'wharf',
      idpDefinitions: {},
      prompts: { username: ['text', 'Email'], password: ['password', 'Password'] },
      timestamp: new Date().toISOString(),
    });
  });
  router.get('/token_keys', (_req, res) => {
    res.json({ keys: deps.signingKeys.all().map(toJwk) });
  });
  router.get('/token_key', (_req, res) => {
    res.json(toJwk(deps.signingKeys.current));
  });
  router.post(
    '/oauth/token',
    express.urlencoded({ extended: false, limit: '16kb' }),
    async (req: Request, res: Response) => {
      try {
        const tokens = await deps.tokenEndpoint.handle({
          form: req.body,
          authorizationHeader: req.get('Authorization'),
          clientAddress: req.ip ?? 'unknown',
        });
        res.setHeader('Cache-Control', 'no-store');
        res.json(tokens);
      } catch (err) {
        if (err instanceof OAuthError) {
          sendOAuthError(res, err);
          return;
        }
        if (err instanceof GateBusyError) {
          // More password checks are queued than the hashing gate admits: refuse fast.
          sendOAuthError(
            res,
            new OAuthError(
              503,
              'temporarily_unavailable',
              'Too many logins at once; retry shortly',
              1,
            ),
          );
          return;
        }
        throw err;
      }
    },
  );
  return router;
}
