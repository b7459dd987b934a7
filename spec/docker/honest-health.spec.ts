import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import request from 'supertest';
import type { WireService } from '../../src/containers';
import { removeLabelled } from './support/cleanup';
import { createDockerTestApp, isActiveWith } from './support/docker-app';
import type { DockerTestApp } from './support/docker-app';
import { buildTestImages, describeWithDocker, TEST_IMAGES } from './support/docker-available';
import { get } from './support/http';

/** Replicas get this long to become healthy before the change fails (or rolls back). */
const START_TIMEOUT_MS = 10000;

const service = (name: string, patch: Record<string, unknown> = {}): Record<string, unknown> => ({
  Name: name,
  Image: TEST_IMAGES.httpd,
  ServicePort: 80,
  Protocol: 'http',
  Replicas: 2,
  HealthCheckInterval: 1,
  HealthCheckFall: 1,
  HealthCheckRise: 1,
  ...patch,
});

/**
 * Issue 9 item 5 on the real engine and HAProxy: a replica counts only after its checks passed,
 * a service whose replicas never serve fails with the cause, an update to such an image is rolled
 * back while the old replicas keep serving.
 */
describeWithDocker('honest health on the real engine', () => {
  const docker = new Docker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-health-'));
  let t: DockerTestApp;

  beforeAll(async () => {
    buildTestImages();
    t = await createDockerTestApp(dir, [], { replicaStartTimeoutMs: START_TIMEOUT_MS });
  }, 120000);
  afterAll(async () => {
    await t.close();
    await removeLabelled(docker, 'wharf.owner', t.owner);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Polls the service until `done`, keeping every view seen on the way. */
  async function follow(
    name: string,
    done: (s: WireService) => boolean,
    timeoutMs: number,
  ): Promise<WireService[]> {
    const seen: WireService[] = [];
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const s = await t.inspect(name);
      seen.push(s);
      if (done(s)) return seen;
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error(`${name}: not done after ${timeoutMs} ms; last ${JSON.stringify(seen.at(-1))}`);
  }

  it('when the image exits at once, then failed naming the exit code, never active', async () => {
    await request(t.app)
      .post('/services/create')
      .send(service('exits', { Image: TEST_IMAGES.exits }))
      .expect(201);
    const seen = await follow('exits', (s) => s.Status === 'failed', 60000);
    expect(seen.map((s) => s.Status)).not.toContain('active');
    expect(seen.at(-1)?.Message).toMatch(
      /^Replicas of wharf-test\/exits:latest never became healthy: replica exited with code 1/,
    );
  });

  it('when nothing answers on ContainerPort, then no backend is ever UP and it fails with "no answer on port 81"', async () => {
    // The httpd image serves on 80; checks go to 81. Slow checks widen the window in which
    // HAProxy shows a freshly resolved server UP before its first check.
    await request(t.app)
      .post('/services/create')
      .send(
        service('port81', {
          ContainerPort: 81,
          HealthCheckInterval: 3,
          HealthCheckFall: 3,
          HealthCheckRise: 2,
        }),
      )
      .expect(201);
    const seen = await follow('port81', (s) => s.Status === 'failed', 60000);
    expect(seen.map((s) => s.Status)).not.toContain('active');
    expect(seen.flatMap((s) => s.Backends.map((b) => b.Health))).not.toContain('UP');
    expect(seen.at(-1)?.Message).toContain('never became healthy: no answer on port 81');
    expect(seen.at(-1)?.Containers).toHaveLength(2);
  });

  it('when a rolling update goes to an image that never answers, then it is rolled back and the old replicas serve throughout', async () => {
    await request(t.app).post('/services/create').send(service('roll')).expect(201);
    const before = await t.waitFor('roll', isActiveWith(2), 'roll active with 2');
    const base = `http://${before.Endpoint}`;
    let serving = true;
    const answers: number[] = [];
    const load = (async () => {
      while (serving) {
        answers.push((await get(base)).status);
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      await request(t.app)
        .post('/services/roll/update')
        .send({ Image: TEST_IMAGES.deaf })
        .expect(200);
      const seen = await follow(
        'roll',
        (s) => s.Status === 'active' && s.Image === TEST_IMAGES.httpd && s.Containers.length === 2,
        60000,
      );
      const after = seen.at(-1);
      expect(after?.Message).toBe(
        `Rolled back to ${TEST_IMAGES.httpd}: ${TEST_IMAGES.deaf} never became healthy (no answer on port 80)`,
      );
      // The old replicas were never stopped.
      expect(new Set(after?.Containers)).toEqual(new Set(before.Containers));
    } finally {
      serving = false;
      await load;
    }
    expect(answers.length).toBeGreaterThan(10);
    expect(answers.filter((status) => status !== 200)).toEqual([]);
  });
});
