import type { ChangeFeed } from '../changes';
import type { Logger } from '../logger';
import { toDeploymentPlan } from './deployment-plan';
import type { DeploymentPlan } from './deployment-plan';
import type { DeletesInFlight } from './deletes-in-flight';
import type { ApplyProgress, ContainerDriver, ObservedService } from './drivers/driver';
import { DriverError } from './drivers/driver';
import { toHealthVerdict } from './health-verdict';
import type { HealthVerdict } from './health-verdict';
import { candidatePorts } from './publish-ports';
import type { PortRange } from './publish-ports';
import { toStatusReport } from './status-report';
import type { ChangeAttempt, ContainerServiceStore, StoredService } from './store';

export interface ReconcilerOptions {
  store: ContainerServiceStore;
  driver: ContainerDriver;
  logger: Logger;
  /** Deletes running in this process: their objects are not orphans to sweep. */
  deletes: DeletesInFlight;
  /** Hears every status change the reconciler reports (topic container_service, action status). */
  changes: ChangeFeed;
  owner: string;
  lbImage: string;
  publishHost: string;
  maxReplicas: number;
  /** Host ports services are published on (WHARF_PUBLISH_PORTS). */
  publishPorts: PortRange;
  /** Where in the range a new allocation starts (0 ≤ x < 1); random so installations rarely collide. */
  random: () => number;
  /** Full resync period: catches drift that produced no event. */
  resyncMs: number;
  /** Delay between passes while some service is still converging. */
  busyMs: number;
  /**
   * How long a change may take before replicas that never became healthy fail it (a rolling
   * update is rolled back instead).
   */
  replicaStartTimeoutMs: number;
  now: () => Date;
  /** Told how long each pass took (the wharf_reconcile_duration_seconds histogram). */
  onPass?: (seconds: number) => void;
}

const BACKOFF_MIN_MS = 1000;
/** Claims tried in one pass before giving up until the next (each may lose a race). */
const MAX_PORT_CLAIMS = 50;
const BACKOFF_MAX_MS = 30000;

/**
 * Converges Docker to the database: on every change (trigger), on a timer, on engine events and
 * at start. One pass at a time; a trigger during a pass schedules another one right after.
 */
export class Reconciler {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private unwatch: (() => void) | undefined;
  private stopped = true;
  private readonly backoff = new Map<
    string,
    { generation: number; failures: number; nextAt: number }
  >();
  private hostCpus: number | undefined;
  /** Ports the engine refused to bind for this installation; skipped by later allocations. */
  private readonly refusedPorts = new Set<number>();
  /**
   * What this process saw of the changes being converged (issue 9): the exited replicas it has
   * counted already (counted once though seen again) and the last cause. When the change started
   * and how many exits it had are in the database, so a restart or a new leader goes on from there.
   */
  private readonly attempts = new Map<
    string,
    { generation: number; counted: Set<string>; problem: string | undefined }
  >();

  constructor(private readonly o: ReconcilerOptions) {}

  start(): void {
    this.stopped = false;
    this.unwatch = this.o.driver.watch(() => {
      this.trigger();
    });
    this.trigger();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unwatch?.();
    if (this.timer !== undefined) clearTimeout(this.timer);
    await this.running;
  }

  /** Asks for a pass as soon as possible. */
  trigger(): void {
    if (this.stopped) return;
    if (this.running !== undefined) {
      this.again = true;
      return;
    }
    this.schedule(0);
  }

  /** Forgets a service's back-off: a user change deserves an immediate attempt. */
  resetBackoff(serviceId: string): void {
    this.backoff.delete(serviceId);
  }

  /** One full pass; exposed so specs can step the loop deterministically. */
  async passOnce(): Promise<boolean> {
    const records = await this.o.store.list({ tenant: undefined, names: [], labels: [] });
    let observed: ObservedService[];
    try {
      observed = await this.o.driver.listOwned();
      this.hostCpus ??= (await this.o.driver.capacity()).cpus;
    } catch (err) {
      await Promise.all(records.map((r) => this.fail(r, err)));
      return false;
    }
    await this.sweepOrphans(records, observed);
    let busy = false;
    for (const record of records) {
      if (!this.due(record)) {
        busy = true;
        continue;
      }
      const obs = observed.find((s) => s.serviceId === record.id);
      try {
        const plan = this.planOf(record, await this.publishPortOf(record, obs));
        const progress = await this.o.driver.apply(plan, obs);
        const verdict = await this.judge(record, progress);
        if (verdict.kind !== 'wait') {
          busy = true;
          await this.giveUp(record, verdict);
          continue;
        }
        this.backoff.delete(record.id);
        const report = toStatusReport(record, progress, plan.notes);
        await this.report(record, report.status, report.message);
        if (progress.phase !== 'converged') busy = true;
      } catch (err) {
        busy = true;
        await this.releaseRefusedPort(record, err);
        await this.fail(record, err);
      }
    }
    return !busy;
  }

  /**
   * Follows a user change (a service not active yet) until it converges; its replicas never
   * becoming healthy, or exiting again and again, ends it. An active service repairing itself
   * is not judged: it keeps serving with what it has. Time counts from when the change was
   * accepted and exits add up across restarts (both stored), so a change failed before a restart
   * is failed again at once after it, never `updating` for another timeout.
   */
  private async judge(record: StoredService, progress: ApplyProgress): Promise<HealthVerdict> {
    if (progress.phase === 'converged' || record.status === 'active') {
      this.attempts.delete(record.id);
      return { kind: 'wait' };
    }
    let attempt = this.attempts.get(record.id);
    if (attempt === undefined || attempt.generation !== record.generation) {
      attempt = { generation: record.generation, counted: new Set(), problem: undefined };
      this.attempts.set(record.id, attempt);
    }
    const change = record.change ?? (await this.startChange(record));
    const counted = attempt.counted;
    const fresh = (progress.exitedReplicaIds ?? []).filter((id) => !counted.has(id));
    for (const id of fresh) counted.add(id);
    const exits = change.exits + fresh.length;
    if (fresh.length > 0) await this.o.store.recordExits(record.id, record.generation, exits);
    attempt.problem = progress.problem ?? attempt.problem;
    return toHealthVerdict(
      record.spec.image,
      progress,
      {
        elapsedMs: this.o.now().getTime() - change.started.getTime(),
        exits,
        problem: attempt.problem,
      },
      this.o.replicaStartTimeoutMs,
    );
  }

  /**
   * A change stored without its start (by an older Wharf during an upgrade): it starts now, and
   * the store keeps that for the next passes, restarts and leaders.
   */
  private async startChange(record: StoredService): Promise<ChangeAttempt> {
    const now = this.o.now();
    await this.o.store.startChange(record.id, record.generation, now.toISOString());
    return { started: now, exits: 0 };
  }

  /**
   * A failed change: back to the previous image (the old replicas kept serving, so the service
   * is active again on it), or failed with the cause and retried with back-off.
   */
  private async giveUp(
    record: StoredService,
    verdict: Exclude<HealthVerdict, { kind: 'wait' }>,
  ): Promise<void> {
    if (verdict.kind === 'fail') {
      // The attempt is kept: later passes still try (with back-off) but stay failed until the
      // replicas serve, rather than flipping back to updating.
      await this.fail(record, new DriverError('unhealthy', verdict.message));
      return;
    }
    this.attempts.delete(record.id);
    this.o.logger.warn(
      { serviceId: record.id, from: record.spec.image, to: verdict.to },
      'rolling back an update whose replicas never became healthy',
    );
    const spec = { ...record.spec, image: verdict.to };
    const now = this.o.now().toISOString();
    if (await this.o.store.rollBack(record.id, record.generation, spec, verdict.message, now))
      this.o.changes.publish({
        topic: 'container_service',
        action: 'status',
        id: record.id,
        detail: { status: 'active', message: verdict.message },
      });
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.running = this.loop().finally(() => {
        this.running = undefined;
      });
    }, delayMs);
    this.timer.unref();
  }

  private async loop(): Promise<void> {
    let settled = false;
    do {
      this.again = false;
      const started = process.hrtime.bigint();
      try {
        settled = await this.passOnce();
        this.o.onPass?.(Number(process.hrtime.bigint() - started) / 1e9);
      } catch (err) {
        this.o.logger.error({ err }, 'container reconcile pass failed');
      }
    } while (this.again && !this.stopped);
    if (!this.stopped) this.schedule(settled ? this.o.resyncMs : this.o.busyMs);
  }

  /**
   * The service's published host port, allocated once: a service published before ports were
   * stored keeps the one its LB has; a new one gets the first free port of the range from a
   * random start. The unique index decides between processes claiming the same port.
   */
  private async publishPortOf(
    record: StoredService,
    observed: ObservedService | undefined,
  ): Promise<number> {
    if (record.publishPort !== undefined) return record.publishPort;
    const taken = new Set([...(await this.o.store.publishPortsInUse()), ...this.refusedPorts]);
    const current = observed?.lb?.endpoint?.port;
    const range = this.o.publishPorts;
    const start = this.o.random() * (range.last - range.first + 1);
    const candidates = [
      ...(current !== undefined && !taken.has(current) ? [current] : []),
      ...candidatePorts(range, taken, start),
    ];
    for (const port of candidates.slice(0, MAX_PORT_CLAIMS)) {
      if (await this.o.store.claimPublishPort(record.id, port)) {
        record.publishPort = port;
        return port;
      }
    }
    throw new DriverError(
      'port',
      `no free host port in WHARF_PUBLISH_PORTS ${range.first}-${range.last}`,
    );
  }

  /**
   * The engine could not bind the service's stored port (another installation or program has it):
   * give it up so the next pass allocates another one, and do not offer it again in this process.
   */
  private async releaseRefusedPort(record: StoredService, err: unknown): Promise<void> {
    const port = record.publishPort;
    if (!(err instanceof DriverError) || err.kind !== 'port' || port === undefined) return;
    if (!err.message.includes(`${this.o.publishHost}:${port}`)) return;
    this.refusedPorts.add(port);
    await this.o.store.releasePublishPort(record.id, port);
    this.backoff.delete(record.id);
  }

  private planOf(record: StoredService, publishPort: number): DeploymentPlan {
    return toDeploymentPlan(record.spec, {
      serviceId: record.id,
      tenant: record.tenant,
      owner: this.o.owner,
      fip: record.fip,
      hostCpus: this.hostCpus ?? 1,
      maxReplicas: this.o.maxReplicas,
      lbImage: this.o.lbImage,
      publishHost: this.o.publishHost,
      publishPort,
    });
  }

  /**
   * Objects with this installation's label whose service the database does not know are removed,
   * except released replicas. An older Wharf's objects (legacy label) of an unknown service may
   * belong to another installation sharing the engine: they are never touched. Nor are the
   * objects of a service this process is deleting right now.
   */
  private async sweepOrphans(records: StoredService[], observed: ObservedService[]): Promise<void> {
    const known = new Set(records.map((r) => r.id));
    const orphans = observed.filter(
      (s) => !known.has(s.serviceId) && !s.legacy && !this.o.deletes.has(s.serviceId),
    );
    if (orphans.length === 0) return;
    const released = await this.o.store.releasedIds();
    for (const orphan of orphans) {
      const keep = orphan.replicas.some((r) => released.has(r.id));
      // With released replicas only the LB can go; once it is gone there is nothing to do.
      if (keep && orphan.lb === undefined && orphan.strayLbs.length === 0) continue;
      this.o.logger.info(
        { serviceId: orphan.serviceId, keep },
        'removing objects of an unknown service',
      );
      try {
        await this.o.driver.remove(orphan.serviceId, { keepReplicas: keep });
      } catch (err) {
        this.o.logger.warn(
          { err, serviceId: orphan.serviceId },
          'orphan removal failed; retrying next pass',
        );
      }
    }
  }

  private due(record: StoredService): boolean {
    const b = this.backoff.get(record.id);
    if (b === undefined || b.generation !== record.generation) return true;
    return this.o.now().getTime() >= b.nextAt;
  }

  private async fail(record: StoredService, err: unknown): Promise<void> {
    const prev = this.backoff.get(record.id);
    const failures =
      prev !== undefined && prev.generation === record.generation ? prev.failures + 1 : 1;
    const delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** (failures - 1));
    this.backoff.set(record.id, {
      generation: record.generation,
      failures,
      nextAt: this.o.now().getTime() + delay,
    });
    const reason = err instanceof DriverError ? err.message : 'internal error while converging';
    if (!(err instanceof DriverError))
      this.o.logger.error({ err, serviceId: record.id }, 'converge failed');
    await this.report(record, 'failed', `${reason} (retrying in ${Math.round(delay / 1000)}s)`);
  }

  private async report(
    record: StoredService,
    status: StoredService['status'],
    message: string,
  ): Promise<void> {
    if (record.status === status && record.message === message) return;
    if (
      status === 'failed' &&
      record.status === 'failed' &&
      record.message.startsWith(message.replace(/ \(retrying.*$/, ''))
    ) {
      // Same failure again: only the countdown changed; spare the database a write.
      return;
    }
    const written = await this.o.store.reportStatus(
      record.id,
      record.generation,
      status,
      message,
      this.o.now().toISOString(),
    );
    // A user change (newer generation) won the race: its own status stands, nothing to announce.
    if (written)
      this.o.changes.publish({
        topic: 'container_service',
        action: 'status',
        id: record.id,
        detail: { status, message },
      });
  }
}
