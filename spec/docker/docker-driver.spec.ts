import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import { toDeploymentPlan } from '../../src/containers/deployment-plan';
import { DockerDriver } from '../../src/containers/drivers/docker/docker-driver';
import { renderHaproxyConfig } from '../../src/containers/haproxy/render-config';
import { readServerStats } from '../../src/containers/haproxy/stats';
import { planContext, specFrom } from '../containers/plan-fixtures';
import { countLabelled, removeLabelled } from './support/cleanup';
import { buildTestImages, describeWithDocker, TEST_IMAGES } from './support/docker-available';
import { eventually, hostnamesSeen } from './support/http';

describeWithDocker('DockerDriver', () => {
  const docker = new Docker();
  const owner = `spec-${randomUUID()}`;
  const driver = new DockerDriver({ dockerHost: undefined, owner, publishHost: '127.0.0.1' });
  const serviceId = randomUUID();
  const plan = toDeploymentPlan(
    specFrom({ Image: TEST_IMAGES.httpd, HealthCheckInterval: 1, HealthCheckRise: 1 }),
    {
      ...planContext,
      serviceId,
      owner,
      lbImage: TEST_IMAGES.haproxy,
    },
  );

  beforeAll(() => {
    buildTestImages();
  }, 120000);
  afterAll(async () => {
    await removeLabelled(docker, 'wharf.owner', owner);
  });

  it('when a service is applied, then HTTP through the endpoint reaches both replicas and HAProxy sees them UP', async () => {
    await driver.ensureNetwork(plan);
    await driver.ensureNetwork(plan); // idempotent
    const ids = [
      await driver.createReplica(plan, `${plan.namePrefix}-a`),
      await driver.createReplica(plan, `${plan.namePrefix}-b`),
    ];
    await driver.createLb(plan, [
      {
        path: '/usr/local/etc/haproxy/haproxy.cfg',
        content: renderHaproxyConfig(plan.balancer),
        mode: 0o644,
      },
    ]);

    const [observed] = await driver.listOwned();
    expect(observed?.serviceId).toBe(serviceId);
    expect(observed?.replicas.map((r) => r.id).sort()).toEqual([...ids].sort());
    expect(
      observed?.replicas.every((r) => r.state === 'running' && r.image === TEST_IMAGES.httpd),
    ).toBe(true);
    const lb = observed?.lb;
    expect(lb?.endpoint?.host).toBe('127.0.0.1');
    expect(lb?.admin?.host).toBe('127.0.0.1');

    const ips = observed?.replicas.map((r) => r.ip).sort();
    const up = await eventually(
      async () => {
        const stats = await readServerStats(lb!.admin!.host, lb!.admin!.port);
        const upIps = stats
          .filter((s) => s.health === 'UP')
          .map((s) => s.address)
          .sort();
        return upIps.length === 2 ? upIps : undefined;
      },
      20000,
      'two UP backends',
    );
    expect(up).toEqual(ips);

    const seen = new Set(await hostnamesSeen(`http://127.0.0.1:${lb!.endpoint!.port}`, 6));
    expect(seen).toEqual(new Set(ids.map((id) => id.slice(0, 12))));
  });

  it('when the image is missing and cannot be pulled, then fails with an image error naming it', async () => {
    await expect(driver.ensureImage('wharf-test/does-not-exist:1')).rejects.toMatchObject({
      kind: 'image',
      message: expect.stringContaining(
        'Image wharf-test/does-not-exist:1 is missing and could not be pulled',
      ),
    });
  });

  it('when asked to remove a container it does not own, then leaves it alone', async () => {
    const foreign = await docker.createContainer({
      Image: TEST_IMAGES.httpd,
      Labels: { 'wharf.owner': `${owner}-other`, 'wharf.test.run': owner },
    });
    await driver.removeContainer(foreign.id, 0);
    await expect(foreign.inspect()).resolves.toMatchObject({ Id: foreign.id });
    await foreign.remove({ force: true });
  });

  it('when the service is removed, then no container, network or volume is left', async () => {
    await driver.removeService(serviceId, { keepReplicas: false });
    expect(await countLabelled(docker, 'wharf.owner', owner)).toEqual({
      containers: 0,
      networks: 0,
      volumes: 0,
    });
  });
});
