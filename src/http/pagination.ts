import type { ListQuery } from './list-query';

export interface Page<T> {
  total_results: number;
  total_pages: number;
  prev_url: string | null;
  next_url: string | null;
  resources: T[];
}

export function totalPages(totalResults: number, perPage: number): number {
  return Math.max(1, Math.ceil(totalResults / perPage));
}

/** Rebuilds a list URL as CC does: keys sorted, paging keys always, others only if given. */
export function pageUrl(basePath: string, query: ListQuery, page: number): string {
  const params: [string, string][] = [
    ['order-direction', query.order.direction],
    ['page', String(page)],
    ['results-per-page', String(query.perPage)],
  ];
  if (query.inlineRelationsDepth > 0) {
    params.push(['inline-relations-depth', String(query.inlineRelationsDepth)]);
  }
  if (query.order.by !== undefined) params.push(['order-by', query.order.by]);
  for (const q of query.rawQ) params.push(['q', q]);
  params.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const search = params.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&');
  return `${basePath}?${search}`;
}

export function presentPage<T>(
  basePath: string,
  query: ListQuery,
  totalResults: number,
  resources: T[],
): Page<T> {
  const pages = totalPages(totalResults, query.perPage);
  return {
    total_results: totalResults,
    total_pages: pages,
    prev_url: query.page > 1 ? pageUrl(basePath, query, query.page - 1) : null,
    next_url: query.page < pages ? pageUrl(basePath, query, query.page + 1) : null,
    resources,
  };
}
