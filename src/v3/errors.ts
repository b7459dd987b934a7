import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger';
import { CfError, UNKNOWN_ERROR_BODY } from '../http/cf-errors';
import type { CfErrorBody } from '../http/cf-errors';
import { getRequestId } from '../http/request-id';
import { CF_JSON_CONTENT_TYPE } from '../http/send';

export interface V3ErrorBody {
  errors: { code: number; title: string; detail: string }[];
}

/** The v3 shape of one CF error (cf-cli-v6-requests.md §0): same table, other presenter. */
export function toV3ErrorBody(body: CfErrorBody): V3ErrorBody {
  return { errors: [{ code: body.code, title: body.error_code, detail: body.description }] };
}

function send(res: Response, status: number, body: V3ErrorBody): void {
  res.status(status);
  res.setHeader('Content-Type', CF_JSON_CONTENT_TYPE);
  res.end(JSON.stringify(body));
}

export function v3NotFound(_req: Request, res: Response): void {
  const err = new CfError('NotFound');
  send(res, err.status, toV3ErrorBody(err.toBody()));
}

/** Every error under /v3 leaves in the v3 shape; unknown failures never leak internals. */
export function createV3ErrorMiddleware(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) return;
    if (err instanceof CfError) {
      send(res, err.status, toV3ErrorBody(err.toBody()));
      return;
    }
    logger.error({ requestId: getRequestId(req), err }, 'unexpected error');
    send(res, 500, toV3ErrorBody(UNKNOWN_ERROR_BODY));
  };
}
