import express from 'express';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { CfError } from './cf-errors';

export const BODY_LIMIT_BYTES = 1024 * 1024;

/** Why a body was refused, with the status a plain HTTP API would answer. */
export type BodyRefusalKind = 'too large' | 'not json' | 'unsupported charset' | 'unreadable';

/** A refused body. Consumers with their own error shape map it (CF v2, OSB); it changes nothing. */
export class BodyRefused extends Error {
  constructor(
    readonly kind: BodyRefusalKind,
    readonly status: number,
    detail: string,
  ) {
    super(detail);
    this.name = 'BodyRefused';
  }
}

export interface JsonBodyOptions {
  limitBytes: number;
  /** What to pass on instead of a `BodyRefused` (e.g. a CfError); by default the refusal itself. */
  refuse?: (refusal: BodyRefused) => unknown;
  /**
   * Read the body as UTF-8 whatever charset the Content-Type names (CF v2 parses bodies
   * regardless of Content-Type, reference §1.6). Otherwise a non-UTF charset is refused with 415.
   */
  ignoreDeclaredCharset?: boolean;
}

const parsedBodies = new WeakMap<Request, unknown>();
const blankBodies = new WeakSet<Request>();

function fieldOf(err: unknown, name: string): unknown {
  if (typeof err !== 'object' || err === null) return undefined;
  return Object.entries(err).find(([key]) => key === name)?.[1];
}

/** body-parser's error (`type`, `status`, `limit`) in Wharf's words. */
function toRefusal(err: unknown, limitBytes: number): BodyRefused {
  const message = err instanceof Error ? err.message : 'unreadable body';
  switch (fieldOf(err, 'type')) {
    case 'entity.too.large':
      return new BodyRefused('too large', 413, `request body larger than ${limitBytes} bytes`);
    case 'entity.parse.failed':
      return new BodyRefused('not json', 400, message);
    case 'charset.unsupported':
    case 'encoding.unsupported':
      return new BodyRefused('unsupported charset', 415, message);
    default: {
      const status = fieldOf(err, 'status');
      return new BodyRefused(
        'unreadable',
        typeof status === 'number' && status >= 400 && status < 500 ? status : 400,
        message,
      );
    }
  }
}

/**
 * The one JSON-body reader (body-parser underneath: byte limit, gzip/deflate, charsets). It parses
 * whatever the Content-Type says: cf-nodejs-client sends JSON labelled
 * application/x-www-form-urlencoded (reference §1.6), and OSB bodies only SHOULD be
 * application/json. A missing or blank body is no body (`getJsonBody` answers `undefined`).
 */
export function jsonBody(options: JsonBodyOptions): RequestHandler {
  const parse: RequestHandler = express.json({
    type: () => true,
    limit: options.limitBytes,
    strict: false,
    verify: (req: Request, _res: Response, raw: Buffer) => {
      if (raw.toString('utf8').trim() === '') blankBodies.add(req);
    },
  });
  const refuse = options.refuse ?? ((refusal: BodyRefused): unknown => refusal);
  return (req, res, next: NextFunction) => {
    if (req.method === 'GET' || req.method === 'HEAD') {
      next();
      return;
    }
    // The type is never consulted (every body is JSON); only its charset would be.
    if (options.ignoreDeclaredCharset === true && req.headers['content-type'] !== undefined)
      req.headers['content-type'] = 'application/json';
    parse(req, res, (err?: unknown) => {
      if (blankBodies.has(req)) {
        next();
        return;
      }
      if (err !== undefined) {
        next(refuse(toRefusal(err, options.limitBytes)));
        return;
      }
      const body: unknown = req.body;
      parsedBodies.set(req, body);
      next();
    });
  };
}

/** The `/v2` reader: a refused body is CC's 400 `CF-MessageParseError` (as before the merge). */
export const rawJsonBody: RequestHandler = jsonBody({
  limitBytes: BODY_LIMIT_BYTES,
  ignoreDeclaredCharset: true,
  refuse: (refusal) => new CfError('MessageParseError', refusal.message),
});

/** The parsed JSON body, or `undefined` when the request had none. */
export function getJsonBody(req: Request): unknown {
  return parsedBodies.get(req);
}
