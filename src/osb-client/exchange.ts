import { BrokerError } from './broker-error';
import type { BrokerConnection, OsbCallContext } from './types';
import { reasonPhrase } from './status-text';
import { basicToken } from './redaction';

export type OsbMethod = 'GET' | 'PUT' | 'PATCH' | 'DELETE';

/** Query values are sent as strings; `undefined` leaves the parameter out. */
export type OsbQuery = Readonly<Record<string, string | boolean | number | undefined>>;

export interface OsbRequest {
  method: OsbMethod;
  /** Path below the broker URL, starting with `/v2/`; ids in it already percent-encoded. */
  path: string;
  query?: OsbQuery;
  /** Sent as JSON when present. */
  body?: unknown;
}

/** One request and the broker's answer, before any OSB rule is applied. */
export interface OsbExchange {
  method: OsbMethod;
  uri: string;
  status: number;
  reason: string;
  /** Lower-cased names. */
  headers: Readonly<Record<string, string>>;
  /** Body text, cut at the byte limit when `bodyTooLarge`. */
  body: string;
  bodyTooLarge: boolean;
}

export interface OsbHttpSettings {
  timeoutMs: number;
  maxBodyBytes: number;
  apiInfoLocation?: string;
}

/** The OSB version Wharf speaks as a Platform (DESIGN.md; osb-api.md §2). */
export const OSB_API_VERSION = '2.17';

/** `{base}{path}?{query}`; a trailing slash on the broker URL must not double the path's slash. */
export function osbUri(baseUrl: string, path: string, query?: OsbQuery): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined) params.append(key, String(value));
  }
  const search = params.toString();
  return `${baseUrl.replace(/\/+$/, '')}${path}${search === '' ? '' : `?${search}`}`;
}

/**
 * Headers of every broker call (cf-v2-api.md §4.1, osb-api.md §2). Pure: the request identity is
 * passed in. Basic auth goes out pre-emptively, as CC does, so brokers never need a 401 round trip.
 */
export function osbHeaders(
  conn: BrokerConnection,
  ctx: OsbCallContext,
  extra: {
    requestIdentity: string;
    vcapRequestId: string;
    apiInfoLocation?: string;
    hasBody: boolean;
  },
): Record<string, string> {
  const headers: Record<string, string> = {
    Authorization: `Basic ${basicToken(conn.username, conn.password)}`,
    'X-Broker-API-Version': OSB_API_VERSION,
    'X-Broker-API-Request-Identity': extra.requestIdentity,
    'X-VCAP-Request-ID': extra.vcapRequestId,
    Accept: 'application/json',
  };
  if (ctx.userGuid !== undefined) {
    const identity = Buffer.from(JSON.stringify({ user_id: ctx.userGuid }), 'utf8').toString(
      'base64',
    );
    headers['X-Broker-API-Originating-Identity'] = `cloudfoundry ${identity}`;
  }
  if (extra.apiInfoLocation !== undefined) headers['X-Api-Info-Location'] = extra.apiInfoLocation;
  if (extra.hasBody) headers['Content-Type'] = 'application/json';
  return headers;
}

interface LimitedBody {
  text: string;
  tooLarge: boolean;
}

/**
 * Reads at most `limit` bytes, then cancels the stream: a 10 MB catalog costs at most `limit`
 * bytes of memory. A declared Content-Length over the limit is refused before reading anything.
 */
async function readLimited(response: Response, limit: number): Promise<LimitedBody> {
  const declared = Number(response.headers.get('content-length') ?? '');
  if (!response.body) return { text: '', tooLarge: false };
  const reader: ReadableStreamDefaultReader<Uint8Array> = response.body.getReader();
  if (Number.isFinite(declared) && declared > limit) {
    await reader.cancel().catch(() => undefined);
    return { text: '', tooLarge: true };
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    if (total + value.byteLength > limit) {
      chunks.push(value.subarray(0, limit - total));
      await reader.cancel().catch(() => undefined);
      return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: true };
    }
    chunks.push(value);
    total += value.byteLength;
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: false };
}

/** Our timeout aborted the call, or the network failed: the two transport errors of §4.1. */
function transportError(
  signal: AbortSignal,
  method: OsbMethod,
  uri: string,
  secrets: readonly string[],
): BrokerError {
  const info = { method, uri, secrets };
  return signal.aborted ? BrokerError.clientTimeout(info) : BrokerError.unreachable(info);
}

/**
 * Sends one request with Node's fetch (redirects followed) under one deadline that covers
 * connecting, sending and reading the whole body. Throws only the transport errors; statuses are
 * for the caller to judge.
 */
export async function exchangeWithBroker(
  settings: OsbHttpSettings,
  conn: BrokerConnection,
  request: OsbRequest,
  headers: Record<string, string>,
  secrets: readonly string[],
): Promise<OsbExchange> {
  const uri = osbUri(conn.url, request.path, request.query);
  const signal = AbortSignal.timeout(conn.timeoutMs ?? settings.timeoutMs);
  let response: Response;
  let body: LimitedBody;
  try {
    response = await fetch(uri, {
      method: request.method,
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      redirect: 'follow',
      signal,
    });
    body = await readLimited(response, settings.maxBodyBytes);
  } catch {
    // The cause (ECONNREFUSED, "other side closed", an abort) is deliberately not attached: the
    // error is rendered to API clients, and the description already says what kind of failure it was.
    throw transportError(signal, request.method, uri, secrets);
  }
  return {
    method: request.method,
    uri,
    status: response.status,
    reason: reasonPhrase(response.status, response.statusText),
    headers: Object.fromEntries(response.headers),
    body: body.text,
    bodyTooLarge: body.tooLarge,
  };
}
