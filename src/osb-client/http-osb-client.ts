import { randomUUID } from 'node:crypto';
import { exchangeWithBroker, osbHeaders } from './exchange';
import type { OsbExchange, OsbHttpSettings, OsbRequest } from './exchange';
import {
  bindRequest,
  bindingLastOperationRequest,
  deprovisionRequest,
  fetchBindingRequest,
  fetchInstanceRequest,
  lastOperationRequest,
  provisionRequest,
  unbindRequest,
  updateRequest,
} from './requests';
import type {
  AsyncFlag,
  BindingRef,
  InstanceRef,
  OfferingRef,
  OsbBindBody,
  OsbProvisionBody,
  OsbUpdateBody,
} from './requests';
import { interpretCatalogResponse, interpretOsbResponse } from './response';
import type { OsbResponse } from './response';
import { secretFormsOf } from './redaction';
import {
  pollRejection,
  responseInfo,
  toBindResult,
  toDeprovisionResult,
  toFetchBindingResult,
  toFetchInstanceResult,
  toLastOperationResult,
  toProvisionResult,
  toUnbindResult,
  toUpdateResult,
} from './results';
import type {
  BindResult,
  DeprovisionResult,
  FetchBindingResult,
  FetchInstanceResult,
  LastOperationResult,
  ProvisionResult,
  UnbindResult,
  UpdateResult,
} from './results';
import type { OsbClient } from './client';
import type { BrokerConnection, OsbCallContext } from './types';

export interface OsbClientOptions {
  /** One deadline for connect, send and the whole body (CC: broker_client_timeout_seconds). Default 60 s. */
  timeoutMs?: number;
  /** Largest body read into memory. Default 8 MiB. */
  maxBodyBytes?: number;
  /** Sent as `X-Api-Info-Location`, e.g. `wharf.example.com/v2/info`. */
  apiInfoLocation?: string;
  /** Told of every exchange (metrics): the broker's name, `<status>` or `error`, and seconds. */
  observe?: (broker: string, outcome: string, seconds: number) => void;
}

export const DEFAULT_OSB_TIMEOUT_MS = 60_000;
export const DEFAULT_OSB_MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * `OsbClient` over HTTP (Node's fetch): one deadline per call, bodies read up to a byte limit,
 * pre-emptive Basic auth, secrets redacted from every error it raises.
 */
export class HttpOsbClient implements OsbClient {
  private readonly settings: OsbHttpSettings;
  private readonly observe: OsbClientOptions['observe'];

  constructor(options: OsbClientOptions = {}) {
    this.observe = options.observe;
    this.settings = {
      timeoutMs: options.timeoutMs ?? DEFAULT_OSB_TIMEOUT_MS,
      maxBodyBytes: options.maxBodyBytes ?? DEFAULT_OSB_MAX_BODY_BYTES,
      apiInfoLocation: options.apiInfoLocation,
    };
  }

  /** `GET /v2/catalog`: the raw catalog object, still to be validated (`validateCatalog`). */
  async fetchCatalog(conn: BrokerConnection, ctx: OsbCallContext): Promise<unknown> {
    const secrets = secretFormsOf(conn.username, conn.password);
    const exchange = await this.exchange(
      conn,
      { method: 'GET', path: '/v2/catalog' },
      ctx,
      secrets,
    );
    return interpretCatalogResponse(exchange, secrets, this.settings.maxBodyBytes);
  }

  /**
   * Any OSB endpoint. Throws for transport failures, timeouts, 401, 408, other 4xx except
   * 409/410/422, 5xx, and 2xx bodies that are not JSON objects; returns everything else.
   */
  async request(
    conn: BrokerConnection,
    request: OsbRequest,
    ctx: OsbCallContext,
  ): Promise<OsbResponse> {
    const secrets = secretFormsOf(conn.username, conn.password);
    const exchange = await this.exchange(conn, request, ctx, secrets);
    return interpretOsbResponse(exchange, secrets, this.settings.maxBodyBytes);
  }

  /** `PUT /v2/service_instances/:instance_id[?accepts_incomplete=true]` (osb-api.md §7.1). */
  async provision(
    conn: BrokerConnection,
    args: InstanceRef & AsyncFlag & { body: OsbProvisionBody },
    ctx: OsbCallContext,
  ): Promise<ProvisionResult> {
    const res = await this.request(conn, provisionRequest(args), ctx);
    return toProvisionResult(
      responseInfo(secretFormsOf(conn.username, conn.password)),
      res,
      args.acceptsIncomplete === true,
    );
  }

  /** `PATCH /v2/service_instances/:instance_id[?accepts_incomplete=true]` (osb-api.md §7.3). */
  async update(
    conn: BrokerConnection,
    args: InstanceRef & AsyncFlag & { body: OsbUpdateBody },
    ctx: OsbCallContext,
  ): Promise<UpdateResult> {
    const res = await this.request(conn, updateRequest(args), ctx);
    return toUpdateResult(
      responseInfo(secretFormsOf(conn.username, conn.password)),
      res,
      args.acceptsIncomplete === true,
    );
  }

  /** `DELETE /v2/service_instances/:instance_id?service_id=&plan_id=[&accepts_incomplete=true]` (§7.4). */
  async deprovision(
    conn: BrokerConnection,
    args: InstanceRef & AsyncFlag & Required<OfferingRef>,
    ctx: OsbCallContext,
  ): Promise<DeprovisionResult> {
    const res = await this.request(conn, deprovisionRequest(args), ctx);
    return toDeprovisionResult(
      responseInfo(secretFormsOf(conn.username, conn.password)),
      res,
      args.acceptsIncomplete === true,
    );
  }

  /** `GET /v2/service_instances/:instance_id[?service_id=&plan_id=]` (osb-api.md §7.2). */
  async fetchInstance(
    conn: BrokerConnection,
    args: InstanceRef & OfferingRef,
    ctx: OsbCallContext,
  ): Promise<FetchInstanceResult> {
    const res = await this.request(conn, fetchInstanceRequest(args), ctx);
    return toFetchInstanceResult(responseInfo(secretFormsOf(conn.username, conn.password)), res);
  }

  /** `GET /v2/service_instances/:instance_id/last_operation[?service_id=&plan_id=&operation=]` (§6.1). */
  async lastOperation(
    conn: BrokerConnection,
    args: InstanceRef & OfferingRef & { operation?: string },
    ctx: OsbCallContext,
  ): Promise<LastOperationResult> {
    return this.poll(conn, lastOperationRequest(args), ctx);
  }

  /** `PUT /v2/service_instances/:instance_id/service_bindings/:binding_id[?accepts_incomplete=true]` (§8.1). */
  async bind(
    conn: BrokerConnection,
    args: BindingRef & AsyncFlag & { body: OsbBindBody },
    ctx: OsbCallContext,
  ): Promise<BindResult> {
    const res = await this.request(conn, bindRequest(args), ctx);
    return toBindResult(responseInfo(secretFormsOf(conn.username, conn.password)), res);
  }

  /** `DELETE /v2/service_instances/:instance_id/service_bindings/:binding_id?service_id=&plan_id=` (§8.4). */
  async unbind(
    conn: BrokerConnection,
    args: BindingRef & AsyncFlag & Required<OfferingRef>,
    ctx: OsbCallContext,
  ): Promise<UnbindResult> {
    const res = await this.request(conn, unbindRequest(args), ctx);
    return toUnbindResult(
      responseInfo(secretFormsOf(conn.username, conn.password)),
      res,
      args.acceptsIncomplete === true,
    );
  }

  /** `GET /v2/service_instances/:instance_id/service_bindings/:binding_id` (osb-api.md §8.3). */
  async fetchBinding(
    conn: BrokerConnection,
    args: BindingRef & OfferingRef,
    ctx: OsbCallContext,
  ): Promise<FetchBindingResult> {
    const res = await this.request(conn, fetchBindingRequest(args), ctx);
    return toFetchBindingResult(responseInfo(secretFormsOf(conn.username, conn.password)), res);
  }

  /** `GET /v2/service_instances/:instance_id/service_bindings/:binding_id/last_operation` (§6.2). */
  async bindingLastOperation(
    conn: BrokerConnection,
    args: BindingRef & OfferingRef & { operation?: string },
    ctx: OsbCallContext,
  ): Promise<LastOperationResult> {
    return this.poll(conn, bindingLastOperationRequest(args), ctx);
  }

  /** A poll's answer; a 400 is the operation failed with the broker's words (cf-v2-api.md §4.3). */
  private async poll(
    conn: BrokerConnection,
    request: OsbRequest,
    ctx: OsbCallContext,
  ): Promise<LastOperationResult> {
    let res: OsbResponse;
    try {
      res = await this.request(conn, request, ctx);
    } catch (err) {
      const failed = pollRejection(err);
      if (failed !== undefined) return failed;
      throw err;
    }
    return toLastOperationResult(responseInfo(secretFormsOf(conn.username, conn.password)), res);
  }

  private exchange(
    conn: BrokerConnection,
    request: OsbRequest,
    ctx: OsbCallContext,
    secrets: readonly string[],
  ): Promise<OsbExchange> {
    const headers = osbHeaders(conn, ctx, {
      requestIdentity: randomUUID(),
      // CC always sends its request id; a call without one (a job, the CLI) still gets a traceable id.
      vcapRequestId: ctx.vcapRequestId ?? randomUUID(),
      apiInfoLocation: this.settings.apiInfoLocation,
      hasBody: request.body !== undefined,
    });
    const observe = this.observe;
    if (observe === undefined)
      return exchangeWithBroker(this.settings, conn, request, headers, secrets);
    const started = process.hrtime.bigint();
    const seconds = (): number => Number(process.hrtime.bigint() - started) / 1e9;
    const broker = conn.name ?? 'unregistered';
    return exchangeWithBroker(this.settings, conn, request, headers, secrets).then(
      (exchange) => {
        observe(broker, String(exchange.status), seconds());
        return exchange;
      },
      (err: unknown) => {
        observe(broker, 'error', seconds());
        throw err;
      },
    );
  }
}
