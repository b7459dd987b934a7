/** A row's common columns, as every Wharf table has them (DESIGN.md). */
export interface Timestamped {
  guid: string;
  createdAt: string;
  updatedAt: string;
}

export interface Metadata {
  guid: string;
  url: string;
  created_at: string;
  updated_at: string;
}

export interface Resource<E> {
  metadata: Metadata;
  entity: E;
}

/** RFC 3339, whole seconds, `Z` (CC sets JSON time precision to 0). */
export function toCfTimestamp(value: string | Date): string {
  const date = typeof value === 'string' ? new Date(value) : value;
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function presentResource<E>(collection: string, row: Timestamped, entity: E): Resource<E> {
  return {
    metadata: {
      guid: row.guid,
      url: `/v2/${collection}/${row.guid}`,
      created_at: toCfTimestamp(row.createdAt),
      updated_at: toCfTimestamp(row.updatedAt),
    },
    entity,
  };
}
