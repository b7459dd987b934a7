import type Docker from 'dockerode';
import type { DeploymentPlan } from '../../deployment-plan';

/** Deployment plan → dockerode create options: the only pipeline step that knows Docker's shapes. */
export function toReplicaCreateOptions(
  plan: DeploymentPlan,
  name: string,
): Docker.ContainerCreateOptions {
  const r = plan.replica;
  const port = `${r.containerPort}/tcp`;
  return {
    name,
    Image: r.image,
    ...(r.entrypoint.length > 0 ? { Entrypoint: r.entrypoint } : {}),
    ...(r.cmd.length > 0 ? { Cmd: r.cmd } : {}),
    Env: r.env,
    WorkingDir: r.workingDir,
    Tty: r.tty,
    OpenStdin: r.stdin,
    StopSignal: r.stopSignal,
    Labels: r.labels,
    ExposedPorts: { [port]: {} },
    HostConfig: {
      NetworkMode: plan.network.name,
      Memory: r.memoryBytes,
      NanoCpus: r.nanoCpus,
      // Anonymous volumes go away with `rm -v`; the labels let the sweeper find leftovers.
      Mounts: r.volumes.map((v) => ({
        Type: 'volume' as const,
        // An empty Source makes the volume anonymous, owned by this one replica.
        Source: '',
        Target: v.containerPath,
        ReadOnly: v.readOnly,
        VolumeOptions: {
          NoCopy: false,
          Labels: { ...plan.network.labels, 'wharf.role': 'volume', 'wharf.volume': v.volume },
          DriverConfig: { Name: 'local', Options: {} },
        },
      })),
    },
    NetworkingConfig: {
      EndpointsConfig: { [plan.network.name]: { Aliases: [plan.alias] } },
    },
  };
}

export function toLbCreateOptions(plan: DeploymentPlan): Docker.ContainerCreateOptions {
  const lb = plan.lb;
  const bindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  const exposed: Record<string, object> = {};
  for (const p of lb.publish) {
    const key = `${p.containerPort}/tcp`;
    exposed[key] = {};
    const hostPort = p.hostPort === 0 ? '' : String(p.hostPort);
    bindings[key] = [...(bindings[key] ?? []), { HostIp: p.hostIp, HostPort: hostPort }];
  }
  return {
    name: lb.name,
    Image: lb.image,
    Labels: lb.labels,
    ExposedPorts: exposed,
    HostConfig: {
      NetworkMode: plan.network.name,
      Memory: lb.memoryBytes,
      NanoCpus: lb.nanoCpus,
      PortBindings: bindings,
    },
  };
}

export function toNetworkCreateOptions(plan: DeploymentPlan): Docker.NetworkCreateOptions {
  return {
    Name: plan.network.name,
    Driver: 'bridge',
    // A user-defined network gives the replicas Docker DNS (127.0.0.11), which HAProxy resolves.
    CheckDuplicate: true,
    Labels: plan.network.labels,
  };
}
