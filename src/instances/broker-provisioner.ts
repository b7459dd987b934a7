import { CfError } from '../http/cf-errors';
import type {
  BrokerConnection,
  DeprovisionResult,
  OsbCallContext,
  OsbClient,
  ProvisionResult,
} from '../osb-client';
import type { InstanceTarget, OperationOutcome, PollOutcome, Provisioner } from './provisioner';

/** The client's typed answer in the Provisioner port's words. */
function toOutcome(
  result: ProvisionResult | Exclude<DeprovisionResult, { kind: 'busy' }>,
): OperationOutcome {
  switch (result.kind) {
    case 'done':
      return 'dashboardUrl' in result
        ? { kind: 'done', dashboardUrl: result.dashboardUrl }
        : { kind: 'done' };
    case 'gone':
      return { kind: 'done' };
    case 'accepted':
      return {
        kind: 'in progress',
        ...(result.operation !== undefined ? { operation: result.operation } : {}),
        ...('dashboardUrl' in result && result.dashboardUrl !== undefined
          ? { dashboardUrl: result.dashboardUrl }
          : {}),
      };
  }
}

/** The Provisioner port over an external OSB broker (cf-v2-api.md §4.4). */
export class BrokerProvisioner implements Provisioner {
  constructor(
    private readonly client: OsbClient,
    private readonly conn: BrokerConnection,
  ) {}

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
    const result = await this.client.provision(
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
    return toOutcome(result);
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
    const result = await this.client.update(
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
    return toOutcome(result);
  }

  async deprovision(target: InstanceTarget, acceptsIncomplete: boolean): Promise<OperationOutcome> {
    const result = await this.client.deprovision(
      this.conn,
      {
        instanceId: target.instanceGuid,
        serviceId: target.serviceUniqueId,
        planId: target.planUniqueId,
        acceptsIncomplete,
      },
      this.ctx(target),
    );
    // CC reports a broker busy with another operation as its own 60016 (cf-v2-api.md §4.4).
    if (result.kind === 'busy')
      throw new CfError('AsyncServiceInstanceOperationInProgress', target.instanceName);
    return toOutcome(result);
  }

  /** `GET /v2/service_instances/:id`: the broker's `parameters`, `{}` when it names none. */
  async fetchParameters(target: InstanceTarget): Promise<Record<string, unknown>> {
    const result = await this.client.fetchInstance(
      this.conn,
      {
        instanceId: target.instanceGuid,
        serviceId: target.serviceUniqueId,
        planId: target.planUniqueId,
      },
      this.ctx(target),
    );
    return result.parameters;
  }

  async lastOperation(
    target: InstanceTarget,
    operation: string | undefined,
    type: 'create' | 'update' | 'delete',
  ): Promise<PollOutcome> {
    const result = await this.client.lastOperation(
      this.conn,
      {
        instanceId: target.instanceGuid,
        serviceId: target.serviceUniqueId,
        planId: target.planUniqueId,
        ...(operation !== undefined ? { operation } : {}),
      },
      this.ctx(target),
    );
    // 410 ends a delete; during create/update it is invalid and polling goes on (OSB §6.1).
    if (result.state === 'gone' && type !== 'delete')
      return { state: 'in progress', description: result.description };
    return result;
  }

  async bind(
    target: InstanceTarget,
    bindingGuid: string,
    parameters: Record<string, unknown> | undefined,
  ): Promise<Record<string, unknown>> {
    const result = await this.client.bind(
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
    return result.credentials;
  }

  async unbind(target: InstanceTarget, bindingGuid: string): Promise<void> {
    await this.client.unbind(
      this.conn,
      {
        instanceId: target.instanceGuid,
        bindingId: bindingGuid,
        serviceId: target.serviceUniqueId,
        planId: target.planUniqueId,
      },
      this.ctx(target),
    );
  }
}
