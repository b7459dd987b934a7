import type { SwarmServiceInfo } from '../../src/containers/drivers/swarm/decide';
import {
  toObservedSwarmServices,
  toReplicaState,
} from '../../src/containers/drivers/swarm/observe';
import { parseNode, parseTask } from '../../src/containers/drivers/swarm/tasks';
import type { SwarmTask } from '../../src/containers/drivers/swarm/tasks';

const owner = 'inst-1';
const labels = (role: string, extra: Record<string, string> = {}): Record<string, string> => ({
  'wharf.managed': 'true',
  'wharf.owner': owner,
  'wharf.service': 'svc-1',
  'wharf.role': role,
  ...extra,
});

/** A task as the engine lists it (the fields Wharf reads, and one it does not). */
function rawTask(p: {
  id: string;
  service: string;
  state?: string;
  desired?: string;
  created?: string;
  container?: string;
  address?: string;
  ports?: number[];
  image?: string;
}): unknown {
  return {
    ID: p.id,
    ServiceID: p.service,
    NodeID: 'node-1',
    Slot: 1,
    CreatedAt: p.created ?? '2026-12-01T10:00:00.000Z',
    DesiredState: p.desired ?? 'running',
    Spec: { ContainerSpec: { Labels: { 'wharf.image': p.image ?? 'img:1' }, Image: 'x' } },
    Status: {
      State: p.state ?? 'running',
      Err: '',
      ContainerStatus: p.container === undefined ? {} : { ContainerID: p.container, PID: 1 },
      PortStatus: { Ports: (p.ports ?? []).map((port) => ({ PublishedPort: port })) },
    },
    NetworksAttachments: [
      { Network: { ID: 'ingress-id' }, Addresses: ['10.255.0.9/16'] },
      { Network: { ID: 'net-1' }, Addresses: [p.address ?? '10.0.1.5/24'] },
    ],
  };
}

const services: SwarmServiceInfo[] = [
  { ID: 'rep', Spec: { Name: 'wharf-web-1', Labels: labels('replica') } },
  {
    ID: 'lb',
    Spec: { Name: 'wharf-web-1-lb', Labels: labels('lb', { 'wharf.publish.port': '30080' }) },
  },
  {
    ID: 'foreign',
    Spec: { Name: 'other', Labels: { ...labels('replica'), 'wharf.owner': 'someone-else' } },
  },
];

function tasks(...raws: unknown[]): SwarmTask[] {
  return raws.map((r) => {
    const t = parseTask(r);
    if (t === undefined) throw new Error('unparsed task');
    return t;
  });
}

describe('toObservedSwarmServices', () => {
  const observed = toObservedSwarmServices(
    {
      services,
      tasks: tasks(
        rawTask({ id: 't1', service: 'rep', container: 'c1', address: '10.0.1.5/24' }),
        rawTask({ id: 't2', service: 'rep', state: 'starting' }),
        rawTask({
          id: 't0',
          service: 'rep',
          state: 'running',
          desired: 'shutdown',
          container: 'c0',
        }),
        rawTask({
          id: 'l1',
          service: 'lb',
          container: 'lbc',
          address: '10.0.1.2/24',
          ports: [30080],
        }),
        rawTask({ id: 'f1', service: 'foreign', container: 'fc' }),
      ),
      networks: [{ Id: 'net-1', Labels: labels('network') }],
      volumes: [{ Name: 'vol-1', Labels: labels('volume') }],
    },
    { owner, publishHost: '127.0.0.1' },
  );

  it('when another installation owns a service, then it is not observed', () => {
    expect(observed.map((s) => s.serviceId)).toEqual(['svc-1']);
  });

  it('when tasks run, then replicas are the tasks Swarm wants running, by container id', () => {
    const s = observed[0];
    expect(s?.replicas.map((r) => [r.id, r.state, r.ip, r.image])).toEqual([
      ['c1', 'running', '10.0.1.5', 'img:1'],
      // No container yet: the task stands for it, with no address HAProxy could know.
      ['t2', 'created', undefined, 'img:1'],
    ]);
    expect(s?.networkIds).toEqual(['net-1']);
    expect(s?.volumeNames).toEqual(['vol-1']);
  });

  it('when the LB task publishes the stable port, then it is the Endpoint on the publish host', () => {
    expect(observed[0]?.lb).toMatchObject({
      id: 'lbc',
      role: 'lb',
      ip: '10.0.1.2',
      endpoint: { host: '127.0.0.1', port: 30080 },
    });
  });

  it('when the LB task has not bound the port (yet), then there is no Endpoint', () => {
    const [s] = toObservedSwarmServices(
      {
        services,
        tasks: tasks(rawTask({ id: 'l1', service: 'lb', container: 'lbc', state: 'starting' })),
        networks: [],
        volumes: [],
      },
      { owner, publishHost: '127.0.0.1' },
    );
    expect(s?.lb?.endpoint).toBeUndefined();
    expect(s?.lb?.state).toBe('created');
  });
});

describe('toReplicaState', () => {
  it.each([
    ['running', 'running'],
    ['new', 'created'],
    ['pending', 'created'],
    ['assigned', 'created'],
    ['preparing', 'created'],
    ['starting', 'created'],
    ['complete', 'exited'],
    ['shutdown', 'exited'],
    ['failed', 'dead'],
    ['rejected', 'dead'],
    ['orphaned', 'dead'],
    ['remove', 'removing'],
    ['something-new', 'unknown'],
  ])('maps task state %s to %s', (task, replica) => {
    expect(toReplicaState(task)).toBe(replica);
  });
});

describe('parsing the engine listings', () => {
  it.each<[string, unknown]>([
    ['not an object', 'task'],
    ['no ID', { ServiceID: 's' }],
    ['a numeric ServiceID', { ID: 't', ServiceID: 3 }],
  ])('when a task is %s, then it is skipped', (_what, raw) => {
    expect(parseTask(raw)).toBeUndefined();
  });

  it('when a node is listed, then its labels, CPUs and readiness are read', () => {
    expect(
      parseNode({
        ID: 'n1',
        Spec: { Labels: { 'wharf.fip': '192.0.2.10' }, Availability: 'active' },
        Description: { Resources: { NanoCPUs: 2e9 } },
        Status: { State: 'ready' },
      }),
    ).toEqual({ id: 'n1', labels: { 'wharf.fip': '192.0.2.10' }, cpus: 2, ready: true });
    expect(parseNode({ ID: 'n2', Status: { State: 'down' } })?.ready).toBe(false);
  });
});
