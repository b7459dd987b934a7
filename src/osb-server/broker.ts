import crypto from 'node:crypto';
import type { PlansService, ServicesService } from '../catalog';
import type { Knex } from '../db/knex';
import type { SecretBox } from '../secrets';
import { bindInstance, fetchBinding, unbindInstance } from './bindings';
import type { BrokerContext, BrokerSettings, Clock } from './broker-context';
import type { ServiceOffering } from './catalog';
import { toOfferings } from './catalog';
import { ContainerCatalog } from './catalog-source';
import { deprovisionInstance } from './deprovision';
import type { ContainerEngine } from './engine';
import type { Result } from './failures';
import { concurrencyError, fail, notFound, ok } from './failures';
import { currentInstance } from './instance-progress';
import { provisionInstance } from './provision';
import type { ServiceBroker } from './service-broker';
import { OsbStore } from './store';
import type {
  BindDetails,
  BindingView,
  BindResult,
  DeprovisionDetails,
  DeprovisionResult,
  InstanceView,
  LastOperation,
  LastOperationDetails,
  ProvisionDetails,
  ProvisionResult,
  UnbindDetails,
  UpdateDetails,
  UpdateResult,
} from './types';
import { updateInstance } from './update-instance';

/** Wharf's container-backed catalog as an Open Service Broker (DESIGN.md "The bridge"). */
export class WharfServiceBroker implements ServiceBroker {
  constructor(private readonly ctx: BrokerContext) {}

  async catalog(): Promise<ServiceOffering[]> {
    return toOfferings(await this.ctx.catalog.entries());
  }

  provision(details: ProvisionDetails): Promise<Result<ProvisionResult>> {
    return provisionInstance(this.ctx, details);
  }

  /** 404 until provisioning has succeeded, 422 ConcurrencyError during an update (§7.2). */
  async fetchInstance(instanceId: string): Promise<Result<InstanceView>> {
    const instance = await currentInstance(this.ctx, instanceId);
    if (instance === undefined)
      return fail(notFound(`Service instance ${instanceId} does not exist.`));
    switch (instance.state) {
      case 'ready':
        return ok({
          serviceId: instance.serviceId,
          planId: instance.planId,
          parameters: instance.parameters,
          maintenanceInfoVersion: instance.maintenanceInfoVersion,
        });
      case 'updating':
        return fail(concurrencyError(`Service instance ${instanceId} is being updated.`));
      case 'provisioning':
      case 'deprovisioning':
      case 'failed':
        return fail(
          notFound(`Service instance ${instanceId} is not provisioned (${instance.state}).`),
        );
    }
  }

  update(details: UpdateDetails): Promise<Result<UpdateResult>> {
    return updateInstance(this.ctx, details);
  }

  deprovision(details: DeprovisionDetails): Promise<Result<DeprovisionResult>> {
    return deprovisionInstance(this.ctx, details);
  }

  /**
   * Answers from the operation records, which outlive a deleted instance: polling after an async
   * deprovision gets 200 `succeeded` (osb-api.md §6.1 Wharf note); an unknown token falls back to
   * the latest operation.
   */
  async lastOperation(details: LastOperationDetails): Promise<Result<LastOperation>> {
    await currentInstance(this.ctx, details.instanceId);
    const operation = await this.ctx.store.findOperation(
      details.instanceId,
      null,
      details.operation,
    );
    if (operation === undefined)
      return fail(notFound(`Service instance ${details.instanceId} does not exist.`));
    return ok({ state: operation.state, description: operation.description });
  }

  bind(details: BindDetails): Promise<Result<BindResult>> {
    return bindInstance(this.ctx, details);
  }

  fetchBinding(instanceId: string, bindingId: string): Promise<Result<BindingView>> {
    return fetchBinding(this.ctx, instanceId, bindingId);
  }

  unbind(details: UnbindDetails): Promise<Result<void>> {
    return unbindInstance(this.ctx, details);
  }

  async lastBindingOperation(details: LastOperationDetails): Promise<Result<LastOperation>> {
    const operation = await this.ctx.store.findOperation(
      details.instanceId,
      details.bindingId ?? null,
      details.operation,
    );
    if (operation === undefined)
      return fail(notFound(`Service binding ${details.bindingId ?? ''} does not exist.`));
    return ok({ state: operation.state, description: operation.description });
  }
}

export interface OsbBrokerServiceDeps {
  knex: Knex;
  services: ServicesService;
  plans: PlansService;
  /** Production: `new ContainerServiceEngine(containers.service)`. */
  engine: ContainerEngine;
  secrets: SecretBox;
  syncTimeoutMs: number;
  pollMs?: number;
  operationRetentionMs?: number;
  clock?: Clock;
}

const SEVEN_DAYS_MS = 7 * 24 * 3600 * 1000;

const realClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

export function createOsbBroker(deps: OsbBrokerServiceDeps): WharfServiceBroker {
  const settings: BrokerSettings = {
    syncTimeoutMs: deps.syncTimeoutMs,
    pollMs: deps.pollMs ?? 200,
    // Cloud Controller polls for at most 7 days (osb-api.md §6.3): records live as long.
    operationRetentionMs: deps.operationRetentionMs ?? SEVEN_DAYS_MS,
  };
  return new WharfServiceBroker({
    knex: deps.knex,
    box: deps.secrets,
    store: new OsbStore(deps.knex, deps.secrets),
    catalog: new ContainerCatalog(deps.services, deps.plans),
    engine: deps.engine,
    settings,
    clock: deps.clock ?? realClock,
    newSecret: () => crypto.randomBytes(18).toString('base64url'),
  });
}
