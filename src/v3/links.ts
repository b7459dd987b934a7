/**
 * The v3 API version Wharf announces in `GET /` (`links.cloud_controller_v3.meta.version`). The v6
 * CLI requires a semver here and at least 3.63.0 for share-service (cf-cli-v6-requests.md §2.22).
 */
export const V3_API_VERSION = '3.158.0';

/** The only v3 resources Wharf serves: what the v6 CLI's login, org, space and share-service read. */
export const V3_RESOURCES = [
  'organizations',
  'spaces',
  'isolation_segments',
  'service_instances',
] as const;

export interface Link {
  href: string;
}

/** The root document's `cloud_controller_v3` link. */
export function v3RootLink(base: string): Link & { meta: { version: string } } {
  return { href: `${base}/v3`, meta: { version: V3_API_VERSION } };
}

/** `GET /v3`: absolute hrefs the CLI appends `/<guid>/…` to; nothing Wharf does not serve. */
export function v3LinksDocument(base: string): { links: Record<string, Link> } {
  const links: Record<string, Link> = { self: { href: `${base}/v3` } };
  for (const name of V3_RESOURCES) links[name] = { href: `${base}/v3/${name}` };
  return { links };
}
