import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { getAuthState, hasScope } from '../auth';
import { GateBusyError, OAuthError, sendOAuthError } from '../auth';
import { param } from '../http/request-helpers';
import { matchesScimFilter, parseScimFilter, ScimFilterError } from './filter';
import type { ScimComparison } from './filter';
import { presentScimUser, projectAttributes, SCIM_USER_SCHEMAS, scimOrigin } from './presenter';
import { createScimUserBody } from './schemas';
import type { ScimService } from './service';

const WRITE_SCOPES = ['scim.write', 'scim.create', 'uaa.admin'];
const READ_SCOPES = ['scim.read', 'uaa.admin'];
const MAX_COUNT = 500;

/** UAA's own answers for a missing, bad or too weak token. */
function requireScope(req: Request, accepted: readonly string[]): void {
  const state = getAuthState(req);
  if (state.kind === 'anonymous')
    throw new OAuthError(
      401,
      'unauthorized',
      'Full authentication is required to access this resource',
    );
  if (state.kind === 'invalid') throw new OAuthError(401, 'invalid_token', 'Invalid access token');
  if (!accepted.some((scope) => hasScope(state.context, scope))) {
    throw new OAuthError(403, 'insufficient_scope', 'Insufficient scope for this resource');
  }
}

function stringParam(req: Request, key: string): string | undefined {
  const value: unknown = req.query[key];
  if (value === undefined) return undefined;
  if (typeof value === 'string') return value;
  throw new OAuthError(400, 'invalid_request', `${key} must be given once`);
}

function positiveInt(text: string | undefined, key: string, fallback: number): number {
  if (text === undefined) return fallback;
  if (!/^\d+$/.test(text) || Number(text) < 1)
    throw new OAuthError(400, 'invalid_request', `${key} must be a positive integer`);
  return Number(text);
}

function parseFilter(text: string | undefined): ScimComparison[] {
  if (text === undefined) return [];
  try {
    return parseScimFilter(text);
  } catch (err) {
    if (err instanceof ScimFilterError) throw new OAuthError(400, 'invalid_filter', err.message);
    throw err;
  }
}

/** Wharf's UAA SCIM subset: `POST /Users`, `GET /Users[/:id]`, `DELETE /Users/:id`. */
export function createScimRoutes(service: ScimService): Router {
  const router = express.Router();
  router.use('/Users', express.json({ limit: '16kb', type: () => true }));

  router.post('/Users', async (req, res) => {
    requireScope(req, WRITE_SCOPES);
    const parsed = createScimUserBody.safeParse(req.body);
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ');
      throw new OAuthError(400, 'invalid_scim_resource', detail);
    }
    const user = await service.create(parsed.data);
    res.status(201).json(presentScimUser(user));
  });

  router.get('/Users', async (req, res) => {
    requireScope(req, READ_SCOPES);
    const filter = parseFilter(stringParam(req, 'filter'));
    const attributes = stringParam(req, 'attributes')?.split(',');
    const startIndex = positiveInt(stringParam(req, 'startIndex'), 'startIndex', 1);
    const count = Math.min(positiveInt(stringParam(req, 'count'), 'count', 100), MAX_COUNT);
    const matching = (await service.list()).filter((user) =>
      matchesScimFilter(
        { id: user.guid, userName: user.username ?? user.guid, origin: scimOrigin(user) },
        filter,
      ),
    );
    const page = matching.slice(startIndex - 1, startIndex - 1 + count);
    res.json({
      resources: page.map((u) => projectAttributes(presentScimUser(u), attributes)),
      startIndex,
      itemsPerPage: count,
      totalResults: matching.length,
      schemas: SCIM_USER_SCHEMAS,
    });
  });

  router.get('/Users/:id', async (req, res) => {
    requireScope(req, READ_SCOPES);
    res.json(presentScimUser(await service.require(param(req, 'id'))));
  });

  router.delete('/Users/:id', async (req, res) => {
    requireScope(req, WRITE_SCOPES);
    res.json(presentScimUser(await service.delete(param(req, 'id'))));
  });

  router.use('/Users', (err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof OAuthError) {
      sendOAuthError(res, err);
      return;
    }
    if (err instanceof GateBusyError) {
      // The password-hashing gate is full (a burst of creates or logins): the server's trouble,
      // worth a retry, and nothing was written because hashing comes before the insert.
      res.setHeader('Retry-After', '1');
      sendOAuthError(
        res,
        new OAuthError(
          503,
          'temporarily_unavailable',
          'Too many password operations at once; retry shortly',
        ),
      );
      return;
    }
    if (
      typeof err === 'object' &&
      err !== null &&
      'type' in err &&
      err.type === 'entity.parse.failed'
    ) {
      sendOAuthError(res, new OAuthError(400, 'invalid_scim_resource', 'Request body is not JSON'));
      return;
    }
    next(err);
  });
  return router;
}
