import { sameSecret } from './sessions';

export interface CsrfInput {
  method: string;
  /** The Origin header, else the origin of Referer; undefined when neither is present. */
  origin: string | undefined;
  /** Origins this dashboard is served from (the external URL's and the request's own). */
  allowedOrigins: readonly string[];
  /** The token the form carried (`_csrf`) or the X-CSRF-Token header. */
  presented: string | undefined;
  /** The token bound to the session (or the login cookie before there is a session). */
  expected: string | undefined;
}

export type CsrfVerdict = { ok: true } | { ok: false; reason: string };

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function originOf(
  originHeader: string | undefined,
  referer: string | undefined,
): string | undefined {
  if (originHeader !== undefined && originHeader !== '' && originHeader !== 'null')
    return originHeader;
  if (referer === undefined || referer === '') return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}

/**
 * Two independent checks, both required for a state change: the browser-set Origin must be ours
 * (a forged cross-site form cannot fake it), and the form must carry the session's secret token
 * (which a cross-site page cannot read). A request with neither Origin nor Referer is refused:
 * every browser that could hold our SameSite=Strict cookie sends one on a POST.
 */
export function checkCsrf(input: CsrfInput): CsrfVerdict {
  if (SAFE_METHODS.has(input.method.toUpperCase())) return { ok: true };
  if (input.origin === undefined) return { ok: false, reason: 'the request names no origin' };
  if (!input.allowedOrigins.includes(input.origin))
    return { ok: false, reason: `cross-site request from ${input.origin}` };
  if (input.expected === undefined || input.presented === undefined || input.presented === '')
    return { ok: false, reason: 'the form carries no CSRF token' };
  if (!sameSecret(input.presented, input.expected))
    return { ok: false, reason: 'the CSRF token does not match' };
  return { ok: true };
}
