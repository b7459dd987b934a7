import { CfError } from '../http/cf-errors';
import { BrokerError } from './broker-error';
import type { BrokerResponseInfo } from './broker-error';
import type { OsbExchange } from './exchange';
import { isPlainObject } from '../http/plain-object';

/** A broker answer that passed the rules common to every call (cf-v2-api.md §4.1). */
export interface OsbResponse {
  status: number;
  /** Parsed JSON; `null` for 204; for 409/410/422 the raw text when it is not JSON. */
  body: unknown;
  /** Lower-cased names (e.g. `retry-after` for polling). */
  headers: Readonly<Record<string, string>>;
}

/** 409, 410 and 422 mean different things per operation (§4.4), so the caller interprets them. */
const OPERATION_SPECIFIC = new Set([409, 410, 422]);

function infoOf(ex: OsbExchange, secrets: readonly string[]): BrokerResponseInfo {
  return { method: ex.method, status: ex.status, reason: ex.reason, body: ex.body, secrets };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

const isJsonObject = isPlainObject;

/**
 * The status mapping common to all responses: 401 → AuthenticationFailed, 408 → ApiTimeout, other
 * 4xx (not 409/410/422) → RequestRejected, 5xx and anything unexpected → BadResponse; a 2xx must
 * carry a JSON object (OSB bodies are objects, `{}` at least) or it is malformed.
 */
export function interpretOsbResponse(
  ex: OsbExchange,
  secrets: readonly string[],
  maxBodyBytes: number,
): OsbResponse {
  const info = infoOf(ex, secrets);
  if (ex.status === 401) throw BrokerError.authenticationFailed(info);
  if (ex.status === 408) throw BrokerError.apiTimeout(info);
  if (ex.status >= 200 && ex.status < 300) {
    if (ex.bodyTooLarge) throw BrokerError.bodyTooLarge(info, maxBodyBytes);
    if (ex.status === 204) return { status: ex.status, body: null, headers: ex.headers };
    const parsed = parseJson(ex.body);
    if (!parsed.ok || !isJsonObject(parsed.value)) throw BrokerError.responseMalformed(info);
    return { status: ex.status, body: parsed.value, headers: ex.headers };
  }
  if (OPERATION_SPECIFIC.has(ex.status)) {
    const parsed = parseJson(ex.body);
    return { status: ex.status, body: parsed.ok ? parsed.value : ex.body, headers: ex.headers };
  }
  if (ex.status >= 400 && ex.status < 500) throw BrokerError.requestRejected(info);
  throw BrokerError.badResponse(info);
}

/**
 * `GET /v2/catalog` at registration (cf-v2-api.md §4.2 step 2): 200 + JSON object → the raw
 * catalog; 200 + anything else → 270021; 4xx other than 401/408 → 270020 (probably not a broker);
 * 401, 408, 5xx and other statuses → the §4.1 classes.
 */
export function interpretCatalogResponse(
  ex: OsbExchange,
  secrets: readonly string[],
  maxBodyBytes: number,
): unknown {
  const info = infoOf(ex, secrets);
  if (ex.status === 401) throw BrokerError.authenticationFailed(info);
  if (ex.status === 408) throw BrokerError.apiTimeout(info);
  if (ex.status === 200) {
    if (ex.bodyTooLarge) throw BrokerError.bodyTooLarge(info, maxBodyBytes);
    const parsed = parseJson(ex.body);
    if (!parsed.ok || !isJsonObject(parsed.value))
      throw new CfError('ServiceBrokerRequestMalformed');
    return parsed.value;
  }
  if (ex.status >= 400 && ex.status < 500)
    throw new CfError('ServiceBrokerCatalogRequestRejected', `${ex.status} ${ex.reason}`.trim());
  throw BrokerError.badResponse(info);
}
