import type Docker from 'dockerode';
import { LB_ADMIN_PORT } from '../../deployment-plan';
import { isRole, LABELS, LEGACY_OWNER } from '../../labels';
import { REPLICA_STATES } from '../../types';
import type { ReplicaState } from '../../types';
import { emptyObservedService } from '../driver';
import type { HostPort, ObservedContainer, ObservedLb, ObservedService } from '../driver';

export interface OwnedObjects {
  containers: Docker.ContainerInfo[];
  networks: Array<{ Id: string; Labels?: Record<string, string> | undefined }>;
  volumes: Array<{ Name: string; Labels: Record<string, string> | null }>;
}

export interface ObserveContext {
  /** This installation's id: only objects with it (or the legacy owner) are observed. */
  owner: string;
  publishHost: string;
}

type Labels = Record<string, string> | null | undefined;

/**
 * Docker listings of managed objects → this installation's services, grouped by service id.
 * Objects of other installations are dropped; those of an older Wharf mark their service legacy.
 */
export function toObservedServices(objects: OwnedObjects, ctx: ObserveContext): ObservedService[] {
  const byId = new Map<string, ObservedService>();
  /** The service an object belongs to, or undefined when it is not ours to look at. */
  const ownerOf = (labels: Labels): ObservedService | undefined => {
    const owner = labels?.[LABELS.owner];
    const serviceId = labels?.[LABELS.service];
    if (serviceId === undefined || (owner !== ctx.owner && owner !== LEGACY_OWNER))
      return undefined;
    let s = byId.get(serviceId);
    if (s === undefined) {
      s = emptyObservedService(serviceId);
      byId.set(serviceId, s);
    }
    if (owner === LEGACY_OWNER) s.legacy = true;
    return s;
  };
  for (const n of objects.networks) ownerOf(n.Labels)?.networkIds.push(n.Id);
  for (const v of objects.volumes) ownerOf(v.Labels)?.volumeNames.push(v.Name);
  // Newest first, so a duplicate LB left by a crash is the older one and is the one swept.
  const containers = [...objects.containers].sort((a, b) => b.Created - a.Created);
  for (const info of containers) {
    const c = toObservedContainer(info);
    const service = c === undefined ? undefined : ownerOf(info.Labels);
    if (c === undefined || service === undefined) continue;
    if (c.role === 'replica') service.replicas.push(c);
    if (c.role === 'lb') {
      const lb = toObservedLb(info, c, ctx.publishHost);
      if (service.lb === undefined) service.lb = lb;
      else service.strayLbs.push(lb);
    }
  }
  return [...byId.values()];
}

function toObservedContainer(info: Docker.ContainerInfo): ObservedContainer | undefined {
  const labels = info.Labels;
  const serviceId = labels[LABELS.service];
  const role = labels[LABELS.role];
  if (serviceId === undefined || !isRole(role)) return undefined;
  const networks = Object.values(info.NetworkSettings.Networks);
  const ip = networks.map((n) => n.IPAddress).find((a) => a !== '');
  return {
    id: info.Id,
    name: (info.Names[0] ?? '').replace(/^\//, ''),
    role,
    serviceId,
    image: labels[LABELS.image] ?? info.Image,
    state: toReplicaState(info.State),
    ip,
    created: info.Created,
    ...exitCodeOf(info.Status),
  };
}

/** Docker's human Status ("Exited (1) 3 seconds ago") is where a listing tells the exit code. */
export function exitCodeOf(status: string | undefined): { exitCode?: number } {
  const match = /^Exited \((-?\d+)\)/.exec(status ?? '');
  return match?.[1] === undefined ? {} : { exitCode: Number(match[1]) };
}

function toObservedLb(
  info: Docker.ContainerInfo,
  c: ObservedContainer,
  publishHost: string,
): ObservedLb {
  // A FIP publishes the same container port on another address; the Endpoint is the publish host's.
  // (LBs of older Wharfs also published the runtime API port: never an Endpoint.)
  const service = info.Ports.find(
    (p) => p.PrivatePort !== LB_ADMIN_PORT && p.PublicPort > 0 && p.IP === publishHost,
  );
  return {
    ...c,
    lbHash: info.Labels[LABELS.lbHash] ?? '',
    endpoint: toHostPort(service),
  };
}

function toHostPort(port: Docker.Port | undefined): HostPort | undefined {
  return port === undefined ? undefined : { host: port.IP, port: port.PublicPort };
}

/** Docker's container states are Wharf's one to one; anything newer is unknown. */
function toReplicaState(dockerState: string): ReplicaState {
  return REPLICA_STATES.find((s) => s === dockerState) ?? 'unknown';
}
