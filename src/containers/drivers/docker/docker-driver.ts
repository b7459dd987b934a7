import { randomBytes } from 'node:crypto';
import Docker from 'dockerode';
import { systemClock } from '../../../clock';
import type { DeploymentPlan } from '../../deployment-plan';
import { HaproxyHealthProbe } from '../../health';
import type { HealthProbe, LbRuntime } from '../../health';
import { LABELS, LEGACY_OWNER } from '../../labels';
import type {
  ApplyProgress,
  ContainerDriver,
  DriverEvent,
  EngineCapacity,
  LbFile,
  ObservedLb,
  ObservedService,
} from '../driver';
import { DriverError } from '../driver';
import type { ContainerOps } from './container-ops';
import { convergeService } from './converge';
import { askLoadBalancer, pingEngine } from './lb-runtime';
import {
  toLbCreateOptions,
  toNetworkCreateOptions,
  toReplicaCreateOptions,
} from './create-options';
import { isBeingRemoved, isNotFound, statusOf, toDriverError } from './errors';
import { watchEvents } from './events';
import { ensureImagePresent } from './pull';
import { toObservedServices } from './observe';
import { toTar } from './tar';

export interface DockerDriverOptions {
  /** `DOCKER_HOST`; undefined means the local socket. */
  dockerHost: string | undefined;
  /** Value of the wharf.owner label: this installation touches nothing else. */
  owner: string;
  publishHost: string;
  /** Replaces the HAProxy probe (over this driver's exec); specs only. */
  health?: HealthProbe;
  /** Compared with replicas' creation times (a replica counts healthy only once old enough). */
  now?: () => Date;
}

export function createDockerClient(dockerHost: string | undefined): Docker {
  if (dockerHost === undefined || dockerHost === '') return new Docker();
  const url = new URL(dockerHost);
  if (url.protocol === 'unix:') return new Docker({ socketPath: url.pathname });
  return new Docker({ host: url.hostname, port: Number(url.port || 2375), protocol: 'http' });
}

export class DockerDriver implements ContainerDriver, ContainerOps, LbRuntime {
  readonly health: HealthProbe;
  private readonly docker: Docker;
  private readonly now: () => Date;

  constructor(private readonly options: DockerDriverOptions) {
    this.docker = createDockerClient(options.dockerHost);
    this.health = options.health ?? new HaproxyHealthProbe(this);
    this.now = options.now ?? (() => systemClock.now());
  }

  runtimeCommand(lb: ObservedLb, command: string): Promise<string> {
    return askLoadBalancer(this.docker, lb, command);
  }

  ping(): Promise<void> {
    return pingEngine(this.docker);
  }

  async capacity(): Promise<EngineCapacity> {
    const info: unknown = await this.docker.info().catch((err: unknown) => {
      throw toDriverError(err, 'reading Docker info');
    });
    const ncpu =
      typeof info === 'object' && info !== null && 'NCPU' in info ? Number(info.NCPU) : 1;
    return { cpus: Number.isFinite(ncpu) && ncpu > 0 ? ncpu : 1 };
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
    // Docker ANDs label filters, so "ours or legacy" is one managed listing split in observe.ts.
    const filters = JSON.stringify({ label: [`${LABELS.managed}=true`] });
    try {
      const [containers, networks, volumes] = await Promise.all([
        this.docker.listContainers({ all: true, filters }),
        this.docker.listNetworks({ filters }),
        this.docker.listVolumes({ filters }),
      ]);
      return toObservedServices(
        { containers, networks, volumes: volumes.Volumes ?? [] },
        { owner: this.options.owner, publishHost: this.options.publishHost },
      );
    } catch (err) {
      throw toDriverError(err, 'listing Wharf containers');
    }
  }

  async hasImage(image: string): Promise<boolean> {
    try {
      await this.docker.getImage(image).inspect();
      return true;
    } catch {
      return false;
    }
  }

  ensureImage(image: string): Promise<void> {
    return ensureImagePresent(this.docker, image);
  }

  async ensureNetwork(plan: DeploymentPlan): Promise<void> {
    const existing = await this.docker
      .listNetworks({ filters: JSON.stringify({ name: [plan.network.name] }) })
      .catch((err: unknown) => {
        throw toDriverError(err, 'listing networks');
      });
    // `name` filters by substring; only an exact, owned match counts.
    const match = existing.find((n) => n.Name === plan.network.name);
    if (match !== undefined) {
      if (!this.mayTouch(match.Labels?.[LABELS.owner])) {
        throw new DriverError('conflict', `network ${plan.network.name} exists and is not Wharf's`);
      }
      return;
    }
    await this.docker.createNetwork(toNetworkCreateOptions(plan)).catch((err: unknown) => {
      throw toDriverError(err, `creating network ${plan.network.name}`);
    });
  }

  async createReplica(plan: DeploymentPlan, name: string): Promise<string> {
    return this.createAndStart(toReplicaCreateOptions(plan, name), [], `starting replica ${name}`);
  }

  async createLb(plan: DeploymentPlan, files: readonly LbFile[]): Promise<string> {
    return this.createAndStart(
      toLbCreateOptions(plan),
      files,
      `starting load balancer ${plan.lb.name}`,
    );
  }

  async removeContainer(id: string, graceSeconds: number): Promise<void> {
    const container = this.docker.getContainer(id);
    try {
      const info = await container.inspect();
      if (!this.mayTouch(info.Config.Labels[LABELS.owner])) return;
      if (info.State.Running) await container.stop({ t: graceSeconds }).catch(ignoreStopped);
      await container.remove({ force: true, v: true });
    } catch (err) {
      if (isNotFound(err)) return;
      // Another delete (or the sweep) got there first: done once the engine has finished it.
      if (isBeingRemoved(err) && (await this.gone(container))) return;
      throw toDriverError(err, `removing container ${id.slice(0, 12)}`);
    }
  }

  async remove(serviceId: string, options: { keepReplicas: boolean }): Promise<void> {
    const service = (await this.listOwned()).find((s) => s.serviceId === serviceId);
    if (service === undefined) return;
    const lbs = [...(service.lb ? [service.lb] : []), ...service.strayLbs];
    for (const lb of lbs) await this.removeContainer(lb.id, 1);
    if (options.keepReplicas) return;
    await Promise.all(service.replicas.map((r) => this.removeContainer(r.id, 2)));
    for (const id of service.networkIds) {
      await this.docker.getNetwork(id).remove().catch(ignoreGone);
    }
    for (const name of service.volumeNames) {
      await this.docker.getVolume(name).remove().catch(ignoreGone);
    }
  }

  /** Waits (a bounded while) for a container someone else is removing to be gone. */
  private async gone(container: Docker.Container): Promise<boolean> {
    for (let waited = 0; waited < REMOVAL_WAIT_MS; waited += 100) {
      const found = await container.inspect().then(
        () => true,
        (err: unknown) => !isNotFound(err),
      );
      if (!found) return true;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return false;
  }

  watch(listener: (event: DriverEvent) => void): () => void {
    return watchEvents(this.docker, this.options.owner, listener);
  }

  /**
   * Ours, or an older Wharf's: the reconciler hands the driver legacy objects only of services
   * this installation's database knows (adoption), never those of unknown ones.
   */
  private mayTouch(owner: string | undefined): boolean {
    return owner === this.options.owner || owner === LEGACY_OWNER;
  }

  /** Create, copy files, start; on any failure remove the half-made container (compensation). */
  private async createAndStart(
    options: Docker.ContainerCreateOptions,
    files: readonly LbFile[],
    doing: string,
  ): Promise<string> {
    let container: Docker.Container | undefined;
    try {
      container = await this.docker.createContainer(options);
      if (files.length > 0) await container.putArchive(toTar(files), { path: '/' });
      await container.start();
      return container.id;
    } catch (err) {
      if (container !== undefined)
        await container.remove({ force: true, v: true }).catch(ignoreGone);
      throw toDriverError(err, doing);
    }
  }
}

const REMOVAL_WAIT_MS = 15000;

/** A stop that finds the container stopped (304: someone else stopped it) or gone has done its job. */
function ignoreStopped(err: unknown): void {
  if (statusOf(err) !== 304) ignoreGone(err);
}

function ignoreGone(err: unknown): void {
  if (!isNotFound(err) && !isBeingRemoved(err)) throw err;
}
