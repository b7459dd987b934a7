import { BrokerError, reasonPhrase, secretFormsOf } from '../osb-client';
import type {
  BrokerConnection,
  BrokerResponseInfo,
  OsbCallContext,
  OsbClient,
  OsbResponse,
} from '../osb-client';
import { CfError } from '../http/cf-errors';
import type { InstanceTarget, OperationOutcome, PollOutcome, Provisioner } from './provisioner';

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

type Info = (method: string, res: OsbResponse) => BrokerResponseInfo;

const QUOTE_PREFIX = 'Service broker error: ';

/** The broker's own words out of a RequestRejected description (`Service broker error: <description>`). */
function brokerOwnText(message: string): string {
  return message.startsWith(QUOTE_PREFIX) ? message.slice(QUOTE_PREFIX.length) : '';
}

/** 422 bodies name the error (OSB §3): AsyncRequired, ConcurrencyError, MaintenanceInfoConflict… */
function unprocessable(info: Info, method: string, res: OsbResponse): BrokerError {
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

function asyncOutcome(res: OsbResponse, acceptsIncomplete: boolean): OperationOutcome {
  if (!acceptsIncomplete) throw new CfError('ServiceBrokerRespondedAsyncWhenNotAllowed');
  const operation = text(res.body, 'operation');
  const dashboardUrl = text(res.body, 'dashboard_url');
  return {
    kind: 'in progress',
    ...(operation !== undefined ? { operation } : {}),
    ...(dashboardUrl !== undefined ? { dashboardUrl } : {}),
  };
}

/** The Provisioner port over an external OSB broker (cf-v2-api.md §4.4). */
export class BrokerProvisioner implements Provisioner {
  constructor(
    private readonly client: OsbClient,
    private readonly conn: BrokerConnection,
  ) {}

  /** What the broker answered, for an error; descriptions never carry the broker's password. */
  private readonly info: Info = (method, res) => ({
    method,
    status: res.status,
    reason: reasonPhrase(res.status, ''),
    body: bodyText(res.body),
    secrets: secretFormsOf(this.conn.username, this.conn.password),
  });

  private ctx(target: InstanceTarget): OsbCallContext {
    return { vcapRequestId: target.requestId, userGuid: target.userGuid };
  }

  private context(target: InstanceTarget): Record<string, unknown> {
    return {
      platform: 'cloudfoundry',
      organization_guid: target.organizationGuid,
      space_guid: target.spaceGuid,
      organization_name: target.organizationName,
      space_name: target.spaceName,
      instance_name: target.instanceName,
    };
  }

  async provision(
    target: InstanceTarget,
    parameters: Record<string, unknown> | undefined,
    acceptsIncomplete: boolean,
  ): Promise<OperationOutcome> {
    const res = await this.client.provision(
      this.conn,
      {
        instanceId: target.instanceGuid,
        acceptsIncomplete,
        body: {
          service_id: target.serviceUniqueId,
          plan_id: target.planUniqueId,
          organization_guid: target.organizationGuid,
          space_guid: target.spaceGuid,
          context: this.context(target),
          ...(parameters !== undefined ? { parameters } : {}),
        },
      },
      this.ctx(target),
    );
    if (res.status === 200 || res.status === 201)
      return { kind: 'done', dashboardUrl: text(res.body, 'dashboard_url') ?? null };
    if (res.status === 202) return asyncOutcome(res, acceptsIncomplete);
    if (res.status === 409) throw BrokerError.conflict(this.info('PUT', res));
    if (res.status === 422) throw unprocessable(this.info, 'PUT', res);
    throw BrokerError.badResponse(this.info('PUT', res));
  }

  async update(
    target: InstanceTarget,
    change: {
      newPlanGuid?: string;
      newPlanUniqueId?: string;
      parameters?: Record<string, unknown>;
      maintenanceInfo?: { version: string; description?: string };
    },
    acceptsIncomplete: boolean,
  ): Promise<OperationOutcome> {
    const res = await this.client.update(
      this.conn,
      {
        instanceId: target.instanceGuid,
        acceptsIncomplete,
        body: {
          service_id: target.serviceUniqueId,
          ...(change.newPlanUniqueId !== undefined ? { plan_id: change.newPlanUniqueId } : {}),
          ...(change.parameters !== undefined ? { parameters: change.parameters } : {}),
          ...(change.maintenanceInfo !== undefined
            ? { maintenance_info: change.maintenanceInfo }
            : {}),
          context: this.context(target),
          previous_values: {
            plan_id: target.planUniqueId,
            service_id: target.serviceUniqueId,
            organization_id: target.organizationGuid,
            space_id: target.spaceGuid,
          },
        },
      },
      this.ctx(target),
    );
    if (res.status === 200)
      return { kind: 'done', dashboardUrl: text(res.body, 'dashboard_url') ?? null };
    if (res.status === 202) return asyncOutcome(res, acceptsIncomplete);
    if (res.status === 422) {
      // An update knows AsyncRequired and MaintenanceInfoConflict; any other 422 is a rejection (cf-v2-api.md §4.4).
      const error = text(res.body, 'error');
      if (error === 'AsyncRequired' || error === 'MaintenanceInfoConflict')
        throw unprocessable(this.info, 'PATCH', res);
      throw BrokerError.requestRejected(this.info('PATCH', res));
    }
    throw BrokerError.badResponse(this.info('PATCH', res));
  }

  async deprovision(target: InstanceTarget, acceptsIncomplete: boolean): Promise<OperationOutcome> {
    const res = await this.client.deprovision(
      this.conn,
      {
        instanceId: target.instanceGuid,
        serviceId: target.serviceUniqueId,
        planId: target.planUniqueId,
        acceptsIncomplete,
      },
      this.ctx(target),
    );
    if (res.status === 200 || res.status === 410) return { kind: 'done' };
    if (res.status === 202) return asyncOutcome(res, acceptsIncomplete);
    if (res.status === 422) {
      // CC reports a broker busy with another operation as its own 60016 (cf-v2-api.md §4.4).
      if (text(res.body, 'error') === 'ConcurrencyError')
        throw new CfError('AsyncServiceInstanceOperationInProgress', target.instanceName);
      throw unprocessable(this.info, 'DELETE', res);
    }
    throw BrokerError.badResponse(this.info('DELETE', res));
  }

  /** `GET /v2/service_instances/:id`: the broker's `parameters`, `{}` when it names none. */
  async fetchParameters(target: InstanceTarget): Promise<Record<string, unknown>> {
    const res = await this.client.fetchInstance(
      this.conn,
      {
        instanceId: target.instanceGuid,
        serviceId: target.serviceUniqueId,
        planId: target.planUniqueId,
      },
      this.ctx(target),
    );
    if (res.status !== 200) throw BrokerError.badResponse(this.info('GET', res));
    const parameters = field(res.body, 'parameters') ?? {};
    if (typeof parameters !== 'object' || parameters === null || Array.isArray(parameters)) {
      throw BrokerError.responseMalformed(
        this.info('GET', res),
        'expected parameters to be a JSON object',
      );
    }
    return Object.fromEntries(Object.entries(parameters));
  }

  async lastOperation(
    target: InstanceTarget,
    operation: string | undefined,
    type: 'create' | 'update' | 'delete',
  ): Promise<PollOutcome> {
    let res: OsbResponse;
    try {
      res = await this.client.lastOperation(
        this.conn,
        {
          instanceId: target.instanceGuid,
          serviceId: target.serviceUniqueId,
          planId: target.planUniqueId,
          ...(operation !== undefined ? { operation } : {}),
        },
        this.ctx(target),
      );
    } catch (err) {
      // CC reads a 400 to a poll as the operation failed, with the broker's description (cf-v2-api.md §4.3).
      if (err instanceof BrokerError && 'status' in err.http && err.http.status === 400)
        return { state: 'failed', description: brokerOwnText(err.message) };
      throw err;
    }
    const description = text(res.body, 'description') ?? '';
    if (res.status === 410) {
      // 410 ends a delete; during create/update it is invalid and polling goes on (OSB §6.1).
      return type === 'delete'
        ? { state: 'gone', description }
        : { state: 'in progress', description };
    }
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
          ...(Number.isFinite(retryAfter) && retryAfter > 0
            ? { retryAfterSeconds: retryAfter }
            : {}),
        };
      case undefined:
      default:
        throw BrokerError.responseMalformed(
          this.info('GET', res),
          `expected state to be one of in progress, succeeded, failed`,
        );
    }
  }

  async bind(
    target: InstanceTarget,
    bindingGuid: string,
    parameters: Record<string, unknown> | undefined,
  ): Promise<Record<string, unknown>> {
    const res = await this.client.bind(
      this.conn,
      {
        instanceId: target.instanceGuid,
        bindingId: bindingGuid,
        body: {
          service_id: target.serviceUniqueId,
          plan_id: target.planUniqueId,
          bind_resource: {},
          context: this.context(target),
          ...(parameters !== undefined ? { parameters } : {}),
        },
      },
      this.ctx(target),
    );
    if (res.status === 200 || res.status === 201) {
      const credentials = field(res.body, 'credentials') ?? {};
      if (typeof credentials !== 'object' || credentials === null || Array.isArray(credentials)) {
        throw BrokerError.responseMalformed(
          this.info('PUT', res),
          'expected credentials to be a JSON object',
        );
      }
      return Object.fromEntries(Object.entries(credentials));
    }
    // Service keys are never created asynchronously (cf-v2-api.md §4.4).
    if (res.status === 202) throw new CfError('ServiceBrokerRespondedAsyncWhenNotAllowed');
    if (res.status === 409) throw BrokerError.conflict(this.info('PUT', res));
    if (res.status === 422) throw unprocessable(this.info, 'PUT', res);
    throw BrokerError.badResponse(this.info('PUT', res));
  }

  async unbind(target: InstanceTarget, bindingGuid: string): Promise<void> {
    const res = await this.client.unbind(
      this.conn,
      {
        instanceId: target.instanceGuid,
        bindingId: bindingGuid,
        serviceId: target.serviceUniqueId,
        planId: target.planUniqueId,
      },
      this.ctx(target),
    );
    if (res.status === 200 || res.status === 410) return;
    if (res.status === 422) throw unprocessable(this.info, 'DELETE', res);
    throw BrokerError.badResponse(this.info('DELETE', res));
  }
}
