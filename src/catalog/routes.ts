import express from 'express';
import type { Request, Router } from 'express';
import type { AuthContext } from '../auth';
import {
  canRead,
  optionalAuthContext,
  requireAdmin,
  requireAuthContext,
  requireReadScope,
} from '../auth';
import { CfError } from '../http/cf-errors';
import { getJsonBody } from '../http/json-body';
import { listQueryFromRequest } from '../http/list-query';
import { presentPage } from '../http/pagination';
import { parseBody } from '../http/parse-body';
import { basePathOf, param, queryFlag } from '../http/request-helpers';
import { sendPage } from '../http/send-page';
import { sendJson, sendJsonText } from '../http/send';
import type { ListQuery } from '../http/list-query';
import { pageUrl } from '../http/pagination';
import type { CatalogReadCache } from './read-cache';
import type { GenerationStore } from './generation-store';
import type { CatalogViewer } from './types';
import { toCatalogViewer, viewerCacheKey } from './viewer';
import type { OrgsService } from '../orgs';
import type { PlansService, PlanWithService } from './plans-service';
import { presentPlan, presentService, presentVisibility } from './presenter';
import type { Entity } from './presenter';
import {
  planBody,
  planUpdateBody,
  serviceBody,
  serviceUpdateBody,
  toCreatePlanCommand,
  toCreateServiceCommand,
  toUpdatePlanCommand,
  toUpdateServiceCommand,
  toVisibilityChanges,
  toVisibilityCommand,
  visibilityBody,
  visibilityUpdateBody,
} from './schemas';
import type { ServicesService, ServiceWithPlans } from './services-service';
import type { VisibilitiesService } from './visibilities-service';
import { readsEverything } from '../auth';
import type { Resource } from '../http/envelope';

const SERVICE_QUERYABLE = [
  'active',
  'label',
  'provider',
  'service_broker_guid',
  'unique_id',
] as const;
const PLAN_QUERYABLE = [
  'active',
  'service_guid',
  'service_instance_guid',
  'service_broker_guid',
  'unique_id',
] as const;
const VISIBILITY_QUERYABLE = ['organization_guid', 'service_plan_guid'] as const;

export interface CatalogDeps {
  generation: GenerationStore;
  cache: CatalogReadCache;
  services: ServicesService;
  plans: PlansService;
  visibilities: VisibilitiesService;
  /** For `/v2/spaces/:guid/services`: the space as the caller may see it. */
  orgs: Pick<OrgsService, 'getSpace'>;
}

function presentServiceWithPlans({ service, plans }: ServiceWithPlans): Resource<Entity> {
  return presentService(
    service,
    plans?.map((plan) => presentPlan(plan)),
  );
}

function presentPlanWithService({ plan, service }: PlanWithService): Resource<Entity> {
  return presentPlan(plan, service === undefined ? undefined : presentService(service));
}

export function createCatalogRoutes(deps: CatalogDeps): Router {
  const router = express.Router();

  /**
   * Anonymous marketplace reads are allowed unless the operator hid them (reference §3.1). Only
   * the services list of an open marketplace may skip the read scope (reference §2.2). Returns
   * the catalog generation too: list pages are cached per generation and viewer.
   */
  async function marketplaceCaller(
    req: Request,
    scopeFreeWhileOpen: boolean,
  ): Promise<{ ctx: AuthContext | undefined; generation: number }> {
    const state = await deps.generation.read();
    const ctx = state.hideMarketplace ? requireAuthContext(req) : optionalAuthContext(req);
    const scopeFree = scopeFreeWhileOpen && !state.hideMarketplace;
    if (ctx !== undefined && !scopeFree && !canRead(ctx)) throw new CfError('InsufficientScope');
    return { ctx, generation: state.generation };
  }

  async function cachedPage(
    req: Request,
    viewer: CatalogViewer,
    query: ListQuery,
    generation: number,
    compute: () => Promise<unknown>,
  ): Promise<string> {
    const key = `${viewerCacheKey(viewer)} ${pageUrl(basePathOf(req), query, query.page)}`;
    return deps.cache.getOrCompute(key, generation, async () => JSON.stringify(await compute()));
  }

  router.get('/v2/services', async (req, res) => {
    const { ctx, generation } = await marketplaceCaller(req, true);
    const query = listQueryFromRequest(req, { queryable: SERVICE_QUERYABLE });
    const viewer = toCatalogViewer(ctx);
    // Unauthenticated callers never get inlined relations (reference §1.5).
    const inline = ctx !== undefined && query.inlineRelationsDepth > 0;
    // The page is rendered from the query it is cached under, so prev/next match every hit.
    const pageQuery = { ...query, inlineRelationsDepth: inline ? query.inlineRelationsDepth : 0 };
    const body = await cachedPage(req, viewer, pageQuery, generation, async () => {
      const page = await deps.services.list(viewer, pageQuery, inline, generation);
      return presentPage(
        basePathOf(req),
        pageQuery,
        page.total,
        page.items.map(presentServiceWithPlans),
      );
    });
    sendJsonText(res, 200, body);
  });
  router.post('/v2/services', async (req, res) => {
    requireAdmin(req);
    const service = await deps.services.create(
      toCreateServiceCommand(parseBody(serviceBody, getJsonBody(req))),
    );
    sendJson(res, 201, presentService(service), `/v2/services/${service.guid}`);
  });
  router.get('/v2/services/:guid', async (req, res) => {
    const ctx = requireReadScope(req);
    const depth = listQueryFromRequest(req, { queryable: [] }).inlineRelationsDepth;
    const found = await deps.services.get(toCatalogViewer(ctx), param(req, 'guid'), depth > 0);
    sendJson(res, 200, presentServiceWithPlans(found));
  });
  router.put('/v2/services/:guid', async (req, res) => {
    requireAdmin(req);
    const service = await deps.services.update(
      param(req, 'guid'),
      toUpdateServiceCommand(parseBody(serviceUpdateBody, getJsonBody(req))),
    );
    sendJson(res, 201, presentService(service));
  });
  router.delete('/v2/services/:guid', async (req, res) => {
    requireAdmin(req);
    await deps.services.delete(param(req, 'guid'), queryFlag(req, 'purge'));
    res.status(204).end();
  });
  router.get('/v2/services/:guid/service_plans', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: PLAN_QUERYABLE });
    const page = await deps.services.listPlans(toCatalogViewer(ctx), param(req, 'guid'), query);
    sendJson(
      res,
      200,
      presentPage(
        basePathOf(req),
        query,
        page.total,
        page.items.map((p) => presentPlan(p)),
      ),
    );
  });

  router.get('/v2/service_plans', async (req, res) => {
    const { ctx, generation } = await marketplaceCaller(req, false);
    const query = listQueryFromRequest(req, { queryable: PLAN_QUERYABLE });
    const viewer = toCatalogViewer(ctx);
    const inline = ctx !== undefined && query.inlineRelationsDepth > 0;
    const pageQuery = { ...query, inlineRelationsDepth: inline ? query.inlineRelationsDepth : 0 };
    const body = await cachedPage(req, viewer, pageQuery, generation, async () => {
      const page = await deps.plans.list(viewer, pageQuery, inline);
      return presentPage(
        basePathOf(req),
        pageQuery,
        page.total,
        page.items.map(presentPlanWithService),
      );
    });
    sendJsonText(res, 200, body);
  });
  router.post('/v2/service_plans', async (req, res) => {
    requireAdmin(req);
    const plan = await deps.plans.create(
      toCreatePlanCommand(parseBody(planBody, getJsonBody(req))),
    );
    sendJson(res, 201, presentPlan(plan), `/v2/service_plans/${plan.guid}`);
  });
  router.get('/v2/service_plans/:guid', async (req, res) => {
    const ctx = requireReadScope(req);
    const depth = listQueryFromRequest(req, { queryable: [] }).inlineRelationsDepth;
    sendJson(
      res,
      200,
      presentPlanWithService(
        await deps.plans.get(toCatalogViewer(ctx), param(req, 'guid'), depth > 0),
      ),
    );
  });
  router.put('/v2/service_plans/:guid', async (req, res) => {
    requireAdmin(req);
    const plan = await deps.plans.update(
      param(req, 'guid'),
      toUpdatePlanCommand(parseBody(planUpdateBody, getJsonBody(req))),
    );
    sendJson(res, 201, presentPlan(plan));
  });
  router.delete('/v2/service_plans/:guid', async (req, res) => {
    requireAdmin(req);
    await deps.plans.delete(param(req, 'guid'));
    res.status(204).end();
  });

  router.get('/v2/service_plan_visibilities', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: VISIBILITY_QUERYABLE });
    // Only admin, admin_read_only and global_auditor see visibilities; others get an empty list.
    const page = readsEverything(ctx)
      ? await deps.visibilities.list(query)
      : { total: 0, items: [] };
    sendPage(req, res, query, page, presentVisibility);
  });
  router.post('/v2/service_plan_visibilities', async (req, res) => {
    requireAdmin(req);
    const visibility = await deps.visibilities.create(
      toVisibilityCommand(parseBody(visibilityBody, getJsonBody(req))),
    );
    sendJson(
      res,
      201,
      presentVisibility(visibility),
      `/v2/service_plan_visibilities/${visibility.guid}`,
    );
  });
  router.get('/v2/service_plan_visibilities/:guid', async (req, res) => {
    const ctx = requireReadScope(req);
    if (!readsEverything(ctx)) throw new CfError('NotAuthorized');
    sendJson(res, 200, presentVisibility(await deps.visibilities.require(param(req, 'guid'))));
  });
  router.put('/v2/service_plan_visibilities/:guid', async (req, res) => {
    requireAdmin(req);
    const changes = toVisibilityChanges(parseBody(visibilityUpdateBody, getJsonBody(req)));
    sendJson(
      res,
      201,
      presentVisibility(await deps.visibilities.update(param(req, 'guid'), changes)),
    );
  });
  router.delete('/v2/service_plan_visibilities/:guid', async (req, res) => {
    requireAdmin(req);
    await deps.visibilities.delete(param(req, 'guid'));
    res.status(204).end();
  });

  router.get('/v2/spaces/:guid/services', async (req, res) => {
    const ctx = requireReadScope(req);
    const space = await deps.orgs.getSpace(ctx, param(req, 'guid'));
    const query = listQueryFromRequest(req, { queryable: SERVICE_QUERYABLE });
    const viewer = {
      kind: 'space',
      organizationId: space.organizationId,
      spaceId: space.id,
    } as const;
    const page = await deps.services.list(viewer, query, query.inlineRelationsDepth > 0);
    sendPage(req, res, query, page, presentServiceWithPlans);
  });

  return router;
}
