import type Docker from 'dockerode';
import type { DeploymentPlan } from '../../deployment-plan';
import { renderHaproxyConfig } from '../../haproxy/render-config';
import { HaproxyHealthProbe } from '../../health';
import type { HealthProbe, LbRuntime } from '../../health';
import { LABELS } from '../../labels';
import type { BackendHealth } from '../../types';
import type {
  ApplyProgress,
  ContainerDriver,
  DriverEvent,
  EngineCapacity,
  ObservedLb,
  ObservedService,
} from '../driver';
import { DriverError } from '../driver';
import { createDockerClient } from '../docker/docker-driver';
import { isNotFound, toDriverError } from '../docker/errors';
import { watchEvents } from '../docker/events';
import { ensureImagePresent } from '../docker/pull';
import { askLoadBalancer, pingEngine } from '../docker/lb-runtime';
import { decideServiceStep, specProjection, toSwarmProgress } from './decide';
import type { ServiceStep } from './decide';
import { toObservedSwarmServices } from './observe';
import {
  FIP_NODE_LABEL,
  lbConstraints,
  swarmBalancer,
  swarmNamesOf,
  toLbFileObjects,
  toLbServiceSpec,
  toOverlayNetworkOptions,
  toReplicaServiceSpec,
} from './service-specs';
import type { LbFileObject } from './service-specs';
import { parseNode, parseTask } from './tasks';
import type { SwarmNode, SwarmTask } from './tasks';

export interface SwarmDriverOptions {
  /** `DOCKER_HOST` of a Swarm manager; undefined means the local socket. */
  dockerHost: string | undefined;
  owner: string;
  publishHost: string;
  health?: HealthProbe;
}

/**
 * A Wharf service on Docker Swarm: an attachable overlay network, the replicas as one `dnsrr`
 * service, HAProxy as a one-task service publishing ServicePort in host mode. Swarm schedules,
 * restarts and rolls tasks; Wharf converges the services' specs and reads health from HAProxy.
 */
export class SwarmDriver implements ContainerDriver, LbRuntime {
  readonly health: HealthProbe;
  private readonly docker: Docker;
  private localNodeId: string | undefined;
  /** Swarm service id → projection of the spec this process last sent it (see decideServiceStep). */
  private readonly attempted = new Map<string, string>();

  constructor(private readonly options: SwarmDriverOptions) {
    this.docker = createDockerClient(options.dockerHost);
    this.health = options.health ?? new HaproxyHealthProbe(this);
  }

  runtimeCommand(lb: ObservedLb, command: string): Promise<string> {
    return askLoadBalancer(this.docker, lb, command);
  }

  ping(): Promise<void> {
    return pingEngine(this.docker);
  }

  async capacity(): Promise<EngineCapacity> {
    const nodes = (await this.nodes()).filter((n) => n.ready && n.cpus > 0);
    return { cpus: nodes.length === 0 ? 1 : Math.min(...nodes.map((n) => n.cpus)) };
  }

  /** Whether some node carries the `wharf.fip=<address>` label, i.e. the LB can be pinned there. */
  async holdsFip(address: string): Promise<boolean> {
    return (await this.nodes()).some((n) => n.labels[FIP_NODE_LABEL] === address);
  }

  async listOwned(): Promise<ObservedService[]> {
    const filters = { label: [`${LABELS.managed}=true`, `${LABELS.owner}=${this.options.owner}`] };
    try {
      const [services, networks, volumes] = await Promise.all([
        this.docker.listServices({ filters }),
        this.docker.listNetworks({ filters: JSON.stringify(filters) }),
        this.docker.listVolumes({ filters: JSON.stringify(filters) }),
      ]);
      const tasks = await this.tasksOf(services.map((s) => s.ID));
      return toObservedSwarmServices(
        { services, tasks, networks, volumes: volumes.Volumes ?? [] },
        { owner: this.options.owner, publishHost: this.options.publishHost },
      );
    } catch (err) {
      throw toDriverError(err, 'listing Wharf services on Swarm');
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

  async apply(plan: DeploymentPlan, observed: ObservedService | undefined): Promise<ApplyProgress> {
    const networkId = await this.ensureNetwork(plan);
    const existing = await this.servicesOf(plan.serviceId);
    const replicaService = existing.find((s) => s.Spec?.Labels?.[LABELS.role] === 'replica');
    const lbService = existing.find((s) => s.Spec?.Labels?.[LABELS.role] === 'lb');

    const replicaSpec = toReplicaServiceSpec(plan, networkId);
    const replicaStep = decideServiceStep(
      replicaSpec,
      replicaService,
      replicaService === undefined ? undefined : this.attempted.get(replicaService.ID),
    );
    if (replicaStep.kind === 'rolled-back') {
      throw new DriverError(
        'image',
        `Rolling update to ${plan.replica.image} failed and Swarm rolled it back (${replicaStep.message})`,
      );
    }
    const [files, localNodeId] = await Promise.all([
      this.ensureLbFiles(plan, toLbFileObjects(plan, renderHaproxyConfig(swarmBalancer(plan)))),
      this.nodeId(),
    ]);
    const lbSpec = toLbServiceSpec(plan, {
      networkId,
      files,
      constraints: lbConstraints(plan, { localNodeId }),
    });
    const lbStep = decideServiceStep(lbSpec, lbService);
    if (lbStep.kind === 'rolled-back') throw new DriverError('other', lbStep.message);
    // Replicas and LB together: on a new service HAProxy's first lookups already find tasks.
    await Promise.all([
      (async () => {
        if (replicaStep.kind !== 'none') await this.ensureImage(plan.replica.image);
        await this.converge(replicaSpec, replicaService, replicaStep, `replicas of ${plan.alias}`);
      })(),
      (async () => {
        if (lbStep.kind !== 'none') await this.ensureImage(plan.lb.image);
        await this.converge(lbSpec, lbService, lbStep, `load balancer of ${plan.alias}`);
      })(),
    ]);
    if (lbStep.kind === 'none') await this.removeUnusedLbFiles(plan.serviceId, files);

    const lb = observed?.lb;
    const lbServing =
      lbStep.kind === 'none' && lb?.state === 'running' && lb.endpoint !== undefined;
    if (lbStep.kind === 'none' && !lbServing && lbService !== undefined)
      await this.failOnRefusedPort(plan, lbService.ID);
    const proof = {
      rise: plan.balancer.rise,
      intervalSeconds: plan.balancer.checkIntervalSeconds,
      port: plan.balancer.containerPort,
    };
    const readings =
      lb === undefined ? undefined : await this.health.backendsRestoringStray(lb, proof);
    const health = new Map<string, BackendHealth>(
      [...(readings ?? [])].map(([ip, reading]) => [ip, reading.health]),
    );
    // Tasks Swarm is still stopping (a scale down): converged only once they are gone.
    const stopping =
      replicaService === undefined
        ? 0
        : (await this.tasksOf([replicaService.ID]).catch(() => [])).filter(
            (t) => t.desiredState !== 'running' && t.state === 'running',
          ).length;
    return toSwarmProgress({
      desired: plan.replicas,
      stopping,
      image: plan.replica.image,
      replicas: replicaStep.kind === 'create' ? [] : (observed?.replicas ?? []),
      health,
      lbServing,
      updating: replicaService?.UpdateStatus?.State === 'updating',
    });
  }

  async remove(serviceId: string, options: { keepReplicas: boolean }): Promise<void> {
    const services = await this.servicesOf(serviceId);
    const doomed = services.filter(
      (s) => !options.keepReplicas || s.Spec?.Labels?.[LABELS.role] === 'lb',
    );
    for (const s of doomed) await this.docker.getService(s.ID).remove().catch(ignoreGone);
    await this.removeLbFiles(serviceId, new Set());
    if (options.keepReplicas) return;
    const filters = JSON.stringify({ label: this.serviceLabels(serviceId) });
    // Swarm stops the tasks after the service is gone; the network can go once they have.
    await this.waitUntil(
      async () => (await this.docker.listContainers({ all: true, filters })).length === 0,
      TASKS_GONE_MS,
    );
    for (const n of await this.docker.listNetworks({ filters })) {
      // Still in use (a task not yet gone): the orphan sweep of a later pass removes it.
      await this.docker
        .getNetwork(n.Id)
        .remove()
        .catch(() => undefined);
    }
    const { Volumes: volumes } = await this.docker.listVolumes({ filters });
    for (const v of volumes ?? [])
      await this.docker
        .getVolume(v.Name)
        .remove()
        .catch(() => undefined);
  }

  watch(listener: (event: DriverEvent) => void): () => void {
    // Task containers carry the service's labels, so container events say what Swarm did.
    return watchEvents(this.docker, this.options.owner, listener);
  }

  private serviceLabels(serviceId: string): string[] {
    return [
      `${LABELS.managed}=true`,
      `${LABELS.owner}=${this.options.owner}`,
      `${LABELS.service}=${serviceId}`,
    ];
  }

  private async servicesOf(serviceId: string): Promise<Docker.Service[]> {
    return this.docker
      .listServices({ filters: { label: this.serviceLabels(serviceId) } })
      .catch((err: unknown) => {
        throw toDriverError(err, 'listing Swarm services');
      });
  }

  private async tasksOf(serviceIds: string[]): Promise<SwarmTask[]> {
    if (serviceIds.length === 0) return [];
    const raw = await this.docker.listTasks({ filters: JSON.stringify({ service: serviceIds }) });
    return raw.flatMap((t: unknown) => parseTask(t) ?? []);
  }

  private async nodes(): Promise<SwarmNode[]> {
    const raw = await this.docker.listNodes().catch((err: unknown) => {
      throw toSwarmError(err, 'listing Swarm nodes');
    });
    return raw.flatMap((n: unknown) => parseNode(n) ?? []);
  }

  /** The id of the node DOCKER_HOST reaches; it must be a manager. */
  private async nodeId(): Promise<string> {
    if (this.localNodeId !== undefined) return this.localNodeId;
    const info: unknown = await this.docker.info().catch((err: unknown) => {
      throw toDriverError(err, 'reading Docker info');
    });
    const swarm =
      typeof info === 'object' && info !== null && 'Swarm' in info ? info.Swarm : undefined;
    const nodeId =
      typeof swarm === 'object' && swarm !== null && 'NodeID' in swarm ? swarm.NodeID : '';
    const manager =
      typeof swarm === 'object' && swarm !== null && 'ControlAvailable' in swarm
        ? swarm.ControlAvailable === true
        : false;
    if (typeof nodeId !== 'string' || nodeId === '' || !manager)
      throw new DriverError('unreachable', 'DOCKER_HOST is not a Swarm manager');
    this.localNodeId = nodeId;
    return nodeId;
  }

  private async ensureNetwork(plan: DeploymentPlan): Promise<string> {
    const name = swarmNamesOf(plan).network;
    const existing = await this.docker
      .listNetworks({ filters: JSON.stringify({ name: [name] }) })
      .catch((err: unknown) => {
        throw toDriverError(err, 'listing networks');
      });
    const match = existing.find((n) => n.Name === name);
    if (match !== undefined) {
      if (match.Labels?.[LABELS.owner] !== this.options.owner)
        throw new DriverError('conflict', `network ${name} exists and is not this Wharf's`);
      return match.Id;
    }
    const created = await this.docker
      .createNetwork(toOverlayNetworkOptions(plan))
      .catch((err: unknown) => {
        throw toSwarmError(err, `creating overlay network ${name}`);
      });
    return created.id;
  }

  /** The image must be on the manager (a local lookup, else a pull); other nodes pull their own. */
  private ensureImage(image: string): Promise<void> {
    return ensureImagePresent(this.docker, image);
  }

  private async converge(
    spec: Docker.CreateServiceOptions,
    actual: Docker.Service | undefined,
    step: ServiceStep,
    what: string,
  ): Promise<void> {
    try {
      if (step.kind === 'create') await this.docker.createService(spec);
      if (step.kind === 'update' && actual !== undefined) {
        await this.docker
          .getService(actual.ID)
          .update({ _query: { version: step.version }, _body: spec });
        this.attempted.set(actual.ID, specProjection(spec));
      }
    } catch (err) {
      throw toSwarmError(err, `${step.kind === 'create' ? 'creating' : 'updating'} ${what}`);
    }
  }

  /** Creates the LB's configs and secrets that do not exist yet; answers them with their ids. */
  private async ensureLbFiles(
    plan: DeploymentPlan,
    files: LbFileObject[],
  ): Promise<Array<LbFileObject & { id: string }>> {
    const [configs, secrets] = await Promise.all([
      this.docker.listConfigs({
        filters: JSON.stringify({ label: this.serviceLabels(plan.serviceId) }),
      }),
      this.docker.listSecrets({
        filters: JSON.stringify({ label: this.serviceLabels(plan.serviceId) }),
      }),
    ]).catch((err: unknown) => {
      throw toDriverError(err, 'listing Swarm configs');
    });
    const result: Array<LbFileObject & { id: string }> = [];
    for (const f of files) {
      const found = (f.kind === 'config' ? configs : secrets).find((x) => x.Spec?.Name === f.name);
      if (found !== undefined) {
        result.push({ ...f, id: found.ID });
        continue;
      }
      const body = {
        Name: f.name,
        Labels: f.labels,
        Data: Buffer.from(f.content, 'utf8').toString('base64'),
      };
      const created: unknown = await (
        f.kind === 'config' ? this.docker.createConfig(body) : this.docker.createSecret(body)
      ).catch((err: unknown) => {
        throw toSwarmError(err, `creating ${f.kind} ${f.name}`);
      });
      result.push({ ...f, id: idOf(created) });
    }
    return result;
  }

  private async removeUnusedLbFiles(
    serviceId: string,
    inUse: ReadonlyArray<{ name: string }>,
  ): Promise<void> {
    await this.removeLbFiles(serviceId, new Set(inUse.map((f) => f.name)));
  }

  /** Removes this service's configs and secrets except `keep`; one still mounted stays for later. */
  private async removeLbFiles(serviceId: string, keep: ReadonlySet<string>): Promise<void> {
    const filters = JSON.stringify({ label: this.serviceLabels(serviceId) });
    const [configs, secrets] = await Promise.all([
      this.docker.listConfigs({ filters }),
      this.docker.listSecrets({ filters }),
    ]).catch(() => [[], []] as const);
    for (const c of configs)
      if (!keep.has(c.Spec?.Name ?? ''))
        await this.docker
          .getConfig(c.ID)
          .remove()
          .catch(() => undefined);
    for (const s of secrets)
      if (!keep.has(s.Spec?.Name ?? ''))
        await this.docker
          .getSecret(s.ID)
          .remove()
          .catch(() => undefined);
  }

  /**
   * A host-mode port another program holds makes every LB task fail; say so the way the docker
   * driver does, so the reconciler gives the port up and allocates another one.
   */
  private async failOnRefusedPort(plan: DeploymentPlan, lbServiceId: string): Promise<void> {
    const latest = (await this.tasksOf([lbServiceId]).catch(() => []))
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
      .find((t) => t.error !== '');
    const port = plan.lb.publish[0]?.hostPort ?? 0;
    if (
      latest !== undefined &&
      /address already in use|port is already allocated/i.test(latest.error)
    ) {
      throw new DriverError(
        'port',
        `starting load balancer: host port unavailable (${this.options.publishHost}:${port}: ${latest.error})`,
      );
    }
  }

  private async waitUntil(done: () => Promise<boolean>, ms: number): Promise<void> {
    for (let waited = 0; waited < ms; waited += 200) {
      if (await done().catch(() => false)) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

const TASKS_GONE_MS = 15000;

/** Like toDriverError, and says plainly when the engine is not (part of) a Swarm. */
function toSwarmError(err: unknown, doing: string): DriverError {
  const e = toDriverError(err, doing);
  if (
    /not a swarm manager|swarm/i.test(e.message) &&
    /not .*manager|not part of a swarm/i.test(e.message)
  )
    return new DriverError('unreachable', `${doing}: DOCKER_HOST is not a Swarm manager`);
  return e;
}

function idOf(created: unknown): string {
  if (typeof created === 'object' && created !== null) {
    if ('id' in created && typeof created.id === 'string') return created.id;
    if ('ID' in created && typeof created.ID === 'string') return created.ID;
  }
  throw new DriverError('other', 'the engine did not answer the id of a created object');
}

function ignoreGone(err: unknown): void {
  if (!isNotFound(err)) throw err;
}
