import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';
import { CfError, UNKNOWN_ERROR_BODY } from '../http/cf-errors';
import { presentV3Error } from '../http/error-presenters';
import type { V3ErrorBody } from '../http/error-presenters';
import { getRequestId } from '../http/request-id';
import { CF_JSON_CONTENT_TYPE } from '../http/send';

function send(res: Response, status: number, body: V3ErrorBody): void {
  res.status(status);
  res.setHeader('Content-Type', CF_JSON_CONTENT_TYPE);
  res.end(JSON.stringify(body));
}

export function v3NotFound(_req: Request, res: Response): void {
  const err = new CfError('NotFound');
  send(res, err.status, presentV3Error(err));
}

const UNKNOWN_V3: V3ErrorBody = {
  errors: [
    {
      code: UNKNOWN_ERROR_BODY.code,
      title: UNKNOWN_ERROR_BODY.error_code,
      detail: UNKNOWN_ERROR_BODY.description,
    },
  ],
};

/** Every error under /v3 leaves in the v3 shape (one error table, http/error-presenters). */
export function createV3ErrorMiddleware(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) return;
    if (err instanceof CfError) {
      send(res, err.status, presentV3Error(err));
      return;
    }
    logger.error({ requestId: getRequestId(req), err }, 'unexpected error');
    send(res, 500, UNKNOWN_V3);
  };
}
