import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import type { Logger } from '../logger';
import { isAdmin } from '../auth';
import { decideServicesAccess } from '../auth';
import type { ServicesAccess } from '../auth';
import { ContainerServiceError } from './errors';
import { parseListFilters } from './list-filters';
import { presentService } from './presenter';
import type { ContainerService, Scope } from './service';
import { toTenant } from './tenant';

class Unauthorized extends Error {}

/** The Hyper services API (mounted at /services). Handlers parse, call the service, present. */
export function createServicesRouter(service: ContainerService, logger: Logger): Router {
  const router = express.Router();
  router.use(express.json({ limit: '1mb' }));

  router.post('/create', async (req, res) => {
    const view = await service.create(scopeOf(req, 'write'), req.body);
    res.status(201).json(presentService(view));
  });
  router.get('/', async (req, res) => {
    const views = await service.list(scopeOf(req, 'read'), parseListFilters(req.query.filters));
    res.json(views.map(presentService));
  });
  router.get('/:name', async (req, res) => {
    res.json(presentService(await service.get(scopeOf(req, 'read'), req.params.name ?? '')));
  });
  router.post('/:name/update', async (req, res) => {
    const view = await service.update(scopeOf(req, 'write'), req.params.name ?? '', req.body);
    res.json(presentService(view));
  });
  router.delete('/:name', async (req, res) => {
    const keepParam = req.query.keep;
    const keep =
      typeof keepParam === 'string' && ['true', '1', 'yes'].includes(keepParam.toLowerCase());
    await service.remove(scopeOf(req, 'write'), req.params.name ?? '', keep);
    res.status(204).end();
  });

  // Docker/Hyper error shape, not CF's: `{"message": "..."}` (reference §1).
  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const refusal = clientErrorOf(err);
    if (err instanceof Unauthorized) {
      res.status(401).json({ message: err.message });
    } else if (err instanceof ContainerServiceError) {
      res.status(err.status).json({ message: err.message });
    } else if (refusal !== undefined) {
      res.status(refusal.status).json({ message: refusal.message });
    } else {
      logger.error({ err }, 'container services request failed');
      res.status(500).json({ message: 'Internal server error' });
    }
  });
  return router;
}

function scopeOf(req: Request, need: ServicesAccess): Scope {
  const decision = decideServicesAccess(req, need);
  switch (decision.kind) {
    case 'unauthenticated':
      throw new Unauthorized(decision.message);
    case 'forbidden':
      throw new ContainerServiceError(403, decision.message);
    case 'allowed':
      return { tenant: toTenant(decision.context.userGuid), admin: isAdmin(decision.context) };
  }
}

/** body-parser's `type`s, each answered in the `{"message"}` shape (issue 9 item 8). */
const BODY_REFUSALS: Readonly<Record<string, { status: number; message: string }>> = {
  'entity.parse.failed': { status: 400, message: 'Request body is not valid JSON' },
  'entity.too.large': { status: 413, message: 'Request body is larger than 1 MiB' },
  'charset.unsupported': { status: 415, message: 'Request body charset is not supported' },
  'encoding.unsupported': { status: 415, message: 'Request body encoding is not supported' },
  'entity.verify.failed': { status: 400, message: 'Request body was refused' },
  'request.aborted': { status: 400, message: 'Request body was cut short' },
  'request.size.invalid': { status: 400, message: 'Request body does not match Content-Length' },
  'stream.encoding.set': { status: 400, message: 'Request body could not be read' },
  'stream.not.readable': { status: 400, message: 'Request body could not be read' },
};

/**
 * A refusal of the request itself (body-parser, a bad gzip stream, a malformed `%`-escape in the
 * path): these errors carry a 4xx `status`. Anything else is a fault of Wharf's (500).
 */
function clientErrorOf(err: unknown): { status: number; message: string } | undefined {
  if (typeof err !== 'object' || err === null || !('status' in err)) return undefined;
  const status = err.status;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  const type = 'type' in err && typeof err.type === 'string' ? err.type : '';
  const known = BODY_REFUSALS[type];
  if (known !== undefined) return known;
  if (err instanceof URIError)
    return { status: 400, message: 'Malformed percent-encoding in path' };
  return { status, message: status === 400 ? 'Bad request' : 'Request refused' };
}
