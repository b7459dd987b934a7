import type { DeploymentPlan } from '../../deployment-plan';
import { LB_CONFIG_DIR, replicaName } from '../../deployment-plan';
import { renderHaproxyConfig } from '../../haproxy/render-config';
import { oldEnough } from '../../backend-reading';
import type { BackendReading, HealthProbe, HealthProof } from '../../health';
import type { ReplicaState } from '../../types';
import type {
  ApplyProgress,
  Trouble,
  LbFile,
  ObservedContainer,
  ObservedLb,
  ObservedService,
} from '../driver';
import type { ContainerOps } from './container-ops';

export interface ConvergeContext {
  ops: ContainerOps;
  health: HealthProbe;
  newSuffix: () => string;
  now: () => Date;
}

/**
 * Replicas that count. `created` is not live: a container created but never started (Wharf killed
 * between create and start) would otherwise hold a place forever (issue 16).
 */
const LIVE: ReadonlySet<ReplicaState> = new Set<ReplicaState>(['running', 'restarting']);
const REPLICA_STOP_GRACE_SECONDS = 2;

/**
 * Docker's strategy: one step towards the plan, container by container. Never waits for slow
 * things (a replica becoming UP): it does what can be done now and reports progress; the
 * reconciler calls again.
 */
export async function convergeService(
  plan: DeploymentPlan,
  observed: ObservedService | undefined,
  ctx: ConvergeContext,
): Promise<ApplyProgress> {
  if (observed === undefined || observed.networkIds.length === 0) await ctx.ops.ensureNetwork(plan);
  for (const stray of observed?.strayLbs ?? []) await ctx.ops.removeContainer(stray.id, 0);
  const desired = plan.replicas;
  if (observed?.lb === undefined && (observed?.replicas ?? []).length === 0) {
    // A fresh service: start the replicas together with the load balancer, so HAProxy's first DNS
    // lookup already finds them (started after it, they are seen only at the next lookup, ~1 s).
    await Promise.all([ensureLb(plan, undefined, ctx), createReplicas(plan, desired, ctx)]);
    return { phase: 'scaling', ready: 0, desired };
  }
  const lb = await ensureLb(plan, observed?.lb, ctx);

  const all = observed?.replicas ?? [];
  // A created, exited or dead replica is replaced, never (re)started: a fresh one is the known state.
  const stopped = all.filter((r) => !LIVE.has(r.state));
  for (const dead of stopped) await ctx.ops.removeContainer(dead.id, 0);
  const live = all.filter((r) => LIVE.has(r.state));
  const proof = proofOf(plan);
  const health =
    lb === undefined
      ? new Map<string, BackendReading>()
      : await ctx.health.backendsRestoringStray(lb, proof);
  const now = ctx.now();
  const isUp = (r: ObservedContainer): boolean =>
    r.ip !== undefined && health.get(r.ip)?.health === 'UP' && oldEnough(r.created, now, proof);
  const current = live.filter((r) => r.image === plan.replica.image);
  const old = live.filter((r) => r.image !== plan.replica.image);
  const trouble = troubleOf(
    stopped.filter((r) => r.image === plan.replica.image),
    current.filter((r) => !isUp(r)),
    health,
  );

  if (old.length > 0) {
    await rollOneStep(plan, { current, old, isUp, lb }, ctx);
    const ready = Math.min(current.filter(isUp).length, desired);
    const previousImage = old[0]?.image ?? plan.replica.image;
    return { phase: 'rolling', ready, desired, previousImage, ...trouble };
  }
  if (current.length < desired) {
    await createReplicas(plan, desired - current.length, ctx);
  } else if (current.length > desired) {
    // Replicas that are not serving go first, then the newest.
    const victims = [...current].sort(
      (a, b) => Number(isUp(a)) - Number(isUp(b)) || b.created - a.created,
    );
    for (const r of victims.slice(0, current.length - desired)) await stopReplica(r, lb, ctx);
  }
  const up = current.filter(isUp).length;
  if (lb !== undefined && current.length === desired && up === desired)
    return { phase: 'converged' };
  return { phase: 'scaling', ready: Math.min(up, desired), desired, ...trouble };
}

function proofOf(plan: DeploymentPlan): HealthProof {
  return {
    rise: plan.balancer.rise,
    intervalSeconds: plan.balancer.checkIntervalSeconds,
    port: plan.balancer.containerPort,
  };
}

/**
 * Why replicas of the desired image do not serve: one that stopped says most (its exit code),
 * else what the LB's checks found on one still running.
 */
export function troubleOf(
  stopped: readonly ObservedContainer[],
  notUp: readonly ObservedContainer[],
  health: ReadonlyMap<string, BackendReading>,
): Trouble {
  const exited = stopped.filter((r) => r.state === 'exited' || r.state === 'dead');
  const first = exited[0];
  if (first !== undefined) {
    return {
      problem:
        first.exitCode === undefined
          ? `replica ${first.state === 'dead' ? 'died' : 'exited'}`
          : `replica exited with code ${first.exitCode}`,
      exitedReplicaIds: exited.map((r) => r.id),
    };
  }
  const problem = notUp
    .map((r) => (r.ip === undefined ? undefined : health.get(r.ip)?.problem))
    .find((p) => p !== undefined);
  return problem === undefined ? {} : { problem };
}

async function createReplicas(
  plan: DeploymentPlan,
  count: number,
  ctx: ConvergeContext,
): Promise<void> {
  await ctx.ops.ensureImage(plan.replica.image);
  await Promise.all(
    Array.from({ length: count }, () =>
      ctx.ops.createReplica(plan, replicaName(plan, ctx.newSuffix())),
    ),
  );
}

/** Start one new replica, wait (across calls) until it is UP, then stop one old one (issue 5). */
async function rollOneStep(
  plan: DeploymentPlan,
  s: {
    current: ObservedContainer[];
    old: ObservedContainer[];
    isUp: (r: ObservedContainer) => boolean;
    lb: ObservedLb | undefined;
  },
  ctx: ConvergeContext,
): Promise<void> {
  const pending = s.current.filter((r) => !s.isUp(r));
  if (pending.length > 0) return;
  const total = s.current.length + s.old.length;
  if (s.current.length < plan.replicas && total <= plan.replicas) {
    await ctx.ops.ensureImage(plan.replica.image);
    await ctx.ops.createReplica(plan, replicaName(plan, ctx.newSuffix()));
    return;
  }
  const victim = s.old[0];
  if (victim !== undefined) await stopReplica(victim, s.lb, ctx);
}

async function stopReplica(
  r: ObservedContainer,
  lb: ObservedLb | undefined,
  ctx: ConvergeContext,
): Promise<void> {
  const stop = (): Promise<void> => ctx.ops.removeContainer(r.id, REPLICA_STOP_GRACE_SECONDS);
  if (lb !== undefined && r.ip !== undefined) await ctx.health.retire(lb, r.ip, stop);
  else await stop();
}

async function ensureLb(
  plan: DeploymentPlan,
  lb: ObservedLb | undefined,
  ctx: ConvergeContext,
): Promise<ObservedLb | undefined> {
  const wanted = plan.lb.labels['wharf.lb.hash'];
  if (lb !== undefined && lb.state === 'running' && lb.lbHash === wanted) return lb;
  // A stopped LB or one made from another config is replaced; the next pass observes the new one.
  if (lb !== undefined) await ctx.ops.removeContainer(lb.id, 0);
  await ctx.ops.ensureImage(plan.lb.image);
  await ctx.ops.createLb(plan, lbFiles(plan));
  return undefined;
}

function lbFiles(plan: DeploymentPlan): LbFile[] {
  const config = renderHaproxyConfig(plan.balancer);
  const files: LbFile[] = [{ path: `${LB_CONFIG_DIR}/haproxy.cfg`, content: config, mode: 0o644 }];
  if (plan.balancer.tlsCertFile !== undefined) {
    // Readable by the official image's unprivileged haproxy user; the container holds nothing else.
    files.push({ path: plan.balancer.tlsCertFile, content: plan.lb.tlsCert, mode: 0o644 });
  }
  return files;
}
