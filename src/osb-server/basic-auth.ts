import crypto from 'node:crypto';

export interface BrokerCredentials {
  username: string;
  password: string;
}

function digest(value: string): Buffer {
  return crypto.createHash('sha256').update(value, 'utf8').digest();
}

/** Splits `Basic base64(user:password)`; anything else is no credentials at all. */
export function readBasicAuth(header: string | undefined): BrokerCredentials | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header);
  if (match?.[1] === undefined) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

/**
 * Compares hashes of both parts with `timingSafeEqual` (brokerapi's auth.go): equal-length inputs
 * whatever the lengths of the secrets, and both parts always compared, so timing tells nothing.
 */
export function credentialsMatch(
  given: BrokerCredentials | undefined,
  expected: BrokerCredentials,
): boolean {
  const user = crypto.timingSafeEqual(digest(given?.username ?? ''), digest(expected.username));
  const pass = crypto.timingSafeEqual(digest(given?.password ?? ''), digest(expected.password));
  return given !== undefined && user && pass;
}
