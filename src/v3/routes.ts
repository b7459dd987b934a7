import express from 'express';
import type { Router } from 'express';
import { requireReadScope } from '../auth';
import type { PageRequest } from '../db/page-request';
import { CfError } from '../http/cf-errors';
import { param } from '../http/request-helpers';
import { sendJson } from '../http/send';
import type { OrgsService } from '../orgs';
import { v3LinksDocument } from './links';
import { presentV3Organization, presentV3Page, presentV3Space } from './presenter';
import { parseV3ListQuery } from './query';
import type { V3ListQuery } from './query';

export interface V3RoutesDeps {
  base: string;
  orgs: OrgsService;
  defaultQuotaGuid(): Promise<string>;
}

/** v3 filters over the same orgs service the v2 routes use (DESIGN: parsers over one service). */
function toPageRequest(
  query: V3ListQuery,
  filterFields: Readonly<Record<string, string>>,
): PageRequest {
  const filters = Object.entries(query.filters).flatMap(([key, values]) => {
    const field = filterFields[key];
    return field === undefined ? [] : [{ field, operator: 'in' as const, values }];
  });
  return {
    page: query.page,
    perPage: query.perPage,
    order: {
      direction: query.orderBy?.direction ?? 'asc',
      by: query.orderBy?.field === 'name' ? 'name' : undefined,
    },
    filters,
  };
}

const ORG_FILTERS = { names: 'name' } as const;
const SPACE_FILTERS = {
  names: 'name',
  organization_guids: 'organization_guid',
} as const;

export function createV3Routes(deps: V3RoutesDeps): Router {
  const router = express.Router();
  const { base } = deps;

  router.get('/', (_req, res) => {
    sendJson(res, 200, v3LinksDocument(base));
  });

  router.get('/organizations', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = parseV3ListQuery(req.query, Object.keys(ORG_FILTERS));
    const page = await deps.orgs.listOrganizations(ctx, toPageRequest(query, ORG_FILTERS));
    const quota = await deps.defaultQuotaGuid();
    sendJson(
      res,
      200,
      presentV3Page(
        `${base}/v3/organizations`,
        query,
        page.total,
        page.items.map((o) => presentV3Organization(base, o, quota)),
      ),
    );
  });

  router.get('/spaces', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = parseV3ListQuery(req.query, Object.keys(SPACE_FILTERS));
    const page = await deps.orgs.listSpaces(ctx, toPageRequest(query, SPACE_FILTERS));
    sendJson(
      res,
      200,
      presentV3Page(
        `${base}/v3/spaces`,
        query,
        page.total,
        page.items.map((s) => presentV3Space(base, s)),
      ),
    );
  });

  // Wharf has no isolation segments: `cf org` lists none, `cf space` finds none assigned.
  router.get('/isolation_segments', (req, res) => {
    requireReadScope(req);
    const query = parseV3ListQuery(req.query, ['names', 'guids', 'organization_guids']);
    sendJson(res, 200, presentV3Page(`${base}/v3/isolation_segments`, query, 0, []));
  });
  router.get('/isolation_segments/:guid', (req) => {
    requireReadScope(req);
    throw new CfError('ResourceNotFound', 'Isolation segment not found');
  });
  router.get('/spaces/:guid/relationships/isolation_segment', async (req, res) => {
    const space = await deps.orgs.getSpace(requireReadScope(req), param(req, 'guid')).catch(() => {
      // v3 hides what the caller may not see behind the same 404 as what does not exist.
      throw new CfError('ResourceNotFound', 'Space not found');
    });
    sendJson(res, 200, {
      data: null,
      links: { self: { href: `${base}/v3/spaces/${space.guid}/relationships/isolation_segment` } },
    });
  });
  return router;
}
