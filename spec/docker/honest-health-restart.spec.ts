import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import request from 'supertest';
import { removeLabelled } from './support/cleanup';
import { createDockerTestApp } from './support/docker-app';
import type { DockerTestApp } from './support/docker-app';
import { buildTestImages, describeWithDocker, TEST_IMAGES } from './support/docker-available';
import { eventually } from './support/http';

/**
 * Far longer than this spec runs in real time: only the rebuilt Wharf's clock, moved by the spec,
 * reaches it. Had the restart started the timeout afresh, the change would fail only half a
 * timeout (five minutes) after the clock passed the original deadline, far beyond the waits here.
 */
const START_TIMEOUT_MS = 600_000;
const WAIT_MS = 60_000;

/**
 * Issue 9 item 5 / issue 16 on the real engine and HAProxy: a change's start timeout counts from
 * when it was accepted, so a change whose replicas never serve still ends `failed` at its original
 * deadline when Wharf is rebuilt (new process state, new connection pool, same database) half-way.
 */
describeWithDocker('a change whose replicas never serve, across a Wharf restart', () => {
  const docker = new Docker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-health-restart-'));
  let t: DockerTestApp;

  beforeAll(async () => {
    buildTestImages();
    t = await createDockerTestApp(dir, [], { replicaStartTimeoutMs: START_TIMEOUT_MS });
  }, 120_000);
  afterAll(async () => {
    await t.close();
    await removeLabelled(docker, 'wharf.owner', t.owner);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it(
    'when Wharf is rebuilt half-way through the timeout, then the change fails at the original deadline, not a full timeout after the restart',
    async () => {
      // The first Wharf reads the real clock: the change is accepted between these two readings.
      const acceptedAfter = Date.now();
      await request(t.app)
        .post('/services/create')
        .send({
          Name: 'deaf',
          Image: TEST_IMAGES.deaf,
          ServicePort: 80,
          Protocol: 'http',
          Replicas: 1,
          HealthCheckInterval: 1,
          HealthCheckFall: 1,
          HealthCheckRise: 1,
        })
        .expect(201);
      const acceptedBefore = Date.now();
      await t.waitFor(
        'deaf',
        (s) => s.Status === 'updating' && s.Containers.length === 1,
        'deaf updating with its replica',
        WAIT_MS,
      );

      // Rebuilt with a clock half-way through the timeout; the spec moves it from here on.
      let offsetMs = acceptedBefore + START_TIMEOUT_MS / 2 - Date.now();
      const clock = (): Date => new Date(Date.now() + offsetMs);
      let passes = 0;
      await t.restart({
        now: clock,
        onPass: () => {
          passes += 1;
        },
      });
      await eventually(
        () => Promise.resolve(passes >= 3 ? true : undefined),
        WAIT_MS,
        'three passes of the rebuilt Wharf',
      );
      const halfWay = await t.inspect('deaf');
      expect(halfWay).toMatchObject({ Status: 'updating', Message: 'Scaling 0/1' });
      expect(clock().getTime() - acceptedAfter).toBeLessThan(START_TIMEOUT_MS);

      // Just past the original deadline; a timeout counted from the restart has half to go.
      offsetMs = acceptedBefore + START_TIMEOUT_MS + 1000 - Date.now();
      const failed = await t.waitFor('deaf', (s) => s.Status === 'failed', 'deaf failed', WAIT_MS);
      // The deadline is what this spec is about. The cause comes from HAProxy's checks, which the
      // rebuilt Wharf may not have read yet on a loaded machine: then the timeout is the cause.
      expect(failed.Message).toMatch(
        /^Replicas of wharf-test\/deaf:latest never became healthy: (no answer on port 80|not healthy within 600s of starting) \(0\/1 ready\)/,
      );
    },
    4 * WAIT_MS,
  );
});
