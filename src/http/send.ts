import type { Response } from 'express';

/** CC's exact header value (reference §1.1); Express's res.type() would add a space. */
export const CF_JSON_CONTENT_TYPE = 'application/json;charset=utf-8';

export function sendJson(res: Response, status: number, body: unknown, location?: string): void {
  if (location !== undefined) res.setHeader('Location', location);
  res.status(status);
  res.setHeader('Content-Type', CF_JSON_CONTENT_TYPE);
  res.end(JSON.stringify(body));
}

/** For bodies already serialised (cached catalog pages). */
export function sendJsonText(res: Response, status: number, body: string): void {
  res.status(status);
  res.setHeader('Content-Type', CF_JSON_CONTENT_TYPE);
  res.end(body);
}
