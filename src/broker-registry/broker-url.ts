import { CfError } from '../http/cf-errors';

/** CC's broker URL rules (cf-v2-api.md §3.3): http(s) only, no credentials in the URL. */
export function checkBrokerUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new CfError('ServiceBrokerUrlInvalid', raw);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.hostname === '') {
    throw new CfError('ServiceBrokerUrlInvalid', raw);
  }
  if (url.username !== '' || url.password !== '')
    throw new CfError('ServiceBrokerUrlBasicAuthNotSupported');
  return raw.replace(/\/+$/, '');
}

/** `X-Cf-Warnings`: comma-joined, URL-encoded with `+` for spaces (cf-v2-api.md §1.8). */
export function toWarningsHeader(warnings: readonly string[]): string {
  return warnings.map((w) => encodeURIComponent(w).replace(/%20/g, '+')).join(',');
}
