import express from 'express';
import type { Router } from 'express';
import { z } from 'zod';
import { requireReadScope } from '../auth/guards';
import { CfError } from '../http/cf-errors';
import { toCfTimestamp } from '../http/envelope';
import { param } from '../http/request-helpers';
import { sendJson } from '../http/send';
import type { JobsStore } from './store';

/** CC's job states (cf-v2-api.md §1.9) from the runner's. */
function toJobStatus(state: string): 'queued' | 'running' | 'finished' | 'failed' {
  switch (state) {
    case 'running':
      return 'running';
    case 'done':
      return 'finished';
    case 'failed':
      return 'failed';
    default:
      return 'queued';
  }
}

const errorDetails = z.object({
  code: z.number(),
  description: z.string(),
  error_code: z.string(),
});

/** A job resource: `metadata` has guid, created_at and url only (cf-v2-api.md §1.1). */
export function presentJob(job: {
  guid: string;
  createdAt: string;
  state: string;
  lastError: string | null;
}): object {
  const status = toJobStatus(job.state);
  const entity: Record<string, unknown> = { guid: job.guid, status };
  if (status === 'failed') {
    let details: unknown;
    try {
      details = JSON.parse(job.lastError ?? '');
    } catch {
      details = undefined;
    }
    const parsed = errorDetails.safeParse(details);
    entity.error = 'Use of entity>error is deprecated in favor of entity>error_details.';
    entity.error_details = parsed.success
      ? parsed.data
      : {
          code: 10001,
          description: job.lastError ?? 'An unknown error occurred.',
          error_code: 'UnknownError',
        };
  }
  return {
    metadata: {
      guid: job.guid,
      created_at: toCfTimestamp(job.createdAt),
      url: `/v2/jobs/${job.guid}`,
    },
    entity,
  };
}

export function createJobRoutes(jobs: JobsStore): Router {
  const router = express.Router();
  router.get('/v2/jobs/:guid', async (req, res) => {
    requireReadScope(req);
    const job = await jobs.find(param(req, 'guid'));
    if (!job) throw new CfError('NotFound');
    sendJson(res, 200, presentJob(job));
  });
  return router;
}
