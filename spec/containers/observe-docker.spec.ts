import type Docker from 'dockerode';
import { toObservedServices } from '../../src/containers/drivers/docker/observe';
import type { OwnedObjects } from '../../src/containers/drivers/docker/observe';

const ME = 'install-me';

function container(
  id: string,
  labels: Record<string, string>,
  extra: Partial<Docker.ContainerInfo> = {},
): Docker.ContainerInfo {
  return {
    Id: id,
    Names: [`/${id}`],
    Image: 'img',
    ImageID: 'sha256:x',
    Command: '',
    Created: 1,
    Ports: [],
    Labels: labels,
    State: 'running',
    Status: 'Up',
    HostConfig: { NetworkMode: 'n' },
    NetworkSettings: { Networks: {} },
    Mounts: [],
    ...extra,
  };
}
const replica = (owner: string | undefined, service: string): Record<string, string> => ({
  'wharf.managed': 'true',
  ...(owner === undefined ? {} : { 'wharf.owner': owner }),
  'wharf.service': service,
  'wharf.role': 'replica',
  'wharf.image': 'img:1',
});
const objects = (containers: Docker.ContainerInfo[]): OwnedObjects => ({
  containers,
  networks: [],
  volumes: [],
});

describe('toObservedServices: which objects belong to this installation', () => {
  it.each([
    ['its own label', replica(ME, 's1'), [{ serviceId: 's1', legacy: false, replicas: 1 }]],
    [
      'the legacy label of older Wharfs',
      replica('wharf', 's1'),
      [{ serviceId: 's1', legacy: true, replicas: 1 }],
    ],
    ['another installation’s label', replica('install-other', 's1'), []],
    ['no owner label', replica(undefined, 's1'), []],
  ])('a replica with %s', (_name, labels, expected) => {
    const observed = toObservedServices(objects([container('c1', labels)]), {
      owner: ME,
      publishHost: '127.0.0.1',
    });
    expect(
      observed.map((s) => ({
        serviceId: s.serviceId,
        legacy: s.legacy,
        replicas: s.replicas.length,
      })),
    ).toEqual(expected);
  });

  it('a network and volume of another installation are not listed; legacy ones mark their service', () => {
    const observed = toObservedServices(
      {
        containers: [],
        networks: [
          { Id: 'n-other', Labels: { 'wharf.owner': 'install-other', 'wharf.service': 's1' } },
          { Id: 'n-legacy', Labels: { 'wharf.owner': 'wharf', 'wharf.service': 's2' } },
        ],
        volumes: [
          { Name: 'v-mine', Labels: { 'wharf.owner': ME, 'wharf.service': 's2' } },
          { Name: 'v-other', Labels: { 'wharf.owner': 'install-other', 'wharf.service': 's2' } },
        ],
      },
      { owner: ME, publishHost: '127.0.0.1' },
    );
    expect(observed).toEqual([
      expect.objectContaining({
        serviceId: 's2',
        networkIds: ['n-legacy'],
        volumeNames: ['v-mine'],
        legacy: true,
      }),
    ]);
  });
});

describe('toObservedServices: what each container becomes', () => {
  const ctx = { owner: ME, publishHost: '127.0.0.1' };
  const lbLabels = (service: string): Record<string, string> => ({
    'wharf.managed': 'true',
    'wharf.owner': ME,
    'wharf.service': service,
    'wharf.role': 'lb',
    'wharf.lb.hash': 'h1',
  });
  const port = (PrivatePort: number, PublicPort: number, IP: string): Docker.Port => ({
    PrivatePort,
    PublicPort,
    IP,
    Type: 'tcp',
  });

  it.each([
    ['created', 'created'],
    ['running', 'running'],
    ['restarting', 'restarting'],
    ['paused', 'paused'],
    ['exited', 'exited'],
    ['dead', 'dead'],
    ['removing', 'removing'],
    ['something new', 'unknown'],
  ])('a replica Docker reports %s is %s', (dockerState, state) => {
    const [s] = toObservedServices(
      objects([container('c1', replica(ME, 's1'), { State: dockerState })]),
      ctx,
    );
    expect(s?.replicas[0]?.state).toBe(state);
  });

  it('a replica takes its address on the service network and the image Wharf asked for', () => {
    const [s] = toObservedServices(
      objects([
        container('c1', replica(ME, 's1'), {
          Image: 'sha256:resolved',
          NetworkSettings: {
            Networks: { n: { IPAddress: '10.1.0.3' } as Docker.NetworkInfo },
          },
        }),
      ]),
      ctx,
    );
    expect(s?.replicas[0]).toMatchObject({ id: 'c1', name: 'c1', ip: '10.1.0.3', image: 'img:1' });
  });

  it('a container without a role or service label is not listed', () => {
    const labels = { 'wharf.managed': 'true', 'wharf.owner': ME, 'wharf.service': 's1' };
    expect(toObservedServices(objects([container('c1', labels)]), ctx)).toEqual([]);
  });

  it.each([
    [
      'the publish host port is the endpoint',
      [port(80, 30001, '127.0.0.1')],
      { host: '127.0.0.1', port: 30001 },
    ],
    [
      'a FIP binding is not the endpoint',
      [port(80, 80, '127.0.0.2'), port(80, 30002, '127.0.0.1')],
      { host: '127.0.0.1', port: 30002 },
    ],
    ['an unpublished port is no endpoint', [port(80, 0, '')], undefined],
  ])('an LB: %s', (_name, ports, endpoint) => {
    const [s] = toObservedServices(
      objects([container('lb1', lbLabels('s1'), { Ports: ports })]),
      ctx,
    );
    expect(s?.lb).toMatchObject({ id: 'lb1', role: 'lb', lbHash: 'h1' });
    expect(s?.lb?.endpoint).toEqual(endpoint);
  });

  it('two LBs of one service: the newest is the LB, the older one stray', () => {
    const [s] = toObservedServices(
      objects([
        container('old', lbLabels('s1'), { Created: 100 }),
        container('new', lbLabels('s1'), { Created: 200 }),
      ]),
      ctx,
    );
    expect(s?.lb?.id).toBe('new');
    expect(s?.strayLbs.map((l) => l.id)).toEqual(['old']);
  });
});
