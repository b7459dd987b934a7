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
