import express from 'express';
import type { Router } from 'express';
import { requireReadScope } from '../auth';
import { listQueryFromRequest } from '../http/list-query';
import { param } from '../http/request-helpers';
import { sendPage } from '../http/send-page';
import type { OrgsService } from '../orgs';

const DOMAIN_QUERYABLE = ['name'] as const;
const none = (): { total: number; items: never[] } => ({ total: 0, items: [] });

/** Wharf routes no HTTP traffic to apps, so it has no domains; `cf org` lists none. */
export function createDomainsRoutes(orgs: OrgsService): Router {
  const router = express.Router();
  router.get('/v2/shared_domains', (req, res) => {
    requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: DOMAIN_QUERYABLE });
    sendPage(req, res, query, none(), () => null);
  });
  router.get('/v2/organizations/:guid/private_domains', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: DOMAIN_QUERYABLE });
    await orgs.getOrganization(ctx, param(req, 'guid'));
    sendPage(req, res, query, none(), () => null);
  });
  return router;
}
