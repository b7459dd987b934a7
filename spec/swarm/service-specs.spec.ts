import type Docker from 'dockerode';
import { toDeploymentPlan } from '../../src/containers/deployment-plan';
import { renderHaproxyConfig } from '../../src/containers/haproxy/render-config';
import {
  fipOf,
  lbConstraints,
  swarmBalancer,
  swarmNamesOf,
  toLbFileObjects,
  toLbServiceSpec,
  toOverlayNetworkOptions,
  toReplicaServiceSpec,
} from '../../src/containers/drivers/swarm/service-specs';
import { planContext, readFixture, specFrom } from '../containers/plan-fixtures';

const pem = readFixture('containers', 'tls-bundle.pem');

const plan = toDeploymentPlan(
  specFrom({ Env: ['A=1'], Cmd: ['serve'], ContainerSize: 's2', ServiceSize: 's1' }),
  planContext,
);
const withFip = toDeploymentPlan(specFrom({}), { ...planContext, fip: '192.0.2.10' });

function containerSpecOf(spec: Docker.CreateServiceOptions): Docker.ContainerSpec {
  const task = spec.TaskTemplate;
  if (task === undefined || !('ContainerSpec' in task) || task.ContainerSpec === undefined)
    throw new Error('no ContainerSpec');
  return task.ContainerSpec;
}

describe('swarmNamesOf', () => {
  it.each([
    ['the seed name', 'http', 'wharf-http-0b7c1e2a'],
    ['a 63-character name, cut to 31', 'a'.repeat(63), `wharf-${'a'.repeat(31)}-0b7c1e2a`],
    ['a name whose cut ends in a dash', `${'b'.repeat(30)}-x`, `wharf-${'b'.repeat(30)}-0b7c1e2a`],
  ])('when given %s, then the replicas service is %s', (_what, name, expected) => {
    const p = toDeploymentPlan(specFrom({ Name: name }), planContext);
    const names = swarmNamesOf(p);
    expect(names.replicas).toBe(expected);
    expect(names.lb).toBe(`${expected}-lb`);
    // Swarm names are DNS labels, and the LB's config names add 15 characters.
    expect(`${names.lb}-cfg-0123456789`.length).toBeLessThanOrEqual(64);
  });
});

describe('toReplicaServiceSpec', () => {
  const spec = toReplicaServiceSpec(plan, 'net-id');
  const c = containerSpecOf(spec);
  const task = spec.TaskTemplate as Docker.ContainerTaskSpec;

  it.each<[string, unknown, unknown]>([
    ['Name', spec.Name, 'wharf-http-0b7c1e2a'],
    ['Image', c.Image, 'nginx'],
    ['Args (Cmd)', c.Args, ['serve']],
    ['Command (no Entrypoint)', c.Command, undefined],
    ['Env', c.Env, ['A=1']],
    ['Replicas', spec.Mode?.Replicated?.Replicas, 2],
    ['endpoint mode', spec.EndpointSpec, { Mode: 'dnsrr' }],
    ['CPU limit (s2)', task.Resources?.Limits?.NanoCPUs, 1e9],
    ['memory limit (s2)', task.Resources?.Limits?.MemoryBytes, 128 * 1048576],
    ['memory reservation', task.Resources?.Reservations, { MemoryBytes: 128 * 1048576 }],
    ['network and alias', task.Networks, [{ Target: 'net-id', Aliases: ['http'] }]],
    ['restart policy', task.RestartPolicy?.Condition, 'any'],
    [
      'update config',
      spec.UpdateConfig,
      {
        Parallelism: 1,
        Order: 'start-first',
        FailureAction: 'rollback',
        Monitor: 5e9,
        MaxFailureRatio: 0,
      },
    ],
    ['rollback order', spec.RollbackConfig?.Order, 'start-first'],
    ['wharf labels on the service', spec.Labels?.['wharf.owner'], 'test-owner'],
    ['wharf labels on its tasks', c.Labels?.['wharf.role'], 'replica'],
    ['the image label', c.Labels?.['wharf.image'], 'nginx'],
    ['user labels', c.Labels?.app, 'nginx'],
  ])('maps %s', (_field, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it('when the spec has volumes, then each task gets a labelled anonymous volume', () => {
    const p = toDeploymentPlan(specFrom({ Volumes: { 'data:/data': {} } }), planContext);
    const mounts = containerSpecOf(toReplicaServiceSpec(p, 'n')).Mounts ?? [];
    expect(mounts).toHaveLength(1);
    expect(mounts[0]).toMatchObject({ Type: 'volume', Source: '', Target: '/data' });
    expect(mounts[0]?.VolumeOptions?.Labels).toMatchObject({
      'wharf.owner': 'test-owner',
      'wharf.role': 'volume',
      'wharf.volume': 'data',
    });
  });
});

describe('the LB on Swarm', () => {
  const files = toLbFileObjects(plan, 'cfg text').map((f) => ({ ...f, id: `id-of-${f.kind}` }));
  const spec = toLbServiceSpec(plan, {
    networkId: 'net-id',
    files,
    constraints: lbConstraints(plan, { localNodeId: 'node-1' }),
  });
  const c = containerSpecOf(spec);
  const task = spec.TaskTemplate as Docker.ContainerTaskSpec;

  it.each<[string, unknown, unknown]>([
    ['Name', spec.Name, 'wharf-http-0b7c1e2a-lb'],
    ['Image', c.Image, 'wharf-test/haproxy:latest'],
    ['one task', spec.Mode?.Replicated?.Replicas, 1],
    [
      'ServicePort published in host mode on the stable port',
      spec.EndpointSpec?.Ports,
      [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: 30080, PublishMode: 'host' }],
    ],
    ['placement on the local node', task.Placement?.Constraints, ['node.id==node-1']],
    [
      'ServiceSize limits (s1)',
      task.Resources?.Limits,
      { NanoCPUs: 1e9, MemoryBytes: 64 * 1048576 },
    ],
    ['the stable port label', spec.Labels?.['wharf.publish.port'], '30080'],
    ['role label on its tasks', c.Labels?.['wharf.role'], 'lb'],
    ['the update order (one host port)', spec.UpdateConfig?.Order, 'stop-first'],
    [
      'haproxy.cfg as a config',
      c.Configs,
      [
        {
          File: { Name: '/usr/local/etc/haproxy/haproxy.cfg', UID: '0', GID: '0', Mode: 0o444 },
          ConfigID: 'id-of-config',
          ConfigName: files[0]?.name,
        },
      ],
    ],
    ['no secret without httpsTerm', c.Secrets, []],
  ])('maps %s', (_field, actual, expected) => {
    expect(actual).toEqual(expected);
  });

  it('when a FIP is attached, then the LB is pinned to its node and publishes ServicePort too', () => {
    expect(fipOf(withFip)).toBe('192.0.2.10');
    expect(fipOf(plan)).toBe('');
    const constraints = lbConstraints(withFip, { localNodeId: 'node-1' });
    expect(constraints).toEqual(['node.labels.wharf.fip==192.0.2.10']);
    const s = toLbServiceSpec(withFip, { networkId: 'n', files: [], constraints });
    expect(s.EndpointSpec?.Ports?.map((p) => p.PublishedPort)).toEqual([30080, 80]);
  });

  it('when the config text changes, then the config gets a new name (configs are immutable)', () => {
    const [a] = toLbFileObjects(plan, 'one');
    const [b] = toLbFileObjects(plan, 'two');
    expect(a?.name).toMatch(/^wharf-http-0b7c1e2a-lb-cfg-[0-9a-f]{10}$/);
    expect(a?.name).not.toBe(b?.name);
  });

  it('when httpsTerm, then the certificate is a secret, never a config', () => {
    const tls = toDeploymentPlan(
      specFrom({ Protocol: 'httpsTerm', ServicePort: 443, SSLCert: pem }),
      planContext,
    );
    const objects = toLbFileObjects(tls, 'cfg');
    expect(objects.map((o) => [o.kind, o.path])).toEqual([
      ['config', '/usr/local/etc/haproxy/haproxy.cfg'],
      ['secret', '/usr/local/etc/haproxy/cert.pem'],
    ]);
    expect(objects[1]?.content).toBe(pem);
  });

  it('when rendered for Swarm, then HAProxy resolves the tasks through Docker DNS', () => {
    const cfg = renderHaproxyConfig(swarmBalancer(plan));
    expect(cfg).toContain('nameserver docker 127.0.0.11:53');
    expect(cfg).toContain('server-template replica 1-5 tasks.wharf-http-0b7c1e2a:80');
  });

  it('when the network is made, then it is an attachable overlay with the wharf labels', () => {
    expect(toOverlayNetworkOptions(plan)).toEqual({
      Name: 'wharf-http-0b7c1e2a',
      Driver: 'overlay',
      Attachable: true,
      CheckDuplicate: true,
      Labels: plan.network.labels,
    });
  });
});
