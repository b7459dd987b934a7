import { execFileSync, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import request from 'supertest';
import { removeLabelled } from './support/cleanup';
import { createDockerTestApp, isActiveWith } from './support/docker-app';
import type { DockerTestApp } from './support/docker-app';
import { buildTestImages, describeWithDocker, TEST_IMAGES } from './support/docker-available';

const PROBE_PORT = 4199;
const REMOTE_MARKER = `remote-body-${randomUUID()}`;

/** A fake registry on 127.0.0.1:4199 that counts connections and answers with a marker text. */
async function startProbe(): Promise<{ connections: () => number; close(): Promise<void> }> {
  let connections = 0;
  const server = http.createServer((req, res) => {
    const body =
      req.url === '/v2/'
        ? '{}'
        : JSON.stringify({ errors: [{ code: 'DENIED', message: REMOTE_MARKER }] });
    res.writeHead(req.url === '/v2/' ? 200 : 403, { 'Content-Type': 'application/json' });
    res.end(body);
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(PROBE_PORT, '127.0.0.1', resolve));
  expect((server.address() as AddressInfo).port).toBe(PROBE_PORT);
  return {
    connections: () => connections,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

const body = (name: string, image: string) => ({
  Name: name,
  Image: image,
  ServicePort: 80,
  Protocol: 'http',
  Replicas: 1,
  HealthCheckInterval: 1,
  HealthCheckFall: 1,
  HealthCheckRise: 1,
});

describeWithDocker('Image references on the real engine (issue 9 item 7)', () => {
  const docker = new Docker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-image-'));
  const localTag = `127.0.0.1:${PROBE_PORT}/wharf-present-${randomUUID().slice(0, 8)}:1`;
  let probe: Awaited<ReturnType<typeof startProbe>>;
  let t: DockerTestApp;

  beforeAll(async () => {
    buildTestImages();
    probe = await startProbe();
    t = await createDockerTestApp(path.join(dir, 'default'));
  }, 120000);
  afterAll(async () => {
    await t.close();
    await removeLabelled(docker, 'wharf.owner', t.owner);
    await probe.close();
    // Untags only (the image stays under its own name); absent when the tagging test did not run.
    spawnSync('docker', ['rmi', localTag], { stdio: 'ignore' });
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when Image is 127.0.0.1:4199/probe:1, then 400 naming Image and dockerd never connects', async () => {
    const res = await request(t.app)
      .post('/services/create')
      .send(body('probe', `127.0.0.1:${PROBE_PORT}/probe:1`));
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: expect.stringMatching(/^Image 127\.0\.0\.1:4199\/probe:1/),
    });
    await t.module.reconciler.passOnce();
    await new Promise((r) => setTimeout(r, 1000));
    expect(probe.connections()).toBe(0);
  });

  it('when the engine already holds an image tagged with that registry, then it is used without a pull', async () => {
    execFileSync('docker', ['tag', TEST_IMAGES.httpd, localTag]);
    const res = await request(t.app).post('/services/create').send(body('present', localTag));
    expect(res.status).toBe(201);
    await t.waitFor('present', isActiveWith(1), 'present active with 1 replica');
    expect(probe.connections()).toBe(0);
    await request(t.app).delete('/services/present').expect(204);
  }, 90000);

  it('when an allowed registry refuses the pull, then the service fails without echoing its answer', async () => {
    const allowing = await createDockerTestApp(path.join(dir, 'allowing'), [], {
      allowedRegistries: [`127.0.0.1:${PROBE_PORT}`],
    });
    try {
      const image = `127.0.0.1:${PROBE_PORT}/probe:1`;
      expect(
        (await request(allowing.app).post('/services/create').send(body('pull', image))).status,
      ).toBe(201);
      const failed = await allowing.waitFor(
        'pull',
        (s) => s.Status === 'failed',
        'pull failed',
        60000,
      );
      expect(probe.connections()).toBeGreaterThan(0);
      expect(failed.Message).toMatch(
        /^Image 127\.0\.0\.1:4199\/probe:1 is missing and could not be pulled/,
      );
      expect(failed.Message).not.toContain(REMOTE_MARKER);
      expect(failed.Message).not.toMatch(/denied/i);
    } finally {
      await allowing.close();
      await removeLabelled(docker, 'wharf.owner', allowing.owner);
    }
  }, 90000);
});
