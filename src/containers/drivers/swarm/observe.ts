import { isRole, LABELS } from '../../labels';
import type { ReplicaState } from '../../types';
import { emptyObservedService } from '../driver';
import type { ObservedContainer, ObservedLb, ObservedService } from '../driver';
import type { SwarmServiceInfo } from './decide';
import { PUBLISH_PORT_LABEL } from './service-specs';
import type { SwarmTask } from './tasks';

export interface SwarmObjects {
  services: SwarmServiceInfo[];
  tasks: SwarmTask[];
  networks: Array<{ Id: string; Labels?: Record<string, string> | undefined }>;
  volumes: Array<{ Name: string; Labels: Record<string, string> | null }>;
}

export interface SwarmObserveContext {
  owner: string;
  publishHost: string;
}

/**
 * Swarm services, their tasks, networks and volumes → this installation's services. A task is a
 * replica (or the LB) while Swarm wants it running; tasks Swarm has shut down are history and a
 * task Swarm started in place of a failed one simply shows up as a new replica.
 */
export function toObservedSwarmServices(
  objects: SwarmObjects,
  ctx: SwarmObserveContext,
): ObservedService[] {
  const byId = new Map<string, ObservedService>();
  const serviceOf = (
    labels: Record<string, string> | null | undefined,
  ): ObservedService | undefined => {
    const serviceId = labels?.[LABELS.service];
    if (serviceId === undefined || labels?.[LABELS.owner] !== ctx.owner) return undefined;
    let s = byId.get(serviceId);
    if (s === undefined) {
      s = emptyObservedService(serviceId);
      byId.set(serviceId, s);
    }
    return s;
  };
  for (const n of objects.networks) serviceOf(n.Labels)?.networkIds.push(n.Id);
  for (const v of objects.volumes) serviceOf(v.Labels)?.volumeNames.push(v.Name);
  for (const swarmService of objects.services) {
    const labels = swarmService.Spec?.Labels ?? {};
    const service = serviceOf(labels);
    const role = labels[LABELS.role];
    if (service === undefined || !isRole(role) || role === 'network') continue;
    const name = swarmService.Spec?.Name ?? '';
    const tasks = objects.tasks
      .filter((t) => t.serviceId === swarmService.ID && t.desiredState === 'running')
      // Newest first: the LB is the latest task Swarm wants running.
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
    const containers = tasks.map((t) => toObservedTask(t, name, service, role));
    if (role === 'replica') service.replicas.push(...containers);
    const lbTask = tasks[0];
    const lbContainer = containers[0];
    if (role === 'lb' && lbTask !== undefined && lbContainer !== undefined) {
      service.lb = toObservedLb(lbTask, lbContainer, labels, ctx.publishHost);
    }
  }
  return [...byId.values()];
}

function toObservedTask(
  t: SwarmTask,
  serviceName: string,
  service: ObservedService,
  role: 'replica' | 'lb',
): ObservedContainer {
  const own = t.addresses.find((a) => service.networkIds.includes(a.networkId));
  return {
    // The container once the task has one (what `docker ps` and exec know), else the task.
    id: t.containerId ?? t.id,
    name: `${serviceName}.${t.slot ?? t.nodeId}.${t.id}`,
    role,
    serviceId: service.serviceId,
    image: t.labels[LABELS.image] ?? '',
    state: toReplicaState(t.state),
    ip: t.state === 'running' ? (own ?? t.addresses[0])?.address : undefined,
    created: Math.floor(Date.parse(t.createdAt) / 1000) || 0,
  };
}

function toObservedLb(
  t: SwarmTask,
  c: ObservedContainer,
  labels: Record<string, string>,
  publishHost: string,
): ObservedLb {
  const port = Number(labels[PUBLISH_PORT_LABEL] ?? '0');
  return {
    ...c,
    lbHash: labels[LABELS.lbHash] ?? '',
    endpoint:
      t.state === 'running' && port > 0 && t.publishedPorts.includes(port)
        ? { host: publishHost, port }
        : undefined,
  };
}

/** Swarm task states (new … starting, running, complete, failed …) → Wharf's replica states. */
export function toReplicaState(taskState: string): ReplicaState {
  switch (taskState) {
    case 'running':
      return 'running';
    case 'new':
    case 'allocated':
    case 'pending':
    case 'assigned':
    case 'accepted':
    case 'preparing':
    case 'ready':
    case 'starting':
      return 'created';
    case 'complete':
    case 'shutdown':
      return 'exited';
    case 'failed':
    case 'rejected':
    case 'orphaned':
      return 'dead';
    case 'remove':
      return 'removing';
    default:
      return 'unknown';
  }
}
