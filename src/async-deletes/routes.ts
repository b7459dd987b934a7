import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { requireWriteScope } from '../auth';
import { param, queryFlag } from '../http/request-helpers';
import { sendJson } from '../http/send';
import { presentJob } from '../jobs';
import type { AsyncDeletes } from './service';

/**
 * Answers `async=true` deletes (202 + job, the shape the cf CLI decodes: cf-cli-v6-requests.md §0);
 * any other delete falls through to the orgs routes unchanged.
 */
export function createAsyncDeleteRoutes(deletes: AsyncDeletes): Router {
  const router = express.Router();
  router.delete(
    '/v2/organizations/:guid',
    async (req: Request, res: Response, next: NextFunction) => {
      if (!queryFlag(req, 'async')) {
        next();
        return;
      }
      const ctx = requireWriteScope(req);
      const job = await deletes.queueOrganizationDelete(
        ctx,
        param(req, 'guid'),
        queryFlag(req, 'recursive'),
      );
      sendJson(res, 202, presentJob(job), `/v2/jobs/${job.guid}`);
    },
  );
  router.delete('/v2/spaces/:guid', async (req: Request, res: Response, next: NextFunction) => {
    if (!queryFlag(req, 'async')) {
      next();
      return;
    }
    const ctx = requireWriteScope(req);
    const job = await deletes.queueSpaceDelete(
      ctx,
      param(req, 'guid'),
      queryFlag(req, 'recursive'),
    );
    sendJson(res, 202, presentJob(job), `/v2/jobs/${job.guid}`);
  });
  return router;
}
