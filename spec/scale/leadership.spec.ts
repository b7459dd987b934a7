import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { FakeDriver } from '../../src/containers/drivers/fake/fake-driver';
import { createContainersModule } from '../../src/containers';
import type { ContainersModule } from '../../src/containers';
import type { Knex } from '../../src/db/knex';
import { migrateToLatest } from '../../src/db/migrate';
import { testSecretBox } from '../containers/support/test-secrets';
import { createTestDatabase } from '../support/test-database';
import type { TestDatabase } from '../support/test-database';

/**
 * Issue 10 item 4: of the processes of one installation (here: container modules with their own
 * connection pools on one database, driving one engine), only the lease holder converges; when
 * it dies another takes over within the lease, and the leader acts on changes made anywhere.
 */
const LEASE_MS = 1200;
const scope = { tenant: 'tenant-a', admin: true };

interface Process {
  name: string;
  module: ContainersModule;
  knex: Knex;
  passes: number;
}

let dir: string;
let database: TestDatabase;
let engine: FakeDriver;
const secrets = testSecretBox();
const processes: Process[] = [];

function start(name: string): Process {
  const knex = database.connect();
  const proc: Process = { name, knex, passes: 0, module: undefined as never };
  proc.module = createContainersModule({
    knex,
    // One installation: one key ring.
    secrets,
    owner: 'leadership-spec',
    logger: pino({ level: 'silent' }),
    config: {
      dockerHost: undefined,
      lbImage: 'haproxy:2.6',
      publishHost: '127.0.0.1',
      fipPool: [],
      maxReplicas: 5,
      allowedRegistries: ['docker.io'],
      tenantMaxServices: 50,
      tenantMaxReplicas: 100,
      publishPorts: { first: 30000, last: 32767 },
    },
    driver: engine,
    leadership: { leaseMs: LEASE_MS, watchMs: 100 },
    resyncMs: 60_000,
    busyMs: 100,
    onPass: () => {
      proc.passes++;
    },
  });
  processes.push(proc);
  return proc;
}

function leaders(): string[] {
  return processes.filter((p) => p.module.leadership.isLeader).map((p) => p.name);
}

function replicasOf(serviceId: string): string[] {
  return engine
    .all()
    .filter((c) => c.serviceId === serviceId && c.role === 'replica' && c.state === 'running')
    .map((c) => c.id);
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-leader-'));
  database = await createTestDatabase(dir);
  const knex = database.connect();
  await migrateToLatest(knex);
  await knex.destroy();
  engine = new FakeDriver();
});
afterEach(async () => {
  for (const p of processes.splice(0)) {
    await p.module.stop().catch(() => undefined);
    await p.knex.destroy().catch(() => undefined);
  }
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('reconciler leadership', () => {
  it('elects exactly one leader, which converges a service created through a follower', async () => {
    const a = start('a');
    const b = start('b');
    const c = start('c');
    await Promise.all([a.module.start(), b.module.start(), c.module.start()]);
    expect(leaders()).toHaveLength(1);
    const [leaderName] = leaders();
    const follower = [a, b, c].find((p) => p.name !== leaderName);
    if (follower === undefined) throw new Error('no follower');
    expect(await follower.module.leadership.currentLeader()).toBe(
      processes.find((p) => p.name === leaderName)?.module.leadership.holder,
    );

    const created = await follower.module.service.create(scope, {
      Name: 'web',
      Image: 'nginx',
      ContainerPort: 80,
      Replicas: 2,
      ServicePort: 80,
    });
    await eventually(() => replicasOf(created.record.id).length === 2, 10_000);
    // Only the leader ever ran a pass; the engine holds no duplicates.
    for (const p of processes) if (p.name !== leaderName) expect(p.passes).toBe(0);
    expect(replicasOf(created.record.id)).toHaveLength(2);
    expect(engine.all().filter((o) => o.role === 'lb')).toHaveLength(1);
  });

  it('when the leader dies, another process leads within the lease, never two at once, and repairs drift', async () => {
    const a = start('a');
    await a.module.start();
    const b = start('b');
    await b.module.start();
    expect(leaders()).toEqual(['a']);
    const created = await a.module.service.create(scope, {
      Name: 'web',
      Image: 'nginx',
      ContainerPort: 80,
      Replicas: 2,
      ServicePort: 80,
    });
    await eventually(() => replicasOf(created.record.id).length === 2, 10_000);

    // a's database goes away mid-flight (what b sees of a crash): a can renew no more.
    let overlap = false;
    const sampler = setInterval(() => {
      if (leaders().length > 1) overlap = true;
    }, 5);
    const diedAt = Date.now();
    await a.knex.destroy();
    await eventually(() => leaders().join() === 'b', 10_000);
    const failoverMs = Date.now() - diedAt;
    clearInterval(sampler);
    expect(overlap).toBe(false);
    // Lease plus one renewal interval, with generous slack for a busy machine.
    expect(failoverMs).toBeLessThan(LEASE_MS * 1.25 + 5000);

    const [victim] = replicasOf(created.record.id);
    engine.setState(victim ?? 'none', 'removed');
    await eventually(
      () =>
        replicasOf(created.record.id).length === 2 &&
        !replicasOf(created.record.id).includes(victim ?? ''),
      10_000,
    );
    expect(b.passes).toBeGreaterThan(0);
  });

  it('when the lease holder was a process on this host that is gone, takes over without waiting for the lease', async () => {
    const gone = spawnSync('true');
    const namespace = fs.readlinkSync('/proc/self/ns/pid').replace(/\D/g, '');
    const knex = database.connect();
    await knex('leadership_leases').insert({
      name: 'containers',
      holder: `${os.hostname()}:${gone.pid}:${namespace}:killed`,
      expires_at: Date.now() + 60_000,
      acquired_at: Date.now(),
    });
    await knex.destroy();
    const a = start('a');
    await a.module.start();
    expect(leaders()).toEqual(['a']);
  });

  it('when the lease holder lives (here: this very process), waits for its lease', async () => {
    const knex = database.connect();
    await knex('leadership_leases').insert({
      name: 'containers',
      holder: `${os.hostname()}:${process.pid}:0:other-wharf`,
      expires_at: Date.now() + 60_000,
      acquired_at: Date.now(),
    });
    await knex.destroy();
    const a = start('a');
    await a.module.start();
    expect(leaders()).toEqual([]);
    expect(a.passes).toBe(0);
  });

  it('when the leader stops gracefully, it hands the lease over at once', async () => {
    const a = start('a');
    await a.module.start();
    const b = start('b');
    await b.module.start();
    expect(leaders()).toEqual(['a']);
    await a.module.stop();
    // Released at once (not left to run out): b takes it on its next try.
    const row: { holder: string; expires_at: string | number } | undefined = await b
      .knex('leadership_leases')
      .where({ name: 'containers' })
      .first('holder', 'expires_at');
    expect(row?.holder === b.module.leadership.holder || Number(row?.expires_at) === 0).toBe(true);
    await eventually(() => leaders().join() === 'b', 5_000);
  });
});

async function eventually(check: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
