/** The `X-Broker-API-Version` a platform speaks (osb-api.md §2); responses are shaped to it. */
export interface ApiVersion {
  major: 2;
  minor: number;
}

/** The version Wharf's broker implements; any 2.x is served, newer minors as this one. */
export const LATEST_MINOR = 17;

/**
 * Parses `MAJOR.MINOR`. Anything else, or a major other than 2, is refused with 412 as
 * brokerapi and both osb-checker generations expect (osb-api.md §2 "Practice").
 */
export function parseApiVersion(header: string | undefined): ApiVersion | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*2\.(\d{1,4})\s*$/.exec(header);
  if (match?.[1] === undefined) return undefined;
  return { major: 2, minor: Number(match[1]) };
}

/** Whether a field added in 2.`minor` may be sent to this platform. */
export function supports(version: ApiVersion, minor: number): boolean {
  return version.minor >= minor;
}
