import type { PlansService, Service } from '../catalog';
import type { ContainerService, ServiceView } from '../containers';
import { ContainerServiceError, toTenant } from '../containers';
import { CfError } from '../http/cf-errors';
import {
  applyParameters,
  mergeTemplates,
  readContainerTemplate,
  renderEnv,
  renderPlaceholders,
  secretNames,
} from './container-template';
import type { ContainerTemplate } from './container-template';
import type { InstanceSecrets } from './instance-secrets';
import type { InstanceTarget, OperationOutcome, PollOutcome, Provisioner } from './provisioner';

export interface ContainerBridgeSettings {
  /** How long a synchronous operation waits for the container service to become active. */
  syncTimeoutMs: number;
}

/** The container service behind an instance: tenant = its space, name derived from its guid. */
export function containerNameOf(instanceGuid: string): string {
  return `si-${instanceGuid.toLowerCase()}`;
}

function scopeOf(target: InstanceTarget): { tenant: string; admin: boolean } {
  return { tenant: toTenant(target.spaceGuid), admin: false };
}

function isNotFound(err: unknown): boolean {
  return err instanceof ContainerServiceError && err.status === 404;
}

/** Operation token of an async update that changes the image: `image:<reference>`. */
const IMAGE_OPERATION = 'image:';

/**
 * The container service settled on another image than the one asked for: its replicas never
 * became healthy and the update was rolled back (issue 9), so the operation failed.
 */
function rolledBack(view: ServiceView, image: string | undefined): boolean {
  return image !== undefined && view.record.spec.image !== image;
}

function progress(view: ServiceView): string {
  return view.record.message;
}

/** The Provisioner port over Wharf's own container engine (DESIGN.md "The bridge"). */
export class ContainerProvisioner implements Provisioner {
  constructor(
    private readonly service: Service,
    private readonly containers: ContainerService,
    private readonly plans: PlansService,
    private readonly secrets: InstanceSecrets,
    private readonly settings: ContainerBridgeSettings,
  ) {}

  private async templateFor(planGuid: string): Promise<ContainerTemplate> {
    const plan = await this.plans.require(planGuid);
    const own = readContainerTemplate(this.service.extra);
    const planned = readContainerTemplate(plan.extra);
    if (!own.ok) throw new CfError('ServiceInstanceInvalid', own.message);
    if (!planned.ok) throw new CfError('ServiceInstanceInvalid', planned.message);
    const template = mergeTemplates(own.template, planned.template);
    if (!template)
      throw new CfError(
        'ServiceInstanceInvalid',
        `service ${this.service.label} has no container template`,
      );
    return template;
  }

  private async bodyFor(
    target: InstanceTarget,
    planGuid: string,
    parameters: Record<string, unknown> | undefined,
  ): Promise<Record<string, unknown>> {
    const template = await this.templateFor(planGuid);
    const applied = applyParameters(template, parameters);
    if (!applied.ok) throw new CfError('ServiceInstanceInvalid', applied.message);
    const secrets = await this.secrets.ensure(target.instanceGuid, secretNames(template));
    const name = containerNameOf(target.instanceGuid);
    return {
      ...renderEnv(applied.body, secrets, name),
      Name: name,
      Labels: { 'cf.service-instance': target.instanceGuid },
    };
  }

  /** Waits for the container service to settle; `image`, when given, is the one it must run. */
  private async waitActive(target: InstanceTarget, image?: string): Promise<void> {
    const name = containerNameOf(target.instanceGuid);
    const view = await this.containers.waitFor(
      scopeOf(target),
      name,
      (v) => v.record.status === 'active' || v.record.status === 'failed',
      this.settings.syncTimeoutMs,
    );
    if (view.record.status === 'failed' || rolledBack(view, image))
      throw new CfError(
        'ServiceInstanceInvalid',
        `container service failed: ${view.record.message}`,
      );
  }

  async provision(
    target: InstanceTarget,
    parameters: Record<string, unknown> | undefined,
    acceptsIncomplete: boolean,
  ): Promise<OperationOutcome> {
    const body = await this.bodyFor(target, target.planGuid, parameters);
    let view: ServiceView;
    try {
      view = await this.containers.create(scopeOf(target), body);
    } catch (err) {
      // A resumed provision finds the service it created before Wharf died: follow it, do not fail.
      if (acceptsIncomplete && err instanceof ContainerServiceError && err.status === 409)
        return { kind: 'in progress', description: 'resuming after a restart' };
      if (err instanceof ContainerServiceError)
        throw new CfError('ServiceInstanceInvalid', err.message);
      throw err;
    }
    if (acceptsIncomplete) return { kind: 'in progress', description: progress(view) };
    try {
      await this.waitActive(target);
    } catch (err) {
      // A failed container service fails the operation and leaves nothing behind.
      await this.containers
        .remove(scopeOf(target), containerNameOf(target.instanceGuid), false)
        .catch(() => undefined);
      throw err;
    }
    return { kind: 'done' };
  }

  async update(
    target: InstanceTarget,
    change: { newPlanGuid?: string; parameters?: Record<string, unknown> },
    acceptsIncomplete: boolean,
  ): Promise<OperationOutcome> {
    const wanted = await this.bodyFor(
      target,
      change.newPlanGuid ?? target.planGuid,
      change.parameters,
    );
    const current = await this.containers.get(
      scopeOf(target),
      containerNameOf(target.instanceGuid),
    );
    // The Hyper API updates Replicas and Image in place; those are what a plan change may move.
    const update: Record<string, unknown> = {};
    if (typeof wanted.Replicas === 'number' && wanted.Replicas !== current.record.spec.replicas)
      update.Replicas = wanted.Replicas;
    if (typeof wanted.Image === 'string' && wanted.Image !== current.record.spec.image)
      update.Image = wanted.Image;
    if (Object.keys(update).length === 0) return { kind: 'done' };
    const view = await this.containers.update(
      scopeOf(target),
      containerNameOf(target.instanceGuid),
      update,
    );
    const image = typeof update.Image === 'string' ? update.Image : undefined;
    if (acceptsIncomplete)
      return {
        kind: 'in progress',
        description: progress(view),
        // Remembered with the operation: an update rolled back to the old image has failed.
        ...(image === undefined ? {} : { operation: `${IMAGE_OPERATION}${image}` }),
      };
    await this.waitActive(target, image);
    return { kind: 'done' };
  }

  async deprovision(target: InstanceTarget): Promise<OperationOutcome> {
    try {
      await this.containers.remove(scopeOf(target), containerNameOf(target.instanceGuid), false);
    } catch (err) {
      if (!isNotFound(err)) throw err;
    }
    return { kind: 'done' };
  }

  async lastOperation(
    target: InstanceTarget,
    operation: string | undefined,
    type: 'create' | 'update' | 'delete',
  ): Promise<PollOutcome> {
    let view: ServiceView;
    try {
      view = await this.containers.get(scopeOf(target), containerNameOf(target.instanceGuid));
    } catch (err) {
      if (isNotFound(err))
        return type === 'delete'
          ? { state: 'gone', description: '' }
          : { state: 'failed', description: 'container service is gone' };
      throw err;
    }
    const image = operation?.startsWith(IMAGE_OPERATION)
      ? operation.slice(IMAGE_OPERATION.length)
      : undefined;
    switch (view.record.status) {
      case 'active':
        if (type === 'update' && rolledBack(view, image))
          return { state: 'failed', description: view.record.message };
        return { state: 'succeeded', description: view.record.message };
      case 'failed':
        return { state: 'failed', description: view.record.message };
      case 'created':
      case 'updating':
        return { state: 'in progress', description: view.record.message };
    }
  }

  /** Credentials rendered from the template; the same for every key of the instance. */
  async bind(target: InstanceTarget): Promise<Record<string, unknown>> {
    const template = await this.templateFor(target.planGuid);
    const view = await this.containers.get(scopeOf(target), containerNameOf(target.instanceGuid));
    const [host = '', port = ''] = view.observation.endpoint.split(/:(?=[^:]*$)/);
    const protocol =
      typeof template.Protocol === 'string' && template.Protocol !== 'tcp'
        ? template.Protocol === 'http'
          ? 'http'
          : 'https'
        : 'tcp';
    const values = {
      host,
      port,
      uri: `${protocol}://${view.observation.endpoint}`,
      name: containerNameOf(target.instanceGuid),
      secrets: await this.secrets.ensure(target.instanceGuid, secretNames(template)),
    };
    const credentials = template.credentials ?? { host: '${host}', port: '${port}', uri: '${uri}' };
    return Object.fromEntries(
      Object.entries(credentials).map(([k, v]) => [k, renderPlaceholders(v, values)]),
    );
  }

  unbind(): Promise<void> {
    return Promise.resolve();
  }
}

/** Whether a catalog service is served by the container engine. */
export function isContainerBacked(service: Service): boolean {
  const read = readContainerTemplate(service.extra);
  return read.ok && read.template !== undefined;
}
