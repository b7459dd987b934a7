import request from 'supertest';
import { ManualClock } from '../../src/clock';
import { ContainerServiceEngine } from '../../src/osb-server/container-engine';
import type { WireService } from '../../src/containers';
import { readFixture } from './plan-fixtures';
import { createTestApp, USERS } from './support/containers-app';
import type { TestApp } from './support/containers-app';

const seed: Record<string, unknown> = JSON.parse(readFixture('containers', 'create-http.json'));
const alice = { 'x-test-user': USERS.alice };

/** Issue 9 item 5 on the fake engine: replicas that never serve fail the change or roll it back. */
describe('honest health (fake engine)', () => {
  let t: TestApp;
  const clock = new ManualClock();
  beforeEach(async () => {
    t = await createTestApp({ replicaStartTimeoutMs: 30000 }, { now: () => clock.now() });
  });
  afterEach(async () => {
    await t.close();
  });

  const create = (body: Record<string, unknown>) =>
    request(t.app).post('/services/create').set(alice).send(body);
  const update = (body: object) =>
    request(t.app).post('/services/http/update').set(alice).send(body);
  const get = async (): Promise<WireService> =>
    (await request(t.app).get('/services/http').set(alice)).body as WireService;
  const passes = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) await t.module.reconciler.passOnce();
  };
  const replicas = () => t.driver.all().filter((c) => c.role === 'replica');

  it('when every replica exits at once, then failed naming the exit code, not active', async () => {
    t.driver.crashingImages.set('nginx', 1);
    await create(seed);
    await passes(6);
    expect(await get()).toMatchObject({
      Status: 'failed',
      Message: expect.stringMatching(
        /^Replicas of nginx never became healthy: replica exited with code 1 \(0\/2 ready\) \(retrying in \d+s\)$/,
      ),
    });
  });

  it('when replicas run but never pass a check, then updating until the timeout, then failed with the cause', async () => {
    t.driver.unhealthyImages.add('nginx');
    t.driver.checkProblem = 'no answer on port 80';
    await create(seed);
    await passes(4);
    expect(await get()).toMatchObject({ Status: 'updating', Message: 'Scaling 0/2' });
    clock.advance(30001);
    await passes(1);
    expect(await get()).toMatchObject({
      Status: 'failed',
      Message: expect.stringContaining('never became healthy: no answer on port 80 (0/2 ready)'),
    });
    // Retried with back-off, it stays failed (never back to updating) until the replicas serve.
    for (let i = 0; i < 4; i++) {
      clock.advance(31000);
      await passes(2);
      expect(await get()).toMatchObject({ Status: 'failed' });
    }
    // Fixed later (the checks pass): active again.
    t.driver.unhealthyImages.clear();
    clock.advance(60000);
    await passes(3);
    expect(await get()).toMatchObject({ Status: 'active', Message: 'Scaling complete' });
  });

  it('when Wharf restarts half-way through the timeout, then the change still fails at the deadline counted from its acceptance', async () => {
    t.driver.unhealthyImages.add('nginx');
    t.driver.checkProblem = 'no answer on port 80';
    await create(seed);
    await passes(3);
    clock.advance(20000);
    await passes(1);
    expect(await get()).toMatchObject({ Status: 'updating', Message: 'Scaling 0/2' });
    await t.restart();
    await passes(3);
    // Not failed early either: 20 s of 30 s have passed.
    expect(await get()).toMatchObject({ Status: 'updating', Message: 'Scaling 0/2' });
    // 30 s after acceptance, 10 s after the restart.
    clock.advance(10001);
    await passes(1);
    expect(await get()).toMatchObject({
      Status: 'failed',
      Message: expect.stringContaining('never became healthy: no answer on port 80 (0/2 ready)'),
    });
  });

  it('when an older Wharf stored the change (no start for its generation), then it counts from the first pass that saw it, across a restart', async () => {
    t.driver.unhealthyImages.add('nginx');
    t.driver.checkProblem = 'no answer on port 80';
    await create(seed);
    // As a Wharf from before the change columns leaves a new service (or a user change).
    await t.knex('container_services').update({ change_started_at: null, change_generation: null });
    clock.advance(3_600_000);
    await passes(2);
    expect(await get()).toMatchObject({ Status: 'updating' });
    clock.advance(20000);
    await t.restart();
    await passes(2);
    expect(await get()).toMatchObject({ Status: 'updating' });
    clock.advance(10001);
    await passes(1);
    expect(await get()).toMatchObject({
      Status: 'failed',
      Message: expect.stringContaining('never became healthy: no answer on port 80 (0/2 ready)'),
    });
  });

  it('when a crash loop failed the change and Wharf restarts, then it is failed again at once, never updating', async () => {
    t.driver.crashingImages.set('nginx', 1);
    await create(seed);
    await passes(6);
    expect(await get()).toMatchObject({ Status: 'failed' });
    const before = t.changes.length;
    await t.restart();
    // Within the timeout (30 s): only the stored exits can keep it failed.
    for (let i = 0; i < 4; i++) {
      await passes(2);
      expect(await get()).toMatchObject({
        Status: 'failed',
        Message: expect.stringMatching(
          /^Replicas of nginx never became healthy: replica exited with code 1 \(0\/2 ready\)/,
        ),
      });
      clock.advance(5000);
    }
    const statuses = t.changes.slice(before).map((c) => c.detail?.status);
    expect(statuses).not.toContain('updating');
    expect(t.driver.all().filter((c) => c.role === 'replica').length).toBeGreaterThan(0);
  });

  it('when a rolling update crashes, then it is rolled back and the old replicas never stopped serving', async () => {
    await create(seed);
    await passes(3);
    const before = replicas().map((c) => c.id);
    expect(await get()).toMatchObject({ Status: 'active' });
    t.driver.crashingImages.set('nginx:broken', 1);
    expect((await update({ Image: 'nginx:broken' })).status).toBe(200);
    await passes(8);
    const body = await get();
    expect(body).toMatchObject({
      Status: 'active',
      Image: 'nginx',
      Message:
        'Rolled back to nginx: nginx:broken never became healthy (replica exited with code 1)',
    });
    expect(t.health.retired).toEqual([]);
    expect(
      replicas()
        .filter((c) => c.state === 'running')
        .map((c) => c.id),
    ).toEqual(before);
    // The message stays once converged; a later change replaces it.
    await passes(3);
    expect((await get()).Message).toMatch(/^Rolled back to nginx/);
    await update({ Replicas: 3 });
    await passes(3);
    expect(await get()).toMatchObject({ Status: 'active', Message: 'Scaling complete' });
  });

  it('when a rolling update never answers, then after the timeout it is rolled back', async () => {
    await create(seed);
    await passes(3);
    t.driver.unhealthyImages.add('nginx:deaf');
    t.driver.checkProblem = 'no answer on port 80';
    await update({ Image: 'nginx:deaf' });
    await passes(4);
    expect(await get()).toMatchObject({ Status: 'updating', Message: 'Rolling update 0/2' });
    clock.advance(30001);
    await passes(4);
    expect(await get()).toMatchObject({
      Status: 'active',
      Image: 'nginx',
      Message: 'Rolled back to nginx: nginx:deaf never became healthy (no answer on port 80)',
    });
    expect(replicas().map((c) => c.image)).toEqual(['nginx', 'nginx']);
  });

  it('when an active replica keeps exiting (killed by hand), then the service is not judged: it stays active', async () => {
    await create(seed);
    await passes(3);
    for (let i = 0; i < 4; i++) {
      const [victim] = replicas();
      t.driver.setState(victim!.id, 'exited', 137);
      await passes(2);
    }
    expect(await get()).toMatchObject({ Status: 'active' });
  });
});

describe("Wharf's OSB broker over a rolled-back update", () => {
  it('when the container service rolled an update back, then the engine reports the update failed', async () => {
    const t = await createTestApp({ replicaStartTimeoutMs: 30000 });
    try {
      const scope = { tenant: 'space-tenant', admin: false };
      const engine = new ContainerServiceEngine(t.module.service);
      const ref = { tenant: scope.tenant, name: 'http' };
      await t.module.service.create(scope, seed);
      for (let i = 0; i < 3; i++) await t.module.reconciler.passOnce();
      expect(await engine.progress(ref)).toMatchObject({ state: 'succeeded' });
      t.driver.crashingImages.set('nginx:broken', 1);
      expect(await engine.update(ref, { image: 'nginx:broken' })).toEqual({ ok: true });
      for (let i = 0; i < 8; i++) await t.module.reconciler.passOnce();
      expect(await engine.settings(ref)).toEqual({ replicas: 2, image: 'nginx' });
      expect(await engine.progress(ref)).toEqual({
        state: 'failed',
        description:
          'Rolled back to nginx: nginx:broken never became healthy (replica exited with code 1)',
      });
    } finally {
      await t.close();
    }
  });
});
