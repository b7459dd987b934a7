import { z } from 'zod';

/** The fields of a Swarm task Wharf reads; dockerode types tasks as `any`, so they are parsed. */
export interface SwarmTask {
  id: string;
  serviceId: string;
  nodeId: string;
  slot: number | undefined;
  createdAt: string;
  desiredState: string;
  state: string;
  /** Why the task failed or was rejected, as Swarm says it. */
  error: string;
  containerId: string | undefined;
  labels: Record<string, string>;
  addresses: Array<{ networkId: string; address: string }>;
  publishedPorts: number[];
}

const taskSchema = z.object({
  ID: z.string(),
  ServiceID: z.string(),
  NodeID: z.string().optional(),
  Slot: z.number().optional(),
  CreatedAt: z.string().optional(),
  DesiredState: z.string().optional(),
  Spec: z
    .object({
      ContainerSpec: z
        .object({ Labels: z.record(z.string()).nullish() })
        .passthrough()
        .optional(),
    })
    .passthrough()
    .optional(),
  Status: z
    .object({
      State: z.string().optional(),
      Err: z.string().optional(),
      ContainerStatus: z.object({ ContainerID: z.string().optional() }).passthrough().optional(),
      PortStatus: z
        .object({
          Ports: z
            .array(z.object({ PublishedPort: z.number().optional() }).passthrough())
            .nullish(),
        })
        .passthrough()
        .optional(),
    })
    .passthrough()
    .optional(),
  NetworksAttachments: z
    .array(
      z
        .object({
          Network: z.object({ ID: z.string() }).passthrough().optional(),
          Addresses: z.array(z.string()).nullish(),
        })
        .passthrough(),
    )
    .nullish(),
});

/** One task of the engine's listing; undefined for a shape Wharf does not understand. */
export function parseTask(raw: unknown): SwarmTask | undefined {
  const parsed = taskSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const t = parsed.data;
  const containerId = t.Status?.ContainerStatus?.ContainerID;
  return {
    id: t.ID,
    serviceId: t.ServiceID,
    nodeId: t.NodeID ?? '',
    slot: t.Slot,
    createdAt: t.CreatedAt ?? '',
    desiredState: t.DesiredState ?? '',
    state: t.Status?.State ?? '',
    error: t.Status?.Err ?? '',
    containerId: containerId === undefined || containerId === '' ? undefined : containerId,
    labels: t.Spec?.ContainerSpec?.Labels ?? {},
    addresses: (t.NetworksAttachments ?? []).flatMap((a) =>
      (a.Addresses ?? []).map((cidr) => ({
        networkId: a.Network?.ID ?? '',
        // "10.0.1.5/24" → the address HAProxy resolves and reports.
        address: cidr.replace(/\/\d+$/, ''),
      })),
    ),
    publishedPorts: (t.Status?.PortStatus?.Ports ?? []).flatMap((p) =>
      p.PublishedPort === undefined ? [] : [p.PublishedPort],
    ),
  };
}

const nodeSchema = z.object({
  ID: z.string(),
  Spec: z
    .object({ Labels: z.record(z.string()).nullish(), Availability: z.string().optional() })
    .passthrough()
    .optional(),
  Description: z
    .object({
      Resources: z.object({ NanoCPUs: z.number().optional() }).passthrough().optional(),
    })
    .passthrough()
    .optional(),
  Status: z.object({ State: z.string().optional() }).passthrough().optional(),
});

export interface SwarmNode {
  id: string;
  labels: Record<string, string>;
  cpus: number;
  ready: boolean;
}

export function parseNode(raw: unknown): SwarmNode | undefined {
  const parsed = nodeSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const n = parsed.data;
  return {
    id: n.ID,
    labels: n.Spec?.Labels ?? {},
    cpus: (n.Description?.Resources?.NanoCPUs ?? 0) / 1e9,
    ready: n.Status?.State === 'ready' && n.Spec?.Availability !== 'drain',
  };
}
