import { CfError } from '../http/cf-errors';
import { BrokerError } from './broker-error';
import type { BrokerResponseInfo } from './broker-error';
import type { OsbResponse } from './response';
import { reasonPhrase } from './status-text';

/**
 * What each OSB call means, typed (cf-v2-api.md §4.3–4.4, osb-api.md §6–8): the per-operation
 * rules for 200/201/202/409/410/422 live here once, so callers never re-read `{status, body}`.
 * Anything a rule does not accept is thrown as a `CfError` of the one table.
 */
export type ProvisionResult =
  | { kind: 'done'; dashboardUrl: string | null }
  | { kind: 'accepted'; operation?: string; dashboardUrl?: string };

export type UpdateResult = ProvisionResult;

/** `busy`: 422 ConcurrencyError, which CC reports as its own 60016 naming the instance. */
export type DeprovisionResult =
  { kind: 'done' } | { kind: 'gone' } | { kind: 'busy' } | { kind: 'accepted'; operation?: string };

export type UnbindResult =
  { kind: 'done' } | { kind: 'gone' } | { kind: 'accepted'; operation?: string };

export interface FetchInstanceResult {
  parameters: Record<string, unknown>;
}

export interface BindResult {
  credentials: Record<string, unknown>;
}

export interface FetchBindingResult {
  credentials: Record<string, unknown>;
  parameters: Record<string, unknown>;
}

/** `gone`: 410 from last_operation (ends a delete; the caller decides what it means elsewhere). */
export type LastOperationResult =
  | { state: 'succeeded' | 'failed'; description: string }
  | { state: 'in progress'; description: string; retryAfterSeconds?: number }
  | { state: 'gone'; description: string };

/** Builds the error context of one answer; descriptions never carry the broker's password. */
export type InfoOf = (method: string, res: OsbResponse) => BrokerResponseInfo;

export function responseInfo(secrets: readonly string[]): InfoOf {
  return (method, res) => ({
    method,
    status: res.status,
    reason: reasonPhrase(res.status, ''),
    body: bodyText(res.body),
    secrets,
  });
}

/** The body as the broker sent it, for error descriptions (a 204 has none). */
function bodyText(body: unknown): string {
  if (typeof body === 'string') return body;
  return body === null || body === undefined ? '' : JSON.stringify(body);
}

function field(body: unknown, name: string): unknown {
  if (typeof body !== 'object' || body === null) return undefined;
  return Object.entries(body).find(([key]) => key === name)?.[1];
}

function text(body: unknown, name: string): string | undefined {
  const value = field(body, name);
  return typeof value === 'string' ? value : undefined;
}

function objectField(
  info: InfoOf,
  method: string,
  res: OsbResponse,
  name: string,
): Record<string, unknown> {
  const value = field(res.body, name) ?? {};
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw BrokerError.responseMalformed(info(method, res), `expected ${name} to be a JSON object`);
  return Object.fromEntries(Object.entries(value));
}

const QUOTE_PREFIX = 'Service broker error: ';

/** The broker's own words out of a RequestRejected description (`Service broker error: <description>`). */
function brokerOwnText(message: string): string {
  return message.startsWith(QUOTE_PREFIX) ? message.slice(QUOTE_PREFIX.length) : '';
}

/** 422 bodies name the error (OSB §3): AsyncRequired, ConcurrencyError, MaintenanceInfoConflict… */
function unprocessable(info: InfoOf, method: string, res: OsbResponse): BrokerError {
  switch (text(res.body, 'error')) {
    case 'AsyncRequired':
      return BrokerError.asyncRequired(info(method, res));
    case 'ConcurrencyError':
      return BrokerError.concurrencyError(info(method, res));
    case 'MaintenanceInfoConflict':
      return BrokerError.maintenanceInfoConflict(info(method, res));
    case 'RequiresApp':
      return BrokerError.appRequired(info(method, res));
    case undefined:
    default:
      return BrokerError.requestRejected(info(method, res));
  }
}

/** A 202 is only an answer when the Platform said it accepts one (CC's 270017 otherwise). */
function accepted(res: OsbResponse, acceptsIncomplete: boolean): ProvisionResult {
  if (!acceptsIncomplete) throw new CfError('ServiceBrokerRespondedAsyncWhenNotAllowed');
  const operation = text(res.body, 'operation');
  const dashboardUrl = text(res.body, 'dashboard_url');
  return {
    kind: 'accepted',
    ...(operation !== undefined ? { operation } : {}),
    ...(dashboardUrl !== undefined ? { dashboardUrl } : {}),
  };
}

export function toProvisionResult(
  info: InfoOf,
  res: OsbResponse,
  acceptsIncomplete: boolean,
): ProvisionResult {
  if (res.status === 200 || res.status === 201)
    return { kind: 'done', dashboardUrl: text(res.body, 'dashboard_url') ?? null };
  if (res.status === 202) return accepted(res, acceptsIncomplete);
  if (res.status === 409) throw BrokerError.conflict(info('PUT', res));
  if (res.status === 422) throw unprocessable(info, 'PUT', res);
  throw BrokerError.badResponse(info('PUT', res));
}

export function toUpdateResult(
  info: InfoOf,
  res: OsbResponse,
  acceptsIncomplete: boolean,
): UpdateResult {
  if (res.status === 200)
    return { kind: 'done', dashboardUrl: text(res.body, 'dashboard_url') ?? null };
  if (res.status === 202) return accepted(res, acceptsIncomplete);
  if (res.status === 422) {
    // An update knows AsyncRequired and MaintenanceInfoConflict; any other 422 is a rejection (cf-v2-api.md §4.4).
    const error = text(res.body, 'error');
    if (error === 'AsyncRequired' || error === 'MaintenanceInfoConflict')
      throw unprocessable(info, 'PATCH', res);
    throw BrokerError.requestRejected(info('PATCH', res));
  }
  throw BrokerError.badResponse(info('PATCH', res));
}

export function toDeprovisionResult(
  info: InfoOf,
  res: OsbResponse,
  acceptsIncomplete: boolean,
): DeprovisionResult {
  if (res.status === 200) return { kind: 'done' };
  if (res.status === 410) return { kind: 'gone' };
  if (res.status === 202) {
    const result = accepted(res, acceptsIncomplete);
    return result.kind === 'accepted' && result.operation !== undefined
      ? { kind: 'accepted', operation: result.operation }
      : { kind: 'accepted' };
  }
  if (res.status === 422) {
    if (text(res.body, 'error') === 'ConcurrencyError') return { kind: 'busy' };
    throw unprocessable(info, 'DELETE', res);
  }
  throw BrokerError.badResponse(info('DELETE', res));
}

export function toFetchInstanceResult(info: InfoOf, res: OsbResponse): FetchInstanceResult {
  if (res.status !== 200) throw BrokerError.badResponse(info('GET', res));
  return { parameters: objectField(info, 'GET', res, 'parameters') };
}

export function toLastOperationResult(info: InfoOf, res: OsbResponse): LastOperationResult {
  const description = text(res.body, 'description') ?? '';
  if (res.status === 410) return { state: 'gone', description };
  const state = text(res.body, 'state');
  const retryAfter = Number(res.headers['retry-after']);
  switch (state) {
    case 'succeeded':
      return { state: 'succeeded', description };
    case 'failed':
      return { state: 'failed', description };
    case 'in progress':
      return {
        state: 'in progress',
        description,
        ...(Number.isFinite(retryAfter) && retryAfter > 0 ? { retryAfterSeconds: retryAfter } : {}),
      };
    case undefined:
    default:
      throw BrokerError.responseMalformed(
        info('GET', res),
        `expected state to be one of in progress, succeeded, failed`,
      );
  }
}

/** CC reads a 400 to a poll as the operation failed, with the broker's description (cf-v2-api.md §4.3). */
export function pollRejection(err: unknown): LastOperationResult | undefined {
  if (err instanceof BrokerError && 'status' in err.http && err.http.status === 400)
    return { state: 'failed', description: brokerOwnText(err.message) };
  return undefined;
}

export function toBindResult(info: InfoOf, res: OsbResponse): BindResult {
  if (res.status === 200 || res.status === 201)
    return { credentials: objectField(info, 'PUT', res, 'credentials') };
  // Service keys are never created asynchronously (cf-v2-api.md §4.4).
  if (res.status === 202) throw new CfError('ServiceBrokerRespondedAsyncWhenNotAllowed');
  if (res.status === 409) throw BrokerError.conflict(info('PUT', res));
  if (res.status === 422) throw unprocessable(info, 'PUT', res);
  throw BrokerError.badResponse(info('PUT', res));
}

export function toUnbindResult(
  info: InfoOf,
  res: OsbResponse,
  acceptsIncomplete: boolean,
): UnbindResult {
  if (res.status === 200) return { kind: 'done' };
  if (res.status === 410) return { kind: 'gone' };
  if (res.status === 202 && acceptsIncomplete) {
    const operation = text(res.body, 'operation');
    return operation === undefined ? { kind: 'accepted' } : { kind: 'accepted', operation };
  }
  if (res.status === 422) throw unprocessable(info, 'DELETE', res);
  throw BrokerError.badResponse(info('DELETE', res));
}

export function toFetchBindingResult(info: InfoOf, res: OsbResponse): FetchBindingResult {
  if (res.status !== 200) throw BrokerError.badResponse(info('GET', res));
  return {
    credentials: objectField(info, 'GET', res, 'credentials'),
    parameters: objectField(info, 'GET', res, 'parameters'),
  };
}
