import type { NextFunction, Request, Response } from 'express';
import { CfError } from './cf-errors';

export const BODY_LIMIT_BYTES = 1024 * 1024;

const parsedBodies = new WeakMap<Request, unknown>();

/**
 * Reads the raw body and parses it as JSON whatever the Content-Type: cf-nodejs-client sends JSON
 * labelled application/x-www-form-urlencoded (reference §1.6). An empty body is `undefined`.
 */
export function rawJsonBody(req: Request, _res: Response, next: NextFunction): void {
  if (req.method === 'GET' || req.method === 'HEAD') {
    next();
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > BODY_LIMIT_BYTES && !failed) {
      failed = true;
      next(new CfError('MessageParseError', `request body larger than ${BODY_LIMIT_BYTES} bytes`));
    }
    if (!failed) chunks.push(chunk);
  });
  req.on('end', () => {
    if (failed) return;
    const text = Buffer.concat(chunks).toString('utf8');
    if (text.trim() === '') {
      next();
      return;
    }
    try {
      parsedBodies.set(req, JSON.parse(text));
      next();
    } catch (err) {
      const detail = err instanceof Error ? err.message : 'invalid JSON';
      next(new CfError('MessageParseError', detail));
    }
  });
  req.on('error', (err) => {
    if (!failed) next(err);
  });
}

/** The parsed JSON body, or `undefined` when the request had none. */
export function getJsonBody(req: Request): unknown {
  return parsedBodies.get(req);
}
