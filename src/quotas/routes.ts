import express from 'express';
import type { Router } from 'express';
import { requireReadScope } from '../auth';
import { offsetOf } from '../db/page-request';
import { CfError } from '../http/cf-errors';
import { listQueryFromRequest } from '../http/list-query';
import { V2_OPERATOR_TEXT } from '../http/q-filter';
import { param } from '../http/request-helpers';
import { sendPage } from '../http/send-page';
import { sendJson } from '../http/send';
import { presentQuotaDefinition } from './presenter';
import type { QuotasStore } from './store';

/** `/v2/quota_definitions`, as `cf org` and `cf create-org -q` read it (cf-cli-v6-requests.md §2.4, §2.6). */
export function createQuotaRoutes(store: QuotasStore): Router {
  const router = express.Router();
  router.get('/v2/quota_definitions', async (req, res) => {
    requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: ['name'] });
    const byName = query.filters.find((f) => f.field === 'name');
    if (byName && byName.operator !== 'eq')
      throw new CfError('BadQueryParameter', `name${V2_OPERATOR_TEXT[byName.operator]}`);
    const all = await store.list(byName?.values[0]);
    const start = offsetOf(query);
    const ordered = query.order.direction === 'desc' ? [...all].reverse() : all;
    sendPage(
      req,
      res,
      query,
      { total: all.length, items: ordered.slice(start, start + query.perPage) },
      presentQuotaDefinition,
    );
  });
  router.get('/v2/quota_definitions/:guid', async (req, res) => {
    requireReadScope(req);
    const quota = await store.find(param(req, 'guid'));
    if (!quota) throw new CfError('QuotaDefinitionNotFound', param(req, 'guid'));
    sendJson(res, 200, presentQuotaDefinition(quota));
  });
  return router;
}
