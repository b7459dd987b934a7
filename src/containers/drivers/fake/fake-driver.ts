import { randomBytes } from 'node:crypto';
import { systemClock } from '../../../clock';
import type { DeploymentPlan } from '../../deployment-plan';
import { LABELS } from '../../labels';
import type { ReplicaState } from '../../types';
import type { ContainerOps } from '../docker/container-ops';
import { convergeService } from '../docker/converge';
import type {
  ApplyProgress,
  ContainerDriver,
  DriverEvent,
  EngineCapacity,
  LbFile,
  ObservedContainer,
  ObservedLb,
  ObservedService,
} from '../driver';
import { DriverError, emptyObservedService } from '../driver';
import { FakeHealthProbe } from './fake-health';

type Method =
  'ensureImage' | 'ensureNetwork' | 'createReplica' | 'createLb' | 'removeContainer' | 'listOwned';

/**
 * In-memory engine for unit specs: runs Docker's per-container strategy on in-memory containers,
 * records the calls, and lets a spec break things on purpose.
 */
export class FakeDriver implements ContainerDriver, ContainerOps {
  readonly health: FakeHealthProbe = new FakeHealthProbe(this);
  /** Replica addresses the fake HAProxy reports DOWN (shared by every FakeHealthProbe of it). */
  readonly down = new Set<string>();
  /** What the fake checks say about a replica reported DOWN (undefined: nothing known). */
  checkProblem: string | undefined = undefined;
  /** Images whose replicas exit at once, with this exit code. */
  readonly crashingImages = new Map<string, number>();
  /** Images whose replicas run but never pass a check (reported DOWN with `checkProblem`). */
  readonly unhealthyImages = new Set<string>();
  /** Addresses drained through a probe's retire, in order. */
  readonly retired: string[] = [];
  readonly calls: Array<{ method: Method; arg: string }> = [];
  readonly lbFiles = new Map<string, readonly LbFile[]>();
  private readonly networks = new Map<string, string>();
  private readonly containers = new Map<string, ObservedLb | ObservedContainer>();
  private readonly failures = new Map<Method, DriverError>();
  private readonly listeners = new Set<(e: DriverEvent) => void>();
  private nextId = 1;
  cpus = 2;
  /** Fake replicas are created at second 1, 2…: any clock of this century finds them old. */
  now: () => Date = () => systemClock.now();
  missingImages = new Set<string>();

  /** The next call of `method` throws `error` (once). */
  failNext(method: Method, error: DriverError): void {
    this.failures.set(method, error);
  }

  /** Simulates a replica dying (with its exit code) or a hand `docker rm`. */
  setState(id: string, state: ReplicaState | 'removed', exitCode?: number): void {
    const c = this.containers.get(id);
    if (c === undefined) return;
    if (state === 'removed') this.containers.delete(id);
    else this.containers.set(id, { ...c, state, ...(exitCode === undefined ? {} : { exitCode }) });
    for (const l of this.listeners)
      l({ serviceId: c.serviceId, action: state === 'removed' ? 'destroy' : 'die' });
  }

  all(): Array<ObservedLb | ObservedContainer> {
    return [...this.containers.values()];
  }

  ping(): Promise<void> {
    return this.maybeFail('listOwned', '');
  }

  capacity(): Promise<EngineCapacity> {
    return Promise.resolve({ cpus: this.cpus });
  }

  apply(plan: DeploymentPlan, observed: ObservedService | undefined): Promise<ApplyProgress> {
    return convergeService(plan, observed, {
      ops: this,
      health: this.health,
      newSuffix: () => randomBytes(4).toString('hex'),
      now: this.now,
    });
  }

  async listOwned(): Promise<ObservedService[]> {
    await this.maybeFail('listOwned', '');
    const byId = new Map<string, ObservedService>();
    const get = (id: string): ObservedService => {
      const s = byId.get(id) ?? emptyObservedService(id);
      byId.set(id, s);
      return s;
    };
    for (const [name, serviceId] of this.networks) get(serviceId).networkIds.push(name);
    for (const c of this.containers.values()) {
      const s = get(c.serviceId);
      if (c.role === 'replica') s.replicas.push(c);
      else if ('lbHash' in c) s.lb = c;
    }
    return [...byId.values()];
  }

  /** Images the engine holds already (the registry allowlist does not apply to them). */
  presentImages = new Set<string>();

  hasImage(image: string): Promise<boolean> {
    return Promise.resolve(this.presentImages.has(image));
  }

  async ensureImage(image: string): Promise<void> {
    await this.maybeFail('ensureImage', image);
    if (this.missingImages.has(image)) {
      throw new DriverError(
        'image',
        `Image ${image} is missing and could not be pulled: not found`,
      );
    }
  }

  async ensureNetwork(plan: DeploymentPlan): Promise<void> {
    await this.maybeFail('ensureNetwork', plan.network.name);
    this.networks.set(plan.network.name, plan.serviceId);
  }

  async createReplica(plan: DeploymentPlan, name: string): Promise<string> {
    await this.maybeFail('createReplica', name);
    const id = this.newId();
    const ip = `10.0.0.${this.nextId}`;
    const base = {
      id,
      name,
      role: 'replica' as const,
      serviceId: plan.serviceId,
      image: plan.replica.image,
    };
    const exitCode = this.crashingImages.get(plan.replica.image);
    this.containers.set(
      id,
      exitCode === undefined
        ? { ...base, state: 'running', ip, created: this.nextId }
        : { ...base, state: 'exited', ip: undefined, created: this.nextId, exitCode },
    );
    return id;
  }

  async createLb(plan: DeploymentPlan, files: readonly LbFile[]): Promise<string> {
    await this.maybeFail('createLb', plan.lb.name);
    const id = this.newId();
    this.lbFiles.set(id, files);
    this.containers.set(id, {
      id,
      name: plan.lb.name,
      role: 'lb',
      serviceId: plan.serviceId,
      image: plan.lb.image,
      state: 'running',
      ip: '10.0.0.254',
      created: this.nextId,
      lbHash: plan.lb.labels[LABELS.lbHash] ?? '',
      endpoint: { host: '127.0.0.1', port: 40000 + this.nextId },
    });
    return id;
  }

  async removeContainer(id: string): Promise<void> {
    await this.maybeFail('removeContainer', id);
    this.containers.delete(id);
  }

  remove(serviceId: string, options: { keepReplicas: boolean }): Promise<void> {
    for (const [id, c] of this.containers) {
      if (c.serviceId === serviceId && (c.role === 'lb' || !options.keepReplicas))
        this.containers.delete(id);
    }
    if (!options.keepReplicas) {
      for (const [name, sid] of this.networks) if (sid === serviceId) this.networks.delete(name);
    }
    return Promise.resolve();
  }

  watch(listener: (event: DriverEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private newId(): string {
    this.nextId += 1;
    return this.nextId.toString(16).padStart(64, '0');
  }

  private maybeFail(method: Method, arg: string): Promise<void> {
    this.calls.push({ method, arg });
    const failure = this.failures.get(method);
    if (failure === undefined) return Promise.resolve();
    this.failures.delete(method);
    return Promise.reject(failure);
  }
}
