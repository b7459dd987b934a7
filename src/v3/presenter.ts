import { toCfTimestamp } from '../http/envelope';
import type { Organization, Space } from '../orgs';
import type { V3ListQuery } from './query';
import { v3QueryString } from './query';

export interface V3Page<T> {
  pagination: {
    total_results: number;
    total_pages: number;
    first: { href: string };
    last: { href: string };
    next: { href: string } | null;
    previous: { href: string } | null;
  };
  resources: T[];
}

/** CC's v3 list envelope: absolute links; `next` is null on the last page (the CLI stops there). */
export function presentV3Page<T>(
  collectionUrl: string,
  query: V3ListQuery,
  total: number,
  resources: T[],
): V3Page<T> {
  const pages = Math.max(1, Math.ceil(total / query.perPage));
  const href = (page: number): { href: string } => ({
    href: `${collectionUrl}?${v3QueryString(query, page)}`,
  });
  return {
    pagination: {
      total_results: total,
      total_pages: pages,
      first: href(1),
      last: href(pages),
      next: query.page < pages ? href(query.page + 1) : null,
      previous: query.page > 1 ? href(query.page - 1) : null,
    },
    resources,
  };
}

const emptyMetadata = (): {
  labels: Record<string, never>;
  annotations: Record<string, never>;
} => ({
  labels: {},
  annotations: {},
});

export function presentV3Organization(
  base: string,
  org: Organization,
  quotaGuid: string,
): Record<string, unknown> {
  const self = `${base}/v3/organizations/${org.guid}`;
  return {
    guid: org.guid,
    created_at: toCfTimestamp(org.createdAt),
    updated_at: toCfTimestamp(org.updatedAt),
    name: org.name,
    suspended: org.status === 'suspended',
    relationships: { quota: { data: { guid: quotaGuid } } },
    metadata: emptyMetadata(),
    links: { self: { href: self } },
  };
}

export function presentV3Space(base: string, space: Space): Record<string, unknown> {
  return {
    guid: space.guid,
    created_at: toCfTimestamp(space.createdAt),
    updated_at: toCfTimestamp(space.updatedAt),
    name: space.name,
    relationships: {
      organization: { data: { guid: space.organizationGuid } },
      quota: { data: null },
    },
    metadata: emptyMetadata(),
    links: {
      self: { href: `${base}/v3/spaces/${space.guid}` },
      organization: { href: `${base}/v3/organizations/${space.organizationGuid}` },
    },
  };
}
