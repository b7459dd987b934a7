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
import type { OsbClient } from './client';
import type { BrokerConnection, OsbCallContext } from './types';

export interface OsbClientOptions {
  /** One deadline for connect, send and the whole body (CC: broker_client_timeout_seconds). Default 60 s. */
  timeoutMs?: number;
  /** Largest body read into memory. Default 8 MiB. */
  maxBodyBytes?: number;
  /** Sent as `X-Api-Info-Location`, e.g. `wharf.example.com/v2/info`. */
  apiInfoLocation?: string;
}

export const DEFAULT_OSB_TIMEOUT_MS = 60_000;
export const DEFAULT_OSB_MAX_BODY_BYTES = 8 * 1024 * 1024;

/**
 * `OsbClient` over HTTP (Node's fetch): one deadline per call, bodies read up to a byte limit,
 * pre-emptive Basic auth, secrets redacted from every error it raises.
 */
export class HttpOsbClient implements OsbClient {
  private readonly settings: OsbHttpSettings;

  constructor(options: OsbClientOptions = {}) {
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
  provision(
    conn: BrokerConnection,
    args: InstanceRef & AsyncFlag & { body: OsbProvisionBody },
    ctx: OsbCallContext,
  ): Promise<OsbResponse> {
    return this.request(conn, provisionRequest(args), ctx);
  }

  /** `PATCH /v2/service_instances/:instance_id[?accepts_incomplete=true]` (osb-api.md §7.3). */
  update(
    conn: BrokerConnection,
    args: InstanceRef & AsyncFlag & { body: OsbUpdateBody },
    ctx: OsbCallContext,
  ): Promise<OsbResponse> {
    return this.request(conn, updateRequest(args), ctx);
  }

  /** `DELETE /v2/service_instances/:instance_id?service_id=&plan_id=[&accepts_incomplete=true]` (§7.4). */
  deprovision(
    conn: BrokerConnection,
    args: InstanceRef & AsyncFlag & Required<OfferingRef>,
    ctx: OsbCallContext,
  ): Promise<OsbResponse> {
    return this.request(conn, deprovisionRequest(args), ctx);
  }

  /** `GET /v2/service_instances/:instance_id[?service_id=&plan_id=]` (osb-api.md §7.2). */
  fetchInstance(
    conn: BrokerConnection,
    args: InstanceRef & OfferingRef,
    ctx: OsbCallContext,
  ): Promise<OsbResponse> {
    return this.request(conn, fetchInstanceRequest(args), ctx);
  }

  /** `GET /v2/service_instances/:instance_id/last_operation[?service_id=&plan_id=&operation=]` (§6.1). */
  lastOperation(
    conn: BrokerConnection,
    args: InstanceRef & OfferingRef & { operation?: string },
    ctx: OsbCallContext,
  ): Promise<OsbResponse> {
    return this.request(conn, lastOperationRequest(args), ctx);
  }

  /** `PUT /v2/service_instances/:instance_id/service_bindings/:binding_id[?accepts_incomplete=true]` (§8.1). */
  bind(
    conn: BrokerConnection,
    args: BindingRef & AsyncFlag & { body: OsbBindBody },
    ctx: OsbCallContext,
  ): Promise<OsbResponse> {
    return this.request(conn, bindRequest(args), ctx);
  }

  /** `DELETE /v2/service_instances/:instance_id/service_bindings/:binding_id?service_id=&plan_id=` (§8.4). */
  unbind(
    conn: BrokerConnection,
    args: BindingRef & AsyncFlag & Required<OfferingRef>,
    ctx: OsbCallContext,
  ): Promise<OsbResponse> {
    return this.request(conn, unbindRequest(args), ctx);
  }

  /** `GET /v2/service_instances/:instance_id/service_bindings/:binding_id` (osb-api.md §8.3). */
  fetchBinding(
    conn: BrokerConnection,
    args: BindingRef & OfferingRef,
    ctx: OsbCallContext,
  ): Promise<OsbResponse> {
    return this.request(conn, fetchBindingRequest(args), ctx);
  }

  /** `GET /v2/service_instances/:instance_id/service_bindings/:binding_id/last_operation` (§6.2). */
  bindingLastOperation(
    conn: BrokerConnection,
    args: BindingRef & OfferingRef & { operation?: string },
    ctx: OsbCallContext,
  ): Promise<OsbResponse> {
    return this.request(conn, bindingLastOperationRequest(args), ctx);
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
    return exchangeWithBroker(this.settings, conn, request, headers, secrets);
  }
}
