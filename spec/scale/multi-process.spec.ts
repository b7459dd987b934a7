import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from '../../src/db/knex';
import {
  buildWharfOnce,
  callWharf,
  freePort,
  guidOf,
  passwordLogin,
  WharfProcess,
} from '../crash/support';
import type { Json } from '../crash/support';
import { describeWithDocker, TEST_IMAGES } from '../docker/support/docker-available';
import { FakeBroker, reply } from '../support/fake-broker';
import { instanceCatalog } from '../support/instances';
import { createTestDatabase } from '../support/test-database';
import type { TestDatabase } from '../support/test-database';

/**
 * Issue 10 item 6, the proof: three real `wharf serve` processes of one installation on one
 * database (PostgreSQL in the PostgreSQL run; on SQLite, the three share one database file, as
 * processes on one host may) and the real engine. Tokens, catalog writes and jobs are shared; one
 * process leads the reconciler, and when it is killed with SIGKILL another takes over.
 */
jest.setTimeout(600_000);

const ADMIN_PASSWORD = 'scale-admin-password';
const MASTER_KEY = randomBytes(32).toString('base64');
const INSTALLATION = `scale-spec-${randomBytes(4).toString('hex')}`;
/** Every process has the same external URL: tokens carry it as `iss`. */
const EXTERNAL_URL = 'http://wharf-lb.test';
const FAILOVER_LIMIT_MS = 15_000;

let mainJs: string;
let database: TestDatabase;
let knex: Knex;
let root: string;
let broker: FakeBroker;
const processes: WharfProcess[] = [];
const tokens = new Map<WharfProcess, string>();

function api(p: WharfProcess, method: string, url: string, body?: unknown): Promise<Json> {
  return callWharf(p.url, tokens.get(p) ?? '', method, url, body);
}

function login(p: WharfProcess): Promise<string> {
  return passwordLogin(p.url, 'admin', ADMIN_PASSWORD);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function docker(...args: string[]): string {
  return execFileSync('docker', args, { encoding: 'utf8' }).trim();
}

/** This installation's running containers of a role for one service, by id. */
function running(serviceId: string, role: 'replica' | 'lb'): string[] {
  const out = docker(
    'ps',
    '-q',
    '--no-trunc',
    '--filter',
    `label=wharf.owner=${INSTALLATION}`,
    '--filter',
    `label=wharf.service=${serviceId}`,
    '--filter',
    `label=wharf.role=${role}`,
  );
  return out === '' ? [] : out.split('\n');
}

async function leaseHolder(): Promise<string | undefined> {
  const row: { holder: string; expires_at: string | number } | undefined = await knex(
    'leadership_leases',
  )
    .where({ name: 'containers' })
    .first('holder', 'expires_at');
  return row !== undefined && Number(row.expires_at) > Date.now() ? row.holder : undefined;
}

function processOf(holder: string | undefined): WharfProcess | undefined {
  const pid = Number(holder?.split(':')[1]);
  return processes.find((p) => p.pid === pid);
}

function cleanUpEngine(): void {
  const filter = `label=wharf.owner=${INSTALLATION}`;
  const containers = docker('ps', '-aq', '--filter', filter);
  if (containers !== '') docker('rm', '-fv', ...containers.split('\n'));
  const networks = docker('network', 'ls', '-q', '--filter', filter);
  if (networks !== '') docker('network', 'rm', ...networks.split('\n'));
  const volumes = docker('volume', 'ls', '-q', '--filter', filter);
  if (volumes !== '') docker('volume', 'rm', ...volumes.split('\n'));
}

describeWithDocker('three wharf serve processes of one installation', () => {
  beforeAll(async () => {
    mainJs = buildWharfOnce();
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-scale-'));
    database = await createTestDatabase(root);
    knex = database.connect();
    broker = await FakeBroker.start({ catalog: instanceCatalog() });
    for (const name of ['a', 'b', 'c']) {
      // PostgreSQL: a data dir per process (as on different hosts); SQLite: the one shared file.
      const dataDir = database.databaseUrl === undefined ? root : path.join(root, name);
      const p = new WharfProcess(mainJs, dataDir, await freePort(), {
        ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
        WHARF_EXTERNAL_URL: EXTERNAL_URL,
        WHARF_MASTER_KEY: MASTER_KEY,
        WHARF_INSTALLATION_ID: INSTALLATION,
        WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
        WHARF_LB_IMAGE: TEST_IMAGES.haproxy,
        WHARF_JOB_TICK_MS: '100',
        WHARF_JOB_LEASE_SECONDS: '2',
        WHARF_POLL_INTERVAL_SECONDS: '0.2',
        WHARF_LEADER_LEASE_SECONDS: '10',
      });
      // One after the other: the first migrates, the others find the schema in place.
      await p.start();
      processes.push(p);
    }
    for (const p of processes) tokens.set(p, await login(p));
  });

  afterAll(async () => {
    for (const p of processes) await p.kill();
    cleanUpEngine();
    await broker.close();
    await knex.destroy();
    await database.drop();
    fs.rmSync(root, { recursive: true, force: true });
    fs.rmSync(path.dirname(path.dirname(mainJs)), { recursive: true, force: true });
  });

  it('a token issued by any process is accepted by all', async () => {
    for (const issuer of processes) {
      for (const p of processes) {
        const res = await fetch(`${p.url}/v2/organizations`, {
          headers: { Authorization: `bearer ${tokens.get(issuer) ?? ''}` },
        });
        expect(res.status).toBe(200);
      }
    }
  });

  it('a catalog write through one process is visible through the others at once', async () => {
    for (let i = 0; i < 6; i++) {
      const writer = processes[i % 3];
      if (writer === undefined) throw new Error('no process');
      const label = `scale-${i}-${randomBytes(3).toString('hex')}`;
      const created = await api(writer, 'POST', '/v2/services', {
        label,
        description: 'written through one process',
        provider: 'scale',
        url: 'http://example.com',
        version: '1',
        bindable: true,
      });
      expect(created.status).toBe(201);
      for (const reader of processes) {
        // Read right after the commit: no process may answer from a stale page.
        const found = await api(reader, 'GET', `/v2/services?q=label:${label}`);
        expect(found.body.total_results).toBe(1);
        const page = await api(reader, 'GET', '/v2/services?results-per-page=100');
        expect(page.body.total_results).toBe(i + 1);
      }
    }
  });

  it('an async provision through one process is run once and completes, visible everywhere', async () => {
    const [a, b, c] = processes;
    if (a === undefined || b === undefined || c === undefined) throw new Error('no processes');
    const conn = broker.connection();
    const registered = await api(a, 'POST', '/v2/service_brokers', {
      name: 'scale-broker',
      broker_url: conn.url,
      auth_username: conn.username,
      auth_password: conn.password,
    });
    expect(registered.status).toBe(201);
    const plans = await api(b, 'GET', '/v2/service_plans?results-per-page=100');
    const plan = (
      plans.body.resources as Array<{ metadata: { guid: string }; entity: { unique_id: string } }>
    ).find((p) => p.entity.unique_id === 'svc-main-plan-1');
    expect(
      (await api(c, 'PUT', `/v2/service_plans/${plan?.metadata.guid ?? ''}`, { public: true }))
        .status,
    ).toBe(201);
    const org = await api(a, 'POST', '/v2/organizations', { name: 'scale-org' });
    const space = guidOf(
      await api(b, 'POST', '/v2/spaces', { name: 'scale', organization_guid: guidOf(org) }),
    );

    broker.on('PUT', '/v2/service_instances/:instance_id', reply.json(202, { operation: 'op-1' }));
    broker.on(
      'GET',
      '/v2/service_instances/:instance_id/last_operation',
      reply.json(200, { state: 'in progress' }),
      reply.json(200, { state: 'in progress' }),
      reply.json(200, { state: 'succeeded' }),
    );
    const provision = await api(c, 'POST', '/v2/service_instances?accepts_incomplete=true', {
      name: 'scale-async',
      space_guid: space,
      service_plan_guid: plan?.metadata.guid,
    });
    expect(provision.status).toBe(202);
    const guid = guidOf(provision);
    for (const reader of processes) {
      await until(
        `the provision to succeed, read through ${reader.url}`,
        async () => {
          const res = await api(reader, 'GET', `/v2/service_instances/${guid}`);
          const entity = res.body.entity as { last_operation?: { state?: string } } | undefined;
          return entity?.last_operation?.state === 'succeeded' ? true : undefined;
        },
        30_000,
      );
    }
    expect(broker.requestsTo('PUT', '/v2/service_instances/:instance_id')).toHaveLength(1);
    // Polled until it succeeded, and never again after (no second runner picked the job up).
    const polls = broker.requestsTo('GET', '/v2/service_instances/:instance_id/last_operation');
    expect(polls).toHaveLength(3);
  });

  it('one leader converges a container service created through another; when it is killed, another takes over and repairs drift, with no duplicates', async () => {
    const leader = processOf(await until('a reconciler leader', leaseHolder, 30_000));
    if (leader === undefined) throw new Error('the lease holder is none of the three processes');
    const creator = processes.find((p) => p !== leader);
    if (creator === undefined) throw new Error('no follower');
    const name = `scale-${randomBytes(3).toString('hex')}`;
    const created = await api(creator, 'POST', '/services/create', {
      Name: name,
      Image: TEST_IMAGES.httpd,
      ContainerPort: 80,
      Replicas: 2,
      Protocol: 'http',
      ServicePort: 80,
    });
    expect(created.status).toBe(201);
    const shown = await api(creator, 'GET', `/services/${name}`);
    expect(shown.status).toBe(200);
    const serviceId = await until(
      'the service id in the database',
      async () => {
        const row: { guid: string } | undefined = await knex('container_services')
          .where({ name })
          .first('guid');
        return row?.guid;
      },
      10_000,
    );
    await until(
      'two replicas and one load balancer',
      () =>
        Promise.resolve(
          running(serviceId, 'replica').length === 2 && running(serviceId, 'lb').length === 1
            ? true
            : undefined,
        ),
      120_000,
    );

    const killedAt = Date.now();
    await leader.kill();
    const next = await until(
      'another leader',
      async () => {
        const holder = await leaseHolder();
        const p = processOf(holder);
        return p !== undefined && p !== leader ? p : undefined;
      },
      FAILOVER_LIMIT_MS + 5000,
    );
    const failoverMs = Date.now() - killedAt;
    console.log(`reconciler failover after kill -9: ${failoverMs} ms`);
    expect(failoverMs).toBeLessThanOrEqual(FAILOVER_LIMIT_MS);
    expect(processes).toContain(next);

    const [victim] = running(serviceId, 'replica');
    docker('rm', '-f', victim ?? 'none');
    await until(
      'the removed replica to be replaced by the new leader',
      () => {
        const now = running(serviceId, 'replica');
        return Promise.resolve(now.length === 2 && !now.includes(victim ?? '') ? true : undefined);
      },
      120_000,
    );
    // Converged and stable: exactly the desired containers, no duplicate from a second reconciler.
    for (let look = 0; look < 5; look++) {
      expect(running(serviceId, 'replica')).toHaveLength(2);
      expect(running(serviceId, 'lb')).toHaveLength(1);
      await new Promise((r) => setTimeout(r, 500));
    }
  });
});
