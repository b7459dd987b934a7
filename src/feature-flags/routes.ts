import express from 'express';
import type { Router } from 'express';
import { requireAdmin, requireAuthContext } from '../auth';
import { getJsonBody } from '../http/json-body';
import { parseBody } from '../http/parse-body';
import { param } from '../http/request-helpers';
import { sendJson } from '../http/send';
import { presentFeatureFlag } from './presenter';
import { featureFlagBody, toSetFeatureFlagCommand } from './schemas';
import type { FeatureFlagsService } from './service';

export function createFeatureFlagRoutes(flags: FeatureFlagsService): Router {
  const router = express.Router();
  router.get('/v2/config/feature_flags', async (req, res) => {
    requireAuthContext(req);
    sendJson(res, 200, (await flags.list()).map(presentFeatureFlag));
  });
  router.get('/v2/config/feature_flags/:name', async (req, res) => {
    requireAuthContext(req);
    sendJson(res, 200, presentFeatureFlag(await flags.get(param(req, 'name'))));
  });
  router.put('/v2/config/feature_flags/:name', async (req, res) => {
    requireAdmin(req);
    const command = toSetFeatureFlagCommand(parseBody(featureFlagBody, getJsonBody(req)));
    sendJson(res, 200, presentFeatureFlag(await flags.set(param(req, 'name'), command)));
  });
  return router;
}
