import express from 'express';
import type { Router } from 'express';
import { requireReadScope } from '../auth';
import { CfError } from '../http/cf-errors';
import { param } from '../http/request-helpers';
import { sendJson } from '../http/send';
import { presentJob } from './presenter';
import type { JobQueue } from './queue';

export function createJobRoutes(jobs: Pick<JobQueue, 'find'>): Router {
  const router = express.Router();
  router.get('/v2/jobs/:guid', async (req, res) => {
    requireReadScope(req);
    const job = await jobs.find(param(req, 'guid'));
    if (!job) throw new CfError('NotFound');
    sendJson(res, 200, presentJob(job));
  });
  return router;
}
