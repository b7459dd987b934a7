import express from 'express';
import type { Request, Response, Router } from 'express';
import { requireReadScope, requireWriteScope } from '../auth';
import { getJsonBody } from '../http/json-body';
import { listQueryFromRequest } from '../http/list-query';
import { parseBody } from '../http/parse-body';
import { getRequestId } from '../http/request-id';
import { param } from '../http/request-helpers';
import { sendPage } from '../http/send-page';
import { sendJson } from '../http/send';
import { toWarningsHeader } from './broker-url';
import type { OsbCallContext } from '../osb-client';
import { presentBroker } from './presenter';
import { createBrokerBody, toRegisterCommand, toUpdateCommand, updateBrokerBody } from './schemas';
import type { BrokerResult, BrokersService } from './service';

const BROKER_QUERYABLE = ['name', 'space_guid'] as const;

function callContext(req: Request, userGuid: string): OsbCallContext {
  return { vcapRequestId: getRequestId(req), userGuid };
}

function sendBroker(res: Response, status: number, result: BrokerResult, location?: string): void {
  if (result.warnings.length > 0) res.setHeader('X-Cf-Warnings', toWarningsHeader(result.warnings));
  sendJson(res, status, presentBroker(result.broker), location);
}

export function createBrokerRoutes(brokers: BrokersService): Router {
  const router = express.Router();
  router.get('/v2/service_brokers', async (req, res) => {
    const ctx = requireReadScope(req);
    const query = listQueryFromRequest(req, { queryable: BROKER_QUERYABLE });
    const page = await brokers.list(ctx, query);
    sendPage(req, res, query, page, presentBroker);
  });
  router.post('/v2/service_brokers', async (req, res) => {
    const ctx = requireWriteScope(req);
    const command = toRegisterCommand(parseBody(createBrokerBody, getJsonBody(req)));
    const result = await brokers.register(ctx, command, callContext(req, ctx.userGuid));
    sendBroker(res, 201, result, `/v2/service_brokers/${result.broker.guid}`);
  });
  router.get('/v2/service_brokers/:guid', async (req, res) => {
    const ctx = requireReadScope(req);
    sendJson(res, 200, presentBroker(await brokers.get(ctx, param(req, 'guid'))));
  });
  router.put('/v2/service_brokers/:guid', async (req, res) => {
    const ctx = requireWriteScope(req);
    const command = toUpdateCommand(parseBody(updateBrokerBody, getJsonBody(req)));
    sendBroker(
      res,
      200,
      await brokers.update(ctx, param(req, 'guid'), command, callContext(req, ctx.userGuid)),
    );
  });
  router.delete('/v2/service_brokers/:guid', async (req, res) => {
    const ctx = requireWriteScope(req);
    await brokers.remove(ctx, param(req, 'guid'));
    res.status(204).end();
  });
  return router;
}
