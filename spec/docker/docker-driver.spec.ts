import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import { toDeploymentPlan } from '../../src/containers/deployment-plan';
import type { DeploymentPlan } from '../../src/containers/deployment-plan';
import { DockerDriver } from '../../src/containers/drivers/docker/docker-driver';
import type { ApplyProgress } from '../../src/containers/drivers/driver';
import { parseShowStat } from '../../src/containers/haproxy/stats';
import { planContext, specFrom } from '../containers/plan-fixtures';
import { countLabelled, removeLabelled } from './support/cleanup';
import { buildTestImages, describeWithDocker, TEST_IMAGES } from './support/docker-available';
import { eventually, hostnamesSeen } from './support/http';

/** Every case gets its own owner label, driver and service: no case depends on another. */
describeWithDocker('DockerDriver', () => {
  const docker = new Docker();
  const owners: string[] = [];

  const setUp = (
    replicas: number,
  ): { driver: DockerDriver; plan: DeploymentPlan; owner: string } => {
    const owner = `spec-${randomUUID()}`;
    owners.push(owner);
    const driver = new DockerDriver({
      dockerHost: undefined,
      owner,
      publishHost: '127.0.0.1',
    });
    const plan = toDeploymentPlan(
      specFrom({
        Image: TEST_IMAGES.httpd,
        Replicas: replicas,
        HealthCheckInterval: 1,
        HealthCheckRise: 1,
      }),
      {
        ...planContext,
        serviceId: randomUUID(),
        owner,
        lbImage: TEST_IMAGES.haproxy,
        // Ephemeral: the cases run side by side and must not share a host port.
        publishPort: 0,
      },
    );
    return { driver, plan, owner };
  };
  /** Applies the plan, observing between steps as the reconciler does, until it converges. */
  const applyUntilConverged = async (
    driver: DockerDriver,
    plan: DeploymentPlan,
  ): Promise<ApplyProgress[]> => {
    const steps: ApplyProgress[] = [];
    await eventually(
      async () => {
        const observed = (await driver.listOwned()).find((s) => s.serviceId === plan.serviceId);
        const progress = await driver.apply(plan, observed);
        steps.push(progress);
        return progress.phase === 'converged' ? true : undefined;
      },
      30000,
      'the plan to converge',
    );
    return steps;
  };

  beforeAll(() => {
    buildTestImages();
  }, 120000);
  afterAll(async () => {
    for (const owner of owners) await removeLabelled(docker, 'wharf.owner', owner);
  });

  it('when a plan is applied until converged, then HTTP through the endpoint reaches both replicas and HAProxy sees them UP', async () => {
    const { driver, plan } = setUp(2);
    const steps = await applyUntilConverged(driver, plan);
    expect(steps[0]).toEqual({ phase: 'scaling', ready: 0, desired: 2 });

    const observed = (await driver.listOwned()).find((s) => s.serviceId === plan.serviceId);
    expect(observed?.replicas).toHaveLength(2);
    expect(
      observed?.replicas.every((r) => r.state === 'running' && r.image === TEST_IMAGES.httpd),
    ).toBe(true);
    const lb = observed?.lb;
    expect(lb?.endpoint?.host).toBe('127.0.0.1');
    const ips = observed?.replicas.map((r) => r.ip).sort();
    const stats = parseShowStat(await driver.runtimeCommand(lb!, 'show stat'));
    expect(
      stats
        .filter((s) => s.health === 'UP')
        .map((s) => s.address)
        .sort(),
    ).toEqual(ips);

    const seen = new Set(await hostnamesSeen(`http://127.0.0.1:${lb!.endpoint!.port}`, 6));
    expect(seen).toEqual(new Set(observed!.replicas.map((r) => r.id.slice(0, 12))));
  });

  it('when the LB runs, then only ServicePort is published and the runtime API answers only from inside it', async () => {
    const { driver, plan } = setUp(1);
    await applyUntilConverged(driver, plan);
    const observed = (await driver.listOwned()).find((s) => s.serviceId === plan.serviceId);
    const lb = await docker.getContainer(observed!.lb!.id).inspect();
    expect(Object.keys(lb.HostConfig.PortBindings ?? {})).toEqual(['80/tcp']);
    expect(Object.keys(lb.NetworkSettings.Ports)).toEqual(['80/tcp']);
    expect(await driver.runtimeCommand(observed!.lb!, 'show info')).toMatch(/^Name: HAProxy/m);

    // A replica on the service network cannot reach it, on the LB's address or any other.
    const lbIp = observed!.lb!.ip!;
    const exec = await docker.getContainer(observed!.replicas[0]!.id).exec({
      Cmd: ['sh', '-c', `printf 'show info\n' | nc -w 2 ${lbIp} 9999; echo "exit=$?"`],
      AttachStdout: true,
      AttachStderr: true,
    });
    const stream = await exec.start({ hijack: true, stdin: false });
    const output = await new Promise<string>((resolve) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
    });
    expect(output).not.toMatch(/Name: HAProxy/);
    expect(output).toMatch(/exit=1/);
  });

  it('when the image is missing and cannot be pulled, then fails with an image error naming it', async () => {
    const { driver } = setUp(1);
    await expect(driver.ensureImage('wharf-test/does-not-exist:1')).rejects.toMatchObject({
      kind: 'image',
      message: expect.stringContaining(
        'Image wharf-test/does-not-exist:1 is missing and could not be pulled',
      ),
    });
  });

  it('when asked to remove a container it does not own, then leaves it alone', async () => {
    const { driver, owner } = setUp(1);
    const foreign = await docker.createContainer({
      Image: TEST_IMAGES.httpd,
      Labels: { 'wharf.owner': `${owner}-other`, 'wharf.test.run': owner },
    });
    try {
      await driver.removeContainer(foreign.id, 0);
      await expect(foreign.inspect()).resolves.toMatchObject({ Id: foreign.id });
    } finally {
      await foreign.remove({ force: true });
    }
  });

  it('when a service is removed twice at once, or again once gone, then every removal finishes and nothing is left', async () => {
    const { driver, plan, owner } = setUp(2);
    await driver.apply(plan, undefined);
    expect((await countLabelled(docker, 'wharf.owner', owner)).containers).toBe(3);

    await Promise.all([
      driver.remove(plan.serviceId, { keepReplicas: false }),
      driver.remove(plan.serviceId, { keepReplicas: false }),
    ]);
    await driver.remove(plan.serviceId, { keepReplicas: false });

    expect(await countLabelled(docker, 'wharf.owner', owner)).toEqual({
      containers: 0,
      networks: 0,
      volumes: 0,
    });
  });

  it('when a service is removed, then no container, network or volume of it is left', async () => {
    const { driver, plan, owner } = setUp(1);
    const withVolume = {
      ...plan,
      replica: {
        ...plan.replica,
        volumes: [{ volume: 'data', containerPath: '/data', readOnly: false }],
      },
    };
    await driver.apply(withVolume, undefined);
    const before = await countLabelled(docker, 'wharf.owner', owner);
    expect(before).toEqual({ containers: 2, networks: 1, volumes: 1 });

    await driver.remove(plan.serviceId, { keepReplicas: false });

    expect(await countLabelled(docker, 'wharf.owner', owner)).toEqual({
      containers: 0,
      networks: 0,
      volumes: 0,
    });
  });
});
