import { randomUUID } from 'node:crypto';
import type { DeletesInFlight } from './deletes-in-flight';
import type { ContainerDriver, ObservedService } from './drivers/driver';
import { ContainerServiceError, fipTaken, nameTaken, notFound } from './errors';
import { planFipChange } from './fip';
import type { HealthProbe } from './health';
import { observeService } from './observation';
import { QuotaExceeded, tenantQuotaGuard } from './quota-store';
import type { TenantGrowth, TenantQuota, WriteGuard } from './quota-store';
import { imageProblem } from './spec/image-policy';
import { updateServiceBodySchema, describeIssues } from './spec/service-schema';
import { toServiceSpec } from './spec/to-service-spec';
import { DuplicateError } from './store';
import type { ContainerServiceStore, ServiceFilter, StoredService } from './store';
import type { ServiceObservation, ServiceRecord } from './types';

/** Who acts: a tenant, and whether admin (sees and changes every tenant's services). */
export interface Scope {
  tenant: string;
  admin: boolean;
}

export interface ServiceView {
  record: ServiceRecord;
  observation: ServiceObservation;
}

export interface ContainerServiceDeps {
  store: ContainerServiceStore;
  driver: ContainerDriver;
  health: HealthProbe;
  maxReplicas: number;
  fipPool: readonly string[];
  allowedRegistries: readonly string[];
  /** Per-tenant limits; admins are exempt. */
  quota: TenantQuota;
  now: () => Date;
  /** Called after every accepted change, so the reconciler converges at once. */
  changed: (serviceId: string) => void;
  /** Shared with the reconciler, whose orphan sweep leaves a running delete alone. */
  deletes: DeletesInFlight;
}

/** The programmatic API of the provisioner: the HTTP routes and the instance bridge both use it. */
export class ContainerService {
  constructor(private readonly d: ContainerServiceDeps) {}

  /** `POST /services/create`: validates, stores the desired state, lets the reconciler build it. */
  async create(scope: Scope, body: unknown): Promise<ServiceView> {
    const parsed = toServiceSpec(body, { maxReplicas: this.d.maxReplicas });
    if (!parsed.ok) throw new ContainerServiceError(400, parsed.message);
    await this.checkImage(parsed.spec.image);
    const now = this.d.now().toISOString();
    const record: ServiceRecord = {
      id: randomUUID(),
      tenant: scope.tenant,
      spec: parsed.spec,
      fip: '',
      status: 'created',
      message: 'Service is created',
      created: now,
      updated: now,
    };
    const quota = this.quotaGuard(scope, {
      tenant: scope.tenant,
      newServices: 1,
      replicas: record.spec.replicas,
    });
    try {
      await this.d.store.insert(record, quota);
    } catch (err) {
      // The unique (tenant, name) index is the race-proof guard; no pre-check needed.
      if (err instanceof DuplicateError) throw nameTaken(parsed.spec.name);
      if (err instanceof QuotaExceeded) throw new ContainerServiceError(403, err.message);
      throw err;
    }
    this.d.changed(record.id);
    return { record, observation: { ip: '', endpoint: '', containers: [], backends: [] } };
  }

  async list(scope: Scope, filter: Omit<ServiceFilter, 'tenant'>): Promise<ServiceView[]> {
    const records = await this.d.store.list({
      ...filter,
      tenant: scope.admin ? undefined : scope.tenant,
    });
    const observed = await this.observedAll();
    return Promise.all(records.map((r) => this.view(r, observed)));
  }

  async get(scope: Scope, name: string): Promise<ServiceView> {
    return this.view(await this.find(scope, name), await this.observedAll());
  }

  /** `POST /services/:name/update`: Replicas, Image and FIP; absent keys are left as they are. */
  async update(scope: Scope, name: string, body: unknown): Promise<ServiceView> {
    const parsed = updateServiceBodySchema.safeParse(body);
    if (!parsed.success) throw new ContainerServiceError(400, describeIssues(parsed.error));
    const change = parsed.data;
    const record = await this.find(scope, name);
    if (change.Replicas !== undefined && change.Replicas > this.d.maxReplicas) {
      throw new ContainerServiceError(400, `Replicas must be between 1 and ${this.d.maxReplicas}`);
    }
    if (change.Image !== undefined && change.Image !== record.spec.image) {
      await this.checkImage(change.Image);
    }
    const fip = await planFipChange(record, change.FIP, this.d.fipPool, this.d.store);
    if (fip !== '' && fip !== record.fip) await this.checkFipHeld(fip);
    const spec = {
      ...record.spec,
      replicas: change.Replicas ?? record.spec.replicas,
      image: change.Image ?? record.spec.image,
    };
    const rolling = spec.image !== record.spec.image;
    if (!rolling && spec.replicas === record.spec.replicas && fip === record.fip) {
      return this.view(record, await this.observedAll());
    }
    const message = rolling ? `Rolling update 0/${spec.replicas}` : `Scaling 0/${spec.replicas}`;
    const now = this.d.now().toISOString();
    // Scaling down is always allowed, even above a quota lowered since.
    const quota =
      spec.replicas > record.spec.replicas
        ? this.quotaGuard(scope, {
            tenant: record.tenant,
            newServices: 0,
            replicas: spec.replicas,
            serviceId: record.id,
          })
        : undefined;
    try {
      await this.d.store.saveDesired(record.id, spec, fip, 'updating', message, now, quota);
    } catch (err) {
      if (err instanceof DuplicateError && fip !== '') throw fipTaken(fip);
      if (err instanceof QuotaExceeded) throw new ContainerServiceError(403, err.message);
      throw err;
    }
    this.d.changed(record.id);
    const updated = { ...record, spec, fip, status: 'updating' as const, message, updated: now };
    return this.view(updated, await this.observedAll());
  }

  /** `DELETE /services/:name`; with keep the replicas stay running, unmanaged (reference §3.5). */
  async remove(scope: Scope, name: string, keep: boolean): Promise<void> {
    const record = await this.find(scope, name);
    if (keep) {
      const observed = (await this.d.driver.listOwned()).find((s) => s.serviceId === record.id);
      await this.d.store.release(record.id, observed?.replicas.map((r) => r.id) ?? []);
    }
    await this.d.deletes.run(record.id, async () => {
      await this.d.store.delete(record.id);
      // If the engine fails here, the reconciler's sweep removes the objects of the deleted row later.
      await this.d.driver.remove(record.id, { keepReplicas: keep }).catch(() => undefined);
    });
    this.d.changed(record.id);
  }

  /** Resolves once `accept` holds for the service's view, for callers that must wait (the bridge). */
  async waitFor(
    scope: Scope,
    name: string,
    accept: (v: ServiceView) => boolean,
    timeoutMs: number,
  ): Promise<ServiceView> {
    const deadline = this.d.now().getTime() + timeoutMs;
    for (;;) {
      const view = await this.get(scope, name);
      if (accept(view)) return view;
      if (this.d.now().getTime() >= deadline) {
        throw new Error(
          `service ${name} still ${view.record.status} (${view.record.message}) after ${timeoutMs} ms`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** 400 naming Image unless the reference is valid and its registry allowed (or image present). */
  private async checkImage(image: string): Promise<void> {
    const problem = await imageProblem(image, {
      allowedRegistries: this.d.allowedRegistries,
      isPresent: (ref) => this.d.driver.hasImage(ref).catch(() => false),
    });
    if (problem !== undefined) throw new ContainerServiceError(400, problem);
  }

  private quotaGuard(scope: Scope, growth: TenantGrowth): WriteGuard | undefined {
    return scope.admin ? undefined : tenantQuotaGuard(this.d.quota, growth);
  }

  private async find(scope: Scope, name: string): Promise<StoredService> {
    const own = await this.d.store.findByName(scope.tenant, name);
    if (own !== undefined) return own;
    // Admin may address another tenant's service by name; its own tenant wins a tie.
    const any = scope.admin ? await this.d.store.findByName(undefined, name) : undefined;
    if (any === undefined) throw notFound(name);
    return any;
  }

  /** On a multi-host engine a FIP works only where a node holds it (Swarm: a node label). */
  private async checkFipHeld(fip: string): Promise<void> {
    const holdsFip = this.d.driver.holdsFip?.bind(this.d.driver);
    if (holdsFip === undefined) return;
    const held = await holdsFip(fip).catch(() => false);
    if (!held) {
      throw new ContainerServiceError(
        400,
        `FIP ${fip} is not held by any Swarm node (label the node that has it wharf.fip=${fip})`,
      );
    }
  }

  private async observedAll(): Promise<ObservedService[]> {
    // A read must not fail because the engine is down; Status already says what is wrong.
    return this.d.driver.listOwned().catch(() => []);
  }

  private async view(record: ServiceRecord, observed: ObservedService[]): Promise<ServiceView> {
    const mine = observed.find((s) => s.serviceId === record.id);
    return {
      record,
      observation: await observeService(mine, this.d.health, record.spec, this.d.now()),
    };
  }
}
