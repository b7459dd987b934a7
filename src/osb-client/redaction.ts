/** Text helpers for what brokers send back: redaction of credentials and CC's size cap. */

export const REDACTED = '[REDACTED]';

/** CC caps broker text at 16 KiB, keeping the first 8 KiB (ServiceBrokerBadResponse, ServiceBrokerConflict). */
const MAX_DESCRIPTION_BYTES = 2 ** 14;
const KEPT_BYTES = 2 ** 13;
const TRUNCATION_NOTE =
  "...This message has been truncated due to size. To read the full message, check the broker's logs";

/**
 * Replaces every occurrence of each secret. A broker that echoes the request (a debug endpoint, a
 * proxy error page) must not get our password or Authorization header into an API answer.
 * Longest first, so a secret that contains another is removed whole.
 */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  const ordered = [...new Set(secrets.filter((s) => s.length > 0))].sort(
    (a, b) => b.length - a.length,
  );
  let out = text;
  for (const secret of ordered) out = out.split(secret).join(REDACTED);
  return out;
}

/** The forms a password can take in a response: raw, JSON-escaped, URL-encoded, and the Basic token. */
export function secretFormsOf(username: string, password: string): string[] {
  if (password === '') return [basicToken(username, password)];
  return [
    password,
    JSON.stringify(password).slice(1, -1),
    encodeURIComponent(password),
    basicToken(username, password),
  ];
}

export function basicToken(username: string, password: string): string {
  return Buffer.from(`${username}:${password}`, 'utf8').toString('base64');
}

/** Cuts at a UTF-8 character boundary, as Rails' `truncate_bytes` does. */
function truncateUtf8(text: string, maxBytes: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= maxBytes) return text;
  let end = maxBytes;
  // 0b10xxxxxx is a continuation byte: step back to the start of the character it belongs to.
  while (end > 0 && ((bytes[end] ?? 0) & 0xc0) === 0x80) end--;
  return bytes.subarray(0, end).toString('utf8');
}

export function truncateDescription(text: string): string {
  if (Buffer.byteLength(text, 'utf8') <= MAX_DESCRIPTION_BYTES) return text;
  return truncateUtf8(text, KEPT_BYTES) + TRUNCATION_NOTE;
}
