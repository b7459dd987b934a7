import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import Docker from 'dockerode';
import pino from 'pino';
import request from 'supertest';
import { countLabelled, removeLabelled } from './support/cleanup';
import { createDockerTestApp, isActiveWith } from './support/docker-app';
import type { DockerTestApp } from './support/docker-app';
import { buildTestImages, describeWithDocker, TEST_IMAGES } from './support/docker-available';
import { eventually } from './support/http';
import { lbCommand, slots } from './support/lb-runtime';

const base = {
  Image: TEST_IMAGES.httpd,
  ServicePort: 80,
  Protocol: 'http',
  HealthCheckInterval: 1,
  HealthCheckFall: 1,
  HealthCheckRise: 1,
};

/**
 * What a Wharf killed mid-operation, or a hand on the engine, leaves behind, and how the
 * reconciler repairs it (issues 16 and 9 item 3).
 */
describeWithDocker('recovery on the real engine', () => {
  const docker = new Docker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-recovery-'));
  const logLines: string[] = [];
  let t: DockerTestApp;

  const create = (name: string, replicas: number) =>
    request(t.app)
      .post('/services/create')
      .send({ ...base, Name: name, Replicas: replicas })
      .expect(201);
  const serviceId = async (name: string): Promise<string> => {
    const row: { guid: string } | undefined = await t
      .knex('container_services')
      .where({ name })
      .first('guid');
    if (row === undefined) throw new Error(`no service ${name}`);
    return row.guid;
  };
  const lbOf = async (name: string): Promise<string> => {
    const [lb] = await docker.listContainers({
      filters: JSON.stringify({
        label: [`wharf.owner=${t.owner}`, `wharf.service.name=${name}`, 'wharf.role=lb'],
      }),
    });
    if (lb === undefined) throw new Error(`no LB for ${name}`);
    return lb.Id;
  };

  beforeAll(async () => {
    buildTestImages();
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logLines.push(
          ...chunk
            .toString('utf8')
            .split('\n')
            .filter((l) => l !== ''),
        );
        done();
      },
    });
    t = await createDockerTestApp(
      path.join(dir, 'wharf.sqlite'),
      [],
      {},
      pino({ level: 'info' }, sink),
    );
  }, 120000);
  afterAll(async () => {
    await t.close();
    await removeLabelled(docker, 'wharf.owner', t.owner);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a replica was left created but never started (Wharf killed between the two), then it is replaced, not counted', async () => {
    await create('made', 1);
    const before = await t.waitFor('made', isActiveWith(1), 'made active');
    await t.module.stop();
    // What a kill between create and start leaves: a replica container that never ran.
    const running = await docker.getContainer(before.Containers[0]!).inspect();
    const stuck = await docker.createContainer({
      name: `${running.Name.replace(/^\//, '')}-stuck`,
      Image: running.Config.Image,
      Labels: running.Config.Labels,
      HostConfig: { NetworkMode: running.HostConfig.NetworkMode },
    });
    await request(t.app).post('/services/made/update').send({ Replicas: 2 }).expect(200);
    await t.restart();

    const after = await t.waitFor('made', isActiveWith(2), 'made active with 2 started replicas');
    expect(after.Containers).not.toContain(stuck.id);
    expect(after.Containers).toContain(before.Containers[0]);
    await expect(stuck.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it.each([
    ['put in MAINT by hand', 'maint', false],
    ['left in DRAIN by a Wharf killed mid-drain', 'drain', true],
  ])(
    'when a serving backend is %s, then the reconciler puts it back into rotation',
    async (_how, state, restart) => {
      const name = `slot-${state}`;
      await create(name, 2);
      await t.waitFor(name, isActiveWith(2), `${name} active`);
      if (restart) await t.module.stop();
      const lb = await lbOf(name);
      const [victim] = await slots(docker, lb);
      await lbCommand(docker, lb, `set server replicas/${victim!.server} state ${state}`);
      expect((await slots(docker, lb)).find((s) => s.server === victim!.server)?.status).toMatch(
        /^(MAINT|DRAIN)/,
      );
      if (restart) await t.restart();

      await eventually(
        async () => {
          const slot = (await slots(docker, lb)).find((s) => s.server === victim!.server);
          return slot?.status.startsWith('UP') === true ? true : undefined;
        },
        20000,
        `${victim!.server} back UP`,
      );
      await t.waitFor(name, isActiveWith(2), `${name} with 2 UP backends`);
    },
  );

  it('when a service is deleted while the reconciler passes, then the orphan sweep leaves it to the delete (no warning)', async () => {
    await create('bye', 2);
    await t.waitFor('bye', isActiveWith(2), 'bye active');
    const id = await serviceId('bye');
    logLines.length = 0;

    const deleting = request(t.app)
      .delete('/services/bye')
      .then((r) => r.status);
    // The delete stops the LB and replicas with grace periods; sweep passes run meanwhile.
    await new Promise((r) => setTimeout(r, 200));
    await Promise.all([t.module.reconciler.passOnce(), t.module.reconciler.passOnce()]);
    expect(await deleting).toBe(204);
    await t.module.reconciler.passOnce();

    const about = logLines.filter((l) => l.includes(id));
    expect(about).toEqual([]);
    expect(await countLabelled(docker, 'wharf.service', id)).toEqual({
      containers: 0,
      networks: 0,
      volumes: 0,
    });
  });

  it('when a service’s objects are already gone, then DELETE still finishes and leaves nothing', async () => {
    await create('vanished', 1);
    await t.waitFor('vanished', isActiveWith(1), 'vanished active');
    const id = await serviceId('vanished');
    await t.module.stop();
    await removeLabelled(docker, 'wharf.service', id);

    await request(t.app).delete('/services/vanished').expect(204);
    await request(t.app).get('/services/vanished').expect(404);
    await t.restart();
    expect(await countLabelled(docker, 'wharf.service', id)).toEqual({
      containers: 0,
      networks: 0,
      volumes: 0,
    });
  });
});
