import express from 'express';
import type { Request, Router } from 'express';
import { hasScope } from '../auth';
import type { AuthContext } from '../auth';
import { canRead, requireAuthContext, requireReadScope, requireWriteScope } from '../auth';
import { CfError } from '../http/cf-errors';
import { getJsonBody } from '../http/json-body';
import { listQueryFromRequest } from '../http/list-query';
import { presentPage } from '../http/pagination';
import { parseBody } from '../http/parse-body';
import { getRequestId } from '../http/request-id';
import { basePathOf, param, queryFlag } from '../http/request-helpers';
import { sendPage } from '../http/send-page';
import { sendJson } from '../http/send';
import type { CallerInfo } from './instance-context';
import { presentJob } from '../jobs';
import type { InstanceDeleteJobs } from './delete-jobs';
import type { KeysService } from './keys-service';
import { presentInstance, presentKey } from './presenter';
import {
  createInstanceBody,
  createKeyBody,
  toCreateInstanceCommand,
  toCreateKeyCommand,
  toUpdateInstanceCommand,
  updateInstanceBody,
} from './schemas';
import type { InstancesService } from './service';

const INSTANCE_QUERYABLE = [
  'name',
  'space_guid',
  'service_plan_guid',
  'service_binding_guid',
  'gateway_name',
  'organization_guid',
  'service_key_guid',
] as const;
const KEY_QUERYABLE = ['name', 'service_instance_guid'] as const;

/** `accepts_incomplete` must be true or false when given (cf-v2-api.md §1.9: else 10004). */
function acceptsIncomplete(req: Request): boolean {
  const value: unknown = req.query.accepts_incomplete;
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;
  throw new CfError('InvalidRequest');
}

function writer(req: Request): CallerInfo {
  return { ctx: requireWriteScope(req), requestId: getRequestId(req) };
}

/** `cloud_controller_service_permissions.read` is an alternative to `.read` here only (cf-v2-api.md §2.2). */
function requirePermissionsScope(req: Request): AuthContext {
  const ctx = requireAuthContext(req);
  if (!canRead(ctx) && !hasScope(ctx, 'cloud_controller_service_permissions.read'))
    throw new CfError('InsufficientScope');
  return ctx;
}

export function createInstanceRoutes(
  instances: InstancesService,
  keys: KeysService,
  deleteJobs: InstanceDeleteJobs,
): Router {
  const router = express.Router();

  router.post('/v2/service_instances', async (req, res) => {
    const caller = writer(req);
    const command = toCreateInstanceCommand(parseBody(createInstanceBody, getJsonBody(req)));
    const result = await instances.create(caller, command, acceptsIncomplete(req));
    sendJson(
      res,
      result.async ? 202 : 201,
      presentInstance(result.instance),
      `/v2/service_instances/${result.instance.guid}`,
    );
  });
  router.get('/v2/service_instances', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: INSTANCE_QUERYABLE });
    const page = await instances.list(ctx, query);
    sendPage(req, res, query, page, presentInstance);
  });
  router.get('/v2/service_instances/:guid', async (req, res) => {
    sendJson(
      res,
      200,
      presentInstance(await instances.get(requireReadScope(req), param(req, 'guid'))),
    );
  });
  router.put('/v2/service_instances/:guid', async (req, res) => {
    const caller = writer(req);
    const command = toUpdateInstanceCommand(parseBody(updateInstanceBody, getJsonBody(req)));
    const result = await instances.update(
      caller,
      param(req, 'guid'),
      command,
      acceptsIncomplete(req),
    );
    // CC's PUT convention: 201 without Location, or 202 with it.
    sendJson(
      res,
      result.async ? 202 : 201,
      presentInstance(result.instance),
      result.async ? `/v2/service_instances/${result.instance.guid}` : undefined,
    );
  });
  router.delete('/v2/service_instances/:guid', async (req, res) => {
    const caller = writer(req);
    const incomplete = acceptsIncomplete(req);
    if (queryFlag(req, 'async') && !incomplete) {
      const options = { recursive: queryFlag(req, 'recursive'), purge: queryFlag(req, 'purge') };
      await instances.checkDeletable(caller, param(req, 'guid'), options);
      const job = await deleteJobs.enqueue(param(req, 'guid'), options);
      sendJson(res, 202, presentJob(job), `/v2/jobs/${job.guid}`);
      return;
    }
    const result = await instances.delete(caller, param(req, 'guid'), {
      acceptsIncomplete: incomplete,
      recursive: queryFlag(req, 'recursive'),
      purge: queryFlag(req, 'purge'),
      deleteKeys: (instance) => keys.deleteAllOf(caller, instance),
    });
    if (result.async) {
      sendJson(
        res,
        202,
        presentInstance(result.instance),
        `/v2/service_instances/${result.instance.guid}`,
      );
      return;
    }
    res.status(204).end();
  });
  router.get('/v2/service_instances/:guid/service_keys', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: KEY_QUERYABLE });
    const page = await keys.list(ctx, query, param(req, 'guid'));
    sendJson(
      res,
      200,
      presentPage(
        basePathOf(req),
        query,
        page.total,
        page.items.map((k) => presentKey(k, keys.credentialsFor(ctx, k))),
      ),
    );
  });
  router.get('/v2/service_instances/:guid/service_bindings', async (req, res) => {
    const ctx = requireReadScope(req);
    await instances.get(ctx, param(req, 'guid'), 'ManagedServiceInstanceNotFound');
    // Wharf has no apps, so no app bindings: the list is honestly empty.
    const query = listQueryFromRequest(req, {
      queryable: ['app_guid', 'service_instance_guid', 'name'],
    });
    sendJson(res, 200, presentPage(basePathOf(req), query, 0, []));
  });
  router.get('/v2/service_instances/:guid/parameters', async (req, res) => {
    sendJson(
      res,
      200,
      await instances.parameters(
        { ctx: requireReadScope(req), requestId: getRequestId(req) },
        param(req, 'guid'),
      ),
    );
  });
  router.get('/v2/service_instances/:guid/permissions', async (req, res) => {
    sendJson(
      res,
      200,
      await instances.permissions(requirePermissionsScope(req), param(req, 'guid')),
    );
  });
  router.get('/v2/spaces/:guid/service_instances', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: INSTANCE_QUERYABLE });
    const page = await instances.listInSpace(ctx, param(req, 'guid'), query);
    sendPage(req, res, query, page, presentInstance);
  });
  router.get('/v2/service_plans/:guid/service_instances', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: INSTANCE_QUERYABLE });
    const page = await instances.listForPlan(ctx, param(req, 'guid'), query);
    sendPage(req, res, query, page, presentInstance);
  });

  router.post('/v2/service_keys', async (req, res) => {
    const caller = writer(req);
    const key = await keys.create(
      caller,
      toCreateKeyCommand(parseBody(createKeyBody, getJsonBody(req))),
    );
    sendJson(
      res,
      201,
      presentKey(key, keys.credentialsFor(caller.ctx ?? requireWriteScope(req), key)),
      `/v2/service_keys/${key.guid}`,
    );
  });
  router.get('/v2/service_keys', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: KEY_QUERYABLE });
    const page = await keys.list(ctx, query);
    sendJson(
      res,
      200,
      presentPage(
        basePathOf(req),
        query,
        page.total,
        page.items.map((k) => presentKey(k, keys.credentialsFor(ctx, k))),
      ),
    );
  });
  router.get('/v2/service_keys/:guid', async (req, res) => {
    const ctx = requireReadScope(req);
    const key = await keys.get(ctx, param(req, 'guid'));
    sendJson(
      res,
      200,
      presentKey(key, keys.credentialsFor(ctx, key)),
      `/v2/service_keys/${key.guid}`,
    );
  });
  router.get('/v2/service_keys/:guid/parameters', async (req, res) => {
    sendJson(res, 200, await keys.parameters(requireReadScope(req), param(req, 'guid')));
  });
  router.delete('/v2/service_keys/:guid', async (req, res) => {
    await keys.delete(writer(req), param(req, 'guid'));
    res.status(204).end();
  });
  return router;
}
