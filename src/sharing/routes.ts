import express from 'express';
import type { Router } from 'express';
import { requireReadScope, requireWriteScope } from '../auth';
import { getJsonBody, rawJsonBody } from '../http/json-body';
import { listQueryFromRequest } from '../http/list-query';
import { presentPage } from '../http/pagination';
import { basePathOf, param } from '../http/request-helpers';
import { sendJson } from '../http/send';
import { parseSharedSpacesBody } from './schemas';
import type { SharingService } from './service';
import { presentSharedSpace, presentSharedSpaces } from './presenter';

/** `GET /v2/service_instances/:guid/shared_from` and `/shared_to` (cf-v2-api.md §3.5). */
export function createSharingV2Routes(sharing: SharingService): Router {
  const router = express.Router();
  router.get('/v2/service_instances/:guid/shared_from', async (req, res) => {
    const from = await sharing.sharedFrom(requireReadScope(req), param(req, 'guid'));
    if (from === undefined) {
      res.status(204).end();
      return;
    }
    sendJson(res, 200, presentSharedSpace(from));
  });
  router.get('/v2/service_instances/:guid/shared_to', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: [] });
    const page = await sharing.sharedTo(ctx, param(req, 'guid'), query);
    sendJson(
      res,
      200,
      presentPage(
        basePathOf(req),
        query,
        page.total,
        // Wharf has no apps, so nothing in another space is bound to the instance.
        page.items.map((s) => ({ ...presentSharedSpace(s), bound_app_count: 0 })),
      ),
    );
  });
  return router;
}

/** The v3 `shared_spaces` relationship `cf share-service`/`unshare-service` use; mount under /v3. */
export function createSharingV3Routes(sharing: SharingService, base: string): Router {
  const router = express.Router();
  const path = '/service_instances/:guid/relationships/shared_spaces';
  router.get(path, async (req, res) => {
    const guid = param(req, 'guid');
    const guids = await sharing.sharedSpaceGuids(requireReadScope(req), guid);
    sendJson(res, 200, presentSharedSpaces(base, guid, guids));
  });
  router.post(path, rawJsonBody, async (req, res) => {
    const ctx = requireWriteScope(req);
    const guid = param(req, 'guid');
    await sharing.requireEnabled();
    const spaceGuids = parseSharedSpacesBody(getJsonBody(req));
    const guids = await sharing.share(ctx, guid, spaceGuids);
    sendJson(res, 200, presentSharedSpaces(base, guid, guids));
  });
  router.delete(`${path}/:spaceGuid`, async (req, res) => {
    await sharing.unshare(requireWriteScope(req), param(req, 'guid'), param(req, 'spaceGuid'));
    res.status(204).end();
  });
  return router;
}
