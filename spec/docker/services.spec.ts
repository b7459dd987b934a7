import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import request from 'supertest';
import { removeLabelled } from './support/cleanup';
import { createDockerTestApp, isActiveWith } from './support/docker-app';
import type { DockerTestApp } from './support/docker-app';
import { buildTestImages, TEST_IMAGES } from './support/docker-available';
import { describeEachEngine } from './support/engines';
import { eventually, get, hostnamesSeen, hostnamesUntilAllServe } from './support/http';

const fast = { HealthCheckInterval: 1, HealthCheckFall: 1, HealthCheckRise: 1 };
const web = {
  Name: 'web',
  Image: TEST_IMAGES.httpd,
  ServicePort: 80,
  Protocol: 'http',
  Replicas: 2,
  Labels: { app: 'web' },
  ...fast,
};
const shortIds = (ids: string[]): Set<string> => new Set(ids.map((id) => id.slice(0, 12)));

describeEachEngine('container services on the real engine', (engine) => {
  const docker = new Docker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-docker-'));
  let t: DockerTestApp;

  beforeAll(async () => {
    buildTestImages();
    t = await createDockerTestApp(dir, [], { engine: engine.engine });
  }, 120000);
  afterAll(async () => {
    await t.close();
    await engine.removeOwned(docker, t.owner);
    await removeLabelled(docker, 'wharf.owner', t.owner);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when created, then becomes active and HTTP through Endpoint reaches every replica in turn', async () => {
    const res = await request(t.app).post('/services/create').send(web);
    expect(res.status).toBe(201);
    const s = await t.waitFor('web', isActiveWith(2), 'web active with 2 UP replicas');
    expect(s.Message).toBe('Scaling complete');
    expect(s.Endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(s.IP).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    const seen = await hostnamesSeen(`http://${s.Endpoint}`, 6);
    expect(seen).toHaveLength(6);
    expect(new Set(seen)).toEqual(shortIds(s.Containers));
    // Round robin: consecutive requests alternate between the two replicas.
    expect(seen[0]).not.toBe(seen[1]);
  });

  it('when scaled 2→4→1, then every replica serves and the extra ones go away', async () => {
    await request(t.app).post('/services/web/update').send({ Replicas: 4 }).expect(200);
    const four = await t.waitFor('web', isActiveWith(4), 'web active with 4');
    expect(
      await hostnamesUntilAllServe(`http://${four.Endpoint}`, shortIds(four.Containers)),
    ).toEqual(shortIds(four.Containers));
    await request(t.app).post('/services/web/update').send({ Replicas: 1 }).expect(200);
    const one = await t.waitFor('web', isActiveWith(1), 'web active with 1');
    expect(await engine.runningReplicaIds(docker, t.owner)).toEqual(one.Containers);
    expect(
      await hostnamesUntilAllServe(`http://${one.Endpoint}`, shortIds(one.Containers)),
    ).toEqual(shortIds(one.Containers));
  });

  it('when a replica is killed, then it is replaced and traffic flows again', async () => {
    const before = await t.inspect('web');
    await docker.getContainer(before.Containers[0]!).kill();
    const after = await t.waitFor(
      'web',
      (s) => isActiveWith(1)(s) && s.Containers[0] !== before.Containers[0],
      'a replacement replica',
    );
    expect(await hostnamesSeen(`http://${after.Endpoint}`, 2)).toEqual([
      after.Containers[0]!.slice(0, 12),
      after.Containers[0]!.slice(0, 12),
    ]);
  });

  it('when the LB is removed by hand, then it is recreated and the service answers again', async () => {
    const lbs = await docker.listContainers({
      filters: JSON.stringify({ label: [`wharf.owner=${t.owner}`, 'wharf.role=lb'] }),
    });
    expect(lbs).toHaveLength(1);
    await docker.getContainer(lbs[0]!.Id).remove({ force: true });
    const s = await t.waitFor('web', (x) => isActiveWith(1)(x) && x.Endpoint !== '', 'a new LB');
    const again = await docker.listContainers({
      filters: JSON.stringify({ label: [`wharf.owner=${t.owner}`, 'wharf.role=lb'] }),
    });
    expect(again.map((c) => c.Id)).not.toContain(lbs[0]!.Id);
    expect((await get(`http://${s.Endpoint}/`)).status).toBe(200);
  });

  it('when the image changes under a steady request loop, then every request succeeds and all replicas run the new image', async () => {
    await request(t.app).post('/services/web/update').send({ Replicas: 2 }).expect(200);
    const before = await t.waitFor('web', isActiveWith(2), 'web back at 2');
    const failures: string[] = [];
    let total = 0;
    let looping = true;
    const loop = (async () => {
      while (looping) {
        const r = await get(`http://${before.Endpoint}/`);
        total += 1;
        if (r.status !== 200) failures.push(`${r.status} ${r.body}`);
        await new Promise((res) => setTimeout(res, 20));
      }
    })();
    const res = await request(t.app)
      .post('/services/web/update')
      .send({ Image: TEST_IMAGES.httpdV2 });
    expect(res.body).toMatchObject({
      Status: 'updating',
      Message: 'Rolling update 0/2',
      Image: TEST_IMAGES.httpdV2,
    });
    const after = await t.waitFor(
      'web',
      (s) => isActiveWith(2)(s) && s.Containers.every((id) => !before.Containers.includes(id)),
      'rolled replicas',
    );
    looping = false;
    await loop;
    const images = await Promise.all(
      after.Containers.map(
        async (id) => (await docker.getContainer(id).inspect()).Config.Labels['wharf.image'],
      ),
    );
    expect(images).toEqual([TEST_IMAGES.httpdV2, TEST_IMAGES.httpdV2]);
    expect(total).toBeGreaterThan(20);
    expect(failures).toEqual([]);
  }, 90000);

  it('when the image cannot be pulled, then the service is failed with the reason', async () => {
    await request(t.app)
      .post('/services/create')
      .send({ ...web, Name: 'broken', Image: 'wharf-test/missing:1' })
      .expect(201);
    const s = await t.waitFor('broken', (x) => x.Status === 'failed', 'broken failed');
    expect(s.Message).toMatch(/^Image wharf-test\/missing:1 is missing and could not be pulled/);
    await request(t.app).delete('/services/broken').expect(204);
  });

  it('when deleted, then no container, network or volume is left behind', async () => {
    await request(t.app).delete('/services/web').expect(204);
    await request(t.app).get('/services/web').expect(404);
    const left = await eventually(
      async () => {
        const c = await engine.countOwned(docker, t.owner);
        return Object.values(c).every((n) => n === 0) ? c : undefined;
      },
      20000,
      'nothing left',
    );
    expect(Object.values(left)).toEqual(Object.values(left).map(() => 0));
    expect(Object.keys(left)).toEqual(
      expect.arrayContaining(['containers', 'networks', 'volumes']),
    );
  });
});
