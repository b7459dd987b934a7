import type { ApiVersion } from './api-version';
import { supports } from './api-version';

/**
 * The OSB minor version that added each request field this broker reads (osb-api.md §10). A
 * Platform speaking an older version never meant such a field, so it is ignored, not validated:
 * the 2.13-era osb-checker sends `"maintenance_info": {}` and must not get a 400 for it.
 */
export type FieldsSince = Readonly<Record<string, number>>;

export const PROVISION_FIELDS_SINCE: FieldsSince = { context: 12, maintenance_info: 15 };
export const UPDATE_FIELDS_SINCE: FieldsSince = { context: 12, maintenance_info: 15 };
export const BIND_FIELDS_SINCE: FieldsSince = { context: 13, predecessor_binding_id: 17 };

/** The body without the fields newer than `version`; anything but a JSON object is left as it is. */
export function withoutNewerFields(
  body: unknown,
  since: FieldsSince,
  version: ApiVersion,
): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  return Object.fromEntries(
    Object.entries(body).filter(([key]) => {
      const minor = since[key];
      return minor === undefined || supports(version, minor);
    }),
  );
}
