import express from 'express';
import type { NextFunction, Request, Response, Router } from 'express';
import { BODY_LIMIT_BYTES, getJsonBody, jsonBody } from '../http/json-body';
import type { Logger } from '../logger';
import type { ApiVersion } from './api-version';
import { LATEST_MINOR, parseApiVersion } from './api-version';
import type { BrokerCredentials } from './basic-auth';
import { credentialsMatch, readBasicAuth } from './basic-auth';
import type { OsbBrokerServiceDeps } from './broker';
import { createOsbBroker } from './broker';
import { presentCatalog } from './catalog';
import type { Result } from './failures';
import { toFailureResponse } from './failures';
import type { Presented } from './presenter';
import {
  presentBind,
  presentBinding,
  presentChange,
  presentInstance,
  presentLastOperation,
  presentProvision,
} from './presenter';
import {
  toBindDetails,
  toDeprovisionDetails,
  toLastOperationDetails,
  toProvisionDetails,
  toUnbindDetails,
  toUpdateDetails,
} from './schemas';
import type { ServiceBroker } from './service-broker';

export interface OsbBrokerRouterDeps extends OsbBrokerServiceDeps {
  /** Basic auth every request must carry (WHARF_BROKER_USERNAME / WHARF_BROKER_PASSWORD). */
  credentials: BrokerCredentials;
  logger: Logger;
  /** Specs may drive the routes with another broker; by default Wharf's own. */
  broker?: ServiceBroker;
}

const VERSION_HEADER = 'X-Broker-API-Version';
const REQUEST_IDENTITY = 'X-Broker-API-Request-Identity';

function versionOf(req: Request): ApiVersion {
  return parseApiVersion(req.get(VERSION_HEADER)) ?? { major: 2, minor: LATEST_MINOR };
}

type Sender = <T>(res: Response, result: Result<T>, present: (value: T) => Presented) => void;

/** Writes a result; failures through the one mapper, broker-side ones (5xx) logged as well. */
function sender(logger: Logger): Sender {
  return (res, result, present) => {
    if (!result.ok) {
      const failure = toFailureResponse(result.failure);
      if (failure.status >= 500)
        logger.warn(
          {
            status: failure.status,
            description: failure.body.description,
            path: res.req.originalUrl,
          },
          'OSB broker operation failed',
        );
      res.status(failure.status).json(failure.body);
      return;
    }
    const presented = present(result.value);
    res.status(presented.status).json(presented.body);
  };
}

/** The platform MAY send a request identity; the broker SHOULD echo it (osb-api.md §2). */
function echoRequestIdentity(req: Request, res: Response, next: NextFunction): void {
  const identity = req.get(REQUEST_IDENTITY);
  if (identity !== undefined && identity !== '') res.setHeader(REQUEST_IDENTITY, identity);
  next();
}

/** 401 `{}` without the configured Basic credentials; checked before anything else (§1, §2). */
function requireBasicAuth(
  expected: BrokerCredentials,
): (req: Request, res: Response, next: NextFunction) => void {
  return (req, res, next) => {
    if (credentialsMatch(readBasicAuth(req.get('Authorization')), expected)) {
      next();
      return;
    }
    res.setHeader('WWW-Authenticate', 'Basic realm="wharf-broker"');
    res.status(401).json({});
  };
}

/** 412 for a missing or non-2.x version, before the body is looked at (osb-api.md §2 "Practice"). */
function requireApiVersion(req: Request, res: Response, next: NextFunction): void {
  const header = req.get(VERSION_HEADER);
  if (parseApiVersion(header) !== undefined) {
    next();
    return;
  }
  const description =
    header === undefined
      ? `${VERSION_HEADER} header is required; this broker serves 2.x (up to 2.${LATEST_MINOR}).`
      : `${VERSION_HEADER} ${header} is not supported; this broker serves 2.x (up to 2.${LATEST_MINOR}).`;
  res.status(412).json({ description });
}

function bodyProblem(status: number): string {
  switch (status) {
    case 400:
      return 'The request body is not valid JSON.';
    case 413:
      return 'The request body is too large.';
    default:
      return 'The request body cannot be read.';
  }
}

function errorHandler(
  logger: Logger,
): (err: unknown, req: Request, res: Response, next: NextFunction) => void {
  return (err, req, res, _next) => {
    const status =
      typeof err === 'object' && err !== null && 'status' in err && typeof err.status === 'number'
        ? err.status
        : 500;
    // body-parser's own refusals (not JSON, too large, bad charset): a 4xx that changed nothing (§1).
    if (status >= 400 && status < 500) {
      res.status(status).json({ description: bodyProblem(status) });
      return;
    }
    logger.error({ err, method: req.method, path: req.originalUrl }, 'OSB broker request failed');
    res.status(500).json({ description: 'Internal error of the service broker.' });
  };
}

/** The whole route table of `/broker/v2` in one place (brokerapi's `api.go`). */
function brokerRoutes(broker: ServiceBroker, send: Sender): Router {
  const router = express.Router();
  const instance = '/v2/service_instances/:instance_id';
  const binding = `${instance}/service_bindings/:binding_id`;

  router.get('/v2/catalog', async (req, res) => {
    res.status(200).json(presentCatalog(await broker.catalog(), versionOf(req)));
  });
  router.put(instance, async (req, res) => {
    const details = toProvisionDetails(
      req.params.instance_id,
      getJsonBody(req),
      req.query,
      versionOf(req),
    );
    send(res, details.ok ? await broker.provision(details.value) : details, presentProvision);
  });
  router.get(instance, async (req, res) => {
    send(res, await broker.fetchInstance(req.params.instance_id), (view) =>
      presentInstance(view, versionOf(req)),
    );
  });
  router.patch(instance, async (req, res) => {
    const details = toUpdateDetails(
      req.params.instance_id,
      getJsonBody(req),
      req.query,
      versionOf(req),
    );
    send(res, details.ok ? await broker.update(details.value) : details, presentChange);
  });
  router.delete(instance, async (req, res) => {
    const details = toDeprovisionDetails(req.params.instance_id, req.query);
    send(res, details.ok ? await broker.deprovision(details.value) : details, presentChange);
  });
  router.get(`${instance}/last_operation`, async (req, res) => {
    const details = toLastOperationDetails(req.params.instance_id, undefined, req.query);
    send(
      res,
      details.ok ? await broker.lastOperation(details.value) : details,
      presentLastOperation,
    );
  });
  router.put(binding, async (req, res) => {
    const details = toBindDetails(
      req.params.instance_id,
      req.params.binding_id,
      getJsonBody(req),
      req.query,
      versionOf(req),
    );
    send(res, details.ok ? await broker.bind(details.value) : details, (result) =>
      presentBind(result, versionOf(req)),
    );
  });
  router.get(binding, async (req, res) => {
    send(res, await broker.fetchBinding(req.params.instance_id, req.params.binding_id), (view) =>
      presentBinding(view, versionOf(req)),
    );
  });
  router.delete(binding, async (req, res) => {
    const details = toUnbindDetails(req.params.instance_id, req.params.binding_id, req.query);
    send(res, details.ok ? await broker.unbind(details.value) : details, () => ({
      status: 200,
      body: {},
    }));
  });
  router.get(`${binding}/last_operation`, async (req, res) => {
    const details = toLastOperationDetails(
      req.params.instance_id,
      req.params.binding_id,
      req.query,
    );
    send(
      res,
      details.ok ? await broker.lastBindingOperation(details.value) : details,
      presentLastOperation,
    );
  });
  return router;
}

/**
 * Wharf's own Open Service Broker over its container-backed catalog, mounted at `/broker`
 * (so platforms register `<external url>/broker`). Keeps OSB's error shape on every path,
 * unknown ones included, and never lets a request reach the CF error middleware.
 */
export function createOsbBrokerRouter(deps: OsbBrokerRouterDeps): Router {
  const broker = deps.broker ?? createOsbBroker(deps);
  const router = express.Router();
  router.use(echoRequestIdentity);
  router.use(requireBasicAuth(deps.credentials));
  router.use(requireApiVersion);
  // Bodies are JSON whatever their content type says (§1: SHOULD be application/json); a refused
  // body (400 not JSON, 413 too large, 415 charset) reaches errorHandler with its status.
  router.use(jsonBody({ limitBytes: BODY_LIMIT_BYTES }));
  router.use(brokerRoutes(broker, sender(deps.logger)));
  router.use((req: Request, res: Response) => {
    res
      .status(404)
      .json({ description: `No route ${req.method} ${req.originalUrl} in this service broker.` });
  });
  router.use(errorHandler(deps.logger));
  return router;
}
