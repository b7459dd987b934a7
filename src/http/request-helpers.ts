import type { Request } from 'express';

/** The request path without its query string, for prev/next URLs. */
export function basePathOf(req: Request): string {
  const url = req.originalUrl;
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}

/** A route parameter Express guarantees exists for the matched path. */
export function param(req: Request, name: string): string {
  const value: unknown = req.params[name];
  return typeof value === 'string' ? value : '';
}

export function queryFlag(req: Request, name: string): boolean {
  const value: unknown = req.query[name];
  return value === 'true';
}
