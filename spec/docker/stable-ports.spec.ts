import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import pino from 'pino';
import request from 'supertest';
import { removeLabelled } from './support/cleanup';
import { createDockerTestApp, isActiveWith } from './support/docker-app';
import type { DockerTestApp } from './support/docker-app';
import { buildTestImages, describeWithDocker, TEST_IMAGES } from './support/docker-available';
import { get } from './support/http';

const base = {
  Image: TEST_IMAGES.httpd,
  ServicePort: 80,
  Protocol: 'http',
  Replicas: 1,
  HealthCheckInterval: 1,
  HealthCheckFall: 1,
  HealthCheckRise: 1,
};

const listen = (port: number): Promise<net.Server> =>
  new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve(server);
    });
  });
const close = (server: net.Server): Promise<void> =>
  new Promise((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
const portOf = (server: net.Server): number => {
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
};

/** Issue 9 item 6: the published port is desired state; the LB always comes back on it. */
describeWithDocker('stable published ports on the real engine', () => {
  const docker = new Docker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-ports-'));
  let t: DockerTestApp;
  let occupied: net.Server;
  let first: number;

  beforeAll(async () => {
    buildTestImages();
    // A two-port range whose first port another program holds: allocation must skip it.
    occupied = await listen(0);
    first = portOf(occupied);
    await close(await listen(first + 1));
    t = await createDockerTestApp(
      path.join(dir, 'wharf.sqlite'),
      [],
      { publishPorts: { first, last: first + 1 } },
      pino({ level: 'silent' }),
      () => 0,
    );
  }, 120000);
  afterAll(async () => {
    await t.close();
    await close(occupied);
    await removeLabelled(docker, 'wharf.owner', t.owner);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when the first port of the range is in use, then the service gets the next one, stored; and when its LB is removed by hand, it comes back on that port', async () => {
    await request(t.app)
      .post('/services/create')
      .send({ ...base, Name: 'steady' })
      .expect(201);
    const s = await t.waitFor('steady', isActiveWith(1), 'steady active');
    expect(s.Endpoint).toBe(`127.0.0.1:${first + 1}`);
    const row: { publish_port: number | string } = await t
      .knex('container_services')
      .where({ name: 'steady' })
      .first('publish_port');
    expect(Number(row.publish_port)).toBe(first + 1);

    const [lb] = await docker.listContainers({
      filters: JSON.stringify({ label: [`wharf.owner=${t.owner}`, 'wharf.role=lb'] }),
    });
    await docker.getContainer(lb!.Id).remove({ force: true });
    const again = await t.waitFor(
      'steady',
      (x) => isActiveWith(1)(x) && x.Endpoint !== '',
      'the LB back',
    );
    expect(again.Endpoint).toBe(`127.0.0.1:${first + 1}`);
    expect((await get(`http://${again.Endpoint}/`)).status).toBe(200);
  });
});
