import { toDeploymentPlan } from '../../src/containers/deployment-plan';
import {
  toLbCreateOptions,
  toNetworkCreateOptions,
  toReplicaCreateOptions,
} from '../../src/containers/drivers/docker/create-options';
import { planContext, specFrom } from './plan-fixtures';

const plan = (patch: Record<string, unknown>, fip = '') =>
  toDeploymentPlan(specFrom(patch), { ...planContext, fip });

describe('toReplicaCreateOptions', () => {
  it.each([
    [
      'the seed spec: image, env, port, limits, network alias',
      {},
      {
        name: 'r1',
        Image: 'nginx',
        Env: [],
        WorkingDir: '',
        Tty: false,
        OpenStdin: false,
        ExposedPorts: { '80/tcp': {} },
        NetworkingConfig: { EndpointsConfig: { 'wharf-http-0b7c1e2a': { Aliases: ['http'] } } },
      },
    ],
    [
      'an entrypoint and a command',
      { Entrypoint: ['/bin/sh', '-c'], Cmd: ['httpd -f'] },
      { Entrypoint: ['/bin/sh', '-c'], Cmd: ['httpd -f'] },
    ],
    [
      'env, working dir, tty, stdin and a stop signal',
      { Env: ['A=1'], WorkingDir: '/srv', Tty: true, Stdin: true, StopSignal: 'SIGINT' },
      { Env: ['A=1'], WorkingDir: '/srv', Tty: true, OpenStdin: true, StopSignal: 'SIGINT' },
    ],
    ['another container port', { ContainerPort: 8080 }, { ExposedPorts: { '8080/tcp': {} } }],
  ])('%s', (_name, patch, expected) => {
    expect(toReplicaCreateOptions(plan(patch), 'r1')).toMatchObject(expected);
  });

  it.each([
    ['no entrypoint', {}, 'Entrypoint'],
    ['no command', {}, 'Cmd'],
  ])('leaves the image default when there is %s', (_name, patch, key) => {
    expect(toReplicaCreateOptions(plan(patch), 'r1')).not.toHaveProperty(key);
  });

  it('puts the replica on the service network with the size limits and Wharf labels', () => {
    const p = plan({ ContainerSize: 's1' });
    const o = toReplicaCreateOptions(p, 'r1');
    expect(o.HostConfig).toMatchObject({
      NetworkMode: 'wharf-http-0b7c1e2a',
      Memory: 64 * 1048576,
      NanoCpus: 1e9,
    });
    expect(o.Labels).toEqual(p.replica.labels);
  });

  it('makes each volume an anonymous, labelled local volume', () => {
    const p = plan({ Volumes: { 'data:/data': {} } });
    expect(toReplicaCreateOptions(p, 'r1').HostConfig?.Mounts).toEqual([
      {
        Type: 'volume',
        Source: '',
        Target: '/data',
        ReadOnly: false,
        VolumeOptions: {
          NoCopy: false,
          Labels: { ...p.network.labels, 'wharf.role': 'volume', 'wharf.volume': 'data' },
          DriverConfig: { Name: 'local', Options: {} },
        },
      },
    ]);
  });
});

describe('toLbCreateOptions', () => {
  it.each([
    [
      'no FIP: ServicePort on the publish host at its stored port',
      '',
      { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '30080' }] },
    ],
    [
      'a FIP: ServicePort also on the FIP at the same port',
      '127.0.0.2',
      {
        '80/tcp': [
          { HostIp: '127.0.0.1', HostPort: '30080' },
          { HostIp: '127.0.0.2', HostPort: '80' },
        ],
      },
    ],
  ])('%s', (_name, fip, expected) => {
    const o = toLbCreateOptions(plan({}, fip));
    expect(o.HostConfig?.PortBindings).toEqual(expected);
    expect(o.ExposedPorts).toEqual({ '80/tcp': {} });
  });

  it('names, labels and sizes the LB from the plan', () => {
    const p = plan({ ServiceSize: 'm2' });
    expect(toLbCreateOptions(p)).toMatchObject({
      name: 'wharf-http-0b7c1e2a-lb',
      Image: 'wharf-test/haproxy:latest',
      Labels: p.lb.labels,
      HostConfig: { NetworkMode: 'wharf-http-0b7c1e2a', Memory: 2048 * 1048576, NanoCpus: 2e9 },
    });
  });
});

describe('toNetworkCreateOptions', () => {
  it('creates a labelled bridge network named after the service', () => {
    const p = plan({});
    expect(toNetworkCreateOptions(p)).toEqual({
      Name: 'wharf-http-0b7c1e2a',
      Driver: 'bridge',
      CheckDuplicate: true,
      Labels: p.network.labels,
    });
  });
});
