import type { Request, Response } from 'express';
import type { ListQuery } from './list-query';
import { presentPage } from './pagination';
import { basePathOf } from './request-helpers';
import { sendJson } from './send';

/** Answers one page of a list in CC's envelope, with prev/next URLs on the request's own path. */
export function sendPage<T>(
  req: Request,
  res: Response,
  query: ListQuery,
  page: { total: number; items: T[] },
  present: (item: T) => unknown,
): void {
  sendJson(res, 200, presentPage(basePathOf(req), query, page.total, page.items.map(present)));
}
