import { replicaName, toDeploymentPlan } from '../../src/containers/deployment-plan';
import { planContext, specFrom } from './plan-fixtures';

describe('toDeploymentPlan', () => {
  const plan = toDeploymentPlan(specFrom({}), planContext);
  const owned = {
    'wharf.managed': 'true',
    'wharf.owner': 'test-owner',
    'wharf.service': planContext.serviceId,
    'wharf.service.name': 'http',
    'wharf.tenant': planContext.tenant,
  };

  it('when given the seed spec, then names the network after the service and its id', () => {
    expect(plan.network).toEqual({
      name: 'wharf-http-0b7c1e2a',
      labels: { ...owned, 'wharf.role': 'network' },
    });
    expect(plan.alias).toBe('http');
    expect(replicaName(plan, 'a1b2c3')).toBe('wharf-http-0b7c1e2a-a1b2c3');
    expect(plan.lb.name).toBe('wharf-http-0b7c1e2a-lb');
  });

  it('when given user labels, then replicas carry them beside Wharf labels', () => {
    expect(plan.replica.labels).toEqual({
      app: 'nginx',
      ...owned,
      'wharf.role': 'replica',
      'wharf.image': 'nginx',
    });
    expect(plan.lb.labels).toMatchObject({ ...owned, 'wharf.role': 'lb' });
    expect(plan.lb.labels).not.toHaveProperty('app');
  });

  it('when sizes differ, then ContainerSize limits replicas and ServiceSize the LB', () => {
    const p = toDeploymentPlan(specFrom({ ContainerSize: 's1', ServiceSize: 'm2' }), planContext);
    expect([p.replica.memoryBytes, p.replica.nanoCpus]).toEqual([64 * 1048576, 1e9]);
    expect([p.lb.memoryBytes, p.lb.nanoCpus]).toEqual([2048 * 1048576, 2e9]);
    expect(p.notes).toEqual([]);
  });

  it.each([
    ['l1', 2, 2e9, ["CPU limit clamped to the host's 2 CPUs"]],
    ['l3', 4, 4e9, ["CPU limit clamped to the host's 4 CPUs"]],
    ['m2', 2, 2e9, []],
  ])('when size %s runs on %d host CPUs, then NanoCpus is %d', (size, hostCpus, nano, notes) => {
    const p = toDeploymentPlan(specFrom({ ContainerSize: size }), { ...planContext, hostCpus });
    expect(p.replica.nanoCpus).toBe(nano);
    expect(p.notes).toEqual(notes);
  });

  it('when no FIP, then publishes ServicePort on its stored port of the publish host and nothing else (no runtime API)', () => {
    expect(plan.lb.publish).toEqual([{ hostIp: '127.0.0.1', hostPort: 30080, containerPort: 80 }]);
  });

  it('when a FIP is attached, then also publishes ServicePort itself there and changes the LB hash', () => {
    const p = toDeploymentPlan(specFrom({}), { ...planContext, fip: '127.0.0.2' });
    expect(p.lb.publish).toEqual([
      { hostIp: '127.0.0.1', hostPort: 30080, containerPort: 80 },
      { hostIp: '127.0.0.2', hostPort: 80, containerPort: 80 },
    ]);
    expect(p.lb.labels['wharf.lb.hash']).not.toBe(plan.lb.labels['wharf.lb.hash']);
  });

  it('when only Replicas or Image change, then the LB hash stays (no LB recreate)', () => {
    const p = toDeploymentPlan(specFrom({ Replicas: 4, Image: 'other' }), planContext);
    expect(p.lb.labels['wharf.lb.hash']).toBe(plan.lb.labels['wharf.lb.hash']);
    expect(p.replica.labels['wharf.image']).toBe('other');
  });

  it('when the config allows 4 replicas, then HAProxy gets one spare slot for rolling updates', () => {
    expect(plan.balancer.slots).toBe(5);
  });
});
