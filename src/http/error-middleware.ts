import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { databaseUnavailability, describeUnavailability } from '../db/unavailable';
import { CfError, UNKNOWN_ERROR_BODY } from './cf-errors';
import { presentV2Error } from './error-presenters';
import { getRequestId } from './request-id';
import { CF_JSON_CONTENT_TYPE } from './send';

/** Express's own body/URI errors (e.g. a malformed percent-encoding) carry a 4xx status. */
function clientErrorStatus(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('status' in err)) return undefined;
  const status = err.status;
  return typeof status === 'number' && status >= 400 && status < 500 ? status : undefined;
}

export function sendCfError(res: Response, status: number, body: object): void {
  res.status(status);
  res.setHeader('Content-Type', CF_JSON_CONTENT_TYPE);
  // CC ends error bodies with a newline (reference §1.7).
  res.end(`${JSON.stringify(body)}\n`);
}

export function notFoundHandler(_req: Request, res: Response): void {
  const err = new CfError('NotFound');
  sendCfError(res, err.status, presentV2Error(err));
}

/** The one place that writes CF error bodies. Unknown failures never leak internals. */
export function createErrorMiddleware(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) {
      logger.error({ requestId: getRequestId(req), err }, 'error after response started');
      return;
    }
    if (err instanceof CfError) {
      sendCfError(res, err.status, presentV2Error(err));
      return;
    }
    const unavailable = databaseUnavailability(err);
    if (unavailable !== undefined) {
      // Read-only, full or locked: the server's trouble, and worth a retry later (not a 500).
      logger.warn({ requestId: getRequestId(req), unavailable }, 'database refused a write');
      const error = new CfError('ServiceUnavailable', describeUnavailability(unavailable));
      res.setHeader('Retry-After', '5');
      sendCfError(res, error.status, presentV2Error(error));
      return;
    }
    const clientStatus = clientErrorStatus(err);
    if (clientStatus !== undefined) {
      const parseError = new CfError(
        'MessageParseError',
        err instanceof Error ? err.message : 'bad request',
      );
      sendCfError(res, clientStatus === 413 ? 413 : 400, presentV2Error(parseError));
      return;
    }
    logger.error({ requestId: getRequestId(req), err }, 'unexpected error');
    sendCfError(res, 500, UNKNOWN_ERROR_BODY);
  };
}
