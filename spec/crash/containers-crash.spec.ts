import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import type { WireService } from '../../src/containers';
import { removeLabelled } from '../docker/support/cleanup';
import {
  buildTestImages,
  describeWithDocker,
  TEST_IMAGES,
} from '../docker/support/docker-available';
import { slots } from '../docker/support/lb-runtime';
import { createTestDatabase } from '../support/test-database';
import type { TestDatabase } from '../support/test-database';
import {
  buildWharfOnce,
  callWharf,
  freePort,
  guidOf,
  passwordLogin,
  seededRandom,
  WharfProcess,
} from './support';
import type { Json } from './support';

/**
 * Issue 16 on the real engine: the real `wharf serve` is killed with SIGKILL in the middle of
 * container operations (a container-backed provision, scale up, scale down, rolling update, LB
 * recreation), restarted on the same data dir and database, and everything must converge within
 * CONVERGE_MS: the service active with the right replicas and image, nothing in progress, no
 * orphan or duplicate object, no HAProxy slot left in MAINT or DRAIN. Kill points are a fixed
 * delay plus a random part from a logged seed (replay with WHARF_CRASH_SEED).
 */
jest.setTimeout(900_000);

const CONVERGE_MS = 90_000;
const SEED = Number(process.env.WHARF_CRASH_SEED ?? Date.now() % 100_000);
const random = seededRandom(SEED);
const ADMIN_PASSWORD = 'crash-admin-password';
/** This run's installation id: the wharf.owner label of everything it makes. */
const OWNER = `crash-${randomUUID().slice(0, 8)}`;

const fast = { HealthCheckInterval: 1, HealthCheckFall: 2, HealthCheckRise: 1 };
const template = {
  container: {
    Image: TEST_IMAGES.httpd,
    ContainerPort: 80,
    ServicePort: 80,
    Protocol: 'http',
    Replicas: 1,
    ...fast,
  },
};

describeWithDocker('wharf serve killed with SIGKILL mid container operation', () => {
  const docker = new Docker();
  let mainJs: string;
  let wharf: WharfProcess;
  let database: TestDatabase;
  let token = '';
  let spaceGuid = '';
  let planGuid = '';
  /** Kill points used, for the log. */
  const kills: string[] = [];

  function api(method: string, url: string, body?: unknown): Promise<Json> {
    return callWharf(wharf.url, token, method, url, body);
  }

  async function login(): Promise<void> {
    token = await passwordLogin(wharf.url, 'admin', ADMIN_PASSWORD);
  }

  async function until<T>(
    what: string,
    probe: () => Promise<T | undefined>,
    ms = CONVERGE_MS,
  ): Promise<T> {
    const deadline = Date.now() + ms;
    let last = '';
    for (;;) {
      try {
        const value = await probe();
        if (value !== undefined) return value;
      } catch (err) {
        last = err instanceof Error ? err.message : String(err);
      }
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what} (seed ${SEED}) ${last}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  /** Sends a request Wharf may never answer (it is killed): its failure is expected. */
  function fireAndForget(method: string, url: string, body?: unknown): void {
    void api(method, url, body).catch(() => undefined);
  }

  /** Lets `fixedMs` plus a seeded random part of `randomMs` pass, then kill -9 and restart. */
  async function killAfter(what: string, fixedMs: number, randomMs: number): Promise<void> {
    const delay = fixedMs + Math.floor(random() * randomMs);
    kills.push(`${what} at ${delay} ms`);
    await new Promise((r) => setTimeout(r, delay));
    await wharf.kill();
    await wharf.start();
    await login();
  }

  async function service(name: string): Promise<WireService | undefined> {
    const res = await api('GET', `/services/${name}`);
    return res.status === 200 ? (res.body as unknown as WireService) : undefined;
  }

  /** Containers this installation owns, optionally of one service (by name). */
  async function owned(name?: string): Promise<Docker.ContainerInfo[]> {
    const labels = [
      `wharf.owner=${OWNER}`,
      ...(name === undefined ? [] : [`wharf.service.name=${name}`]),
    ];
    return docker.listContainers({ all: true, filters: JSON.stringify({ label: labels }) });
  }

  /**
   * The service converged after the restart: active, `replicas` replicas of `image` all UP through
   * HAProxy, exactly those containers plus one LB on the engine (no leftover, no duplicate), one
   * network, and no slot held in MAINT or DRAIN.
   */
  async function converged(name: string, replicas: number, image: string): Promise<WireService> {
    return until(`${name} active with ${replicas} × ${image}`, async () => {
      const s = await service(name);
      if (
        s === undefined ||
        s.Status !== 'active' ||
        s.Image !== image ||
        s.Replicas !== replicas ||
        s.Containers.length !== replicas ||
        s.Backends.length !== replicas ||
        s.Backends.some((b) => b.Health !== 'UP')
      )
        throw new Error(`not yet: ${JSON.stringify(s)}`);
      const containers = await owned(name);
      const lbs = containers.filter((c) => c.Labels['wharf.role'] === 'lb');
      const reps = containers.filter((c) => c.Labels['wharf.role'] === 'replica');
      if (lbs.length !== 1 || lbs[0]?.State !== 'running')
        throw new Error(`LBs: ${JSON.stringify(lbs.map((c) => c.State))}`);
      if (reps.length !== replicas || reps.some((c) => c.State !== 'running'))
        throw new Error(`replicas: ${JSON.stringify(reps.map((c) => c.State))}`);
      if (reps.some((c) => c.Labels['wharf.image'] !== image)) throw new Error('old image left');
      if (new Set(reps.map((c) => c.Id)).size !== replicas) throw new Error('duplicate replica');
      if (!s.Containers.every((id) => reps.some((c) => c.Id.startsWith(id))))
        throw new Error('Containers disagree with the engine');
      const networks = await docker.listNetworks({
        filters: JSON.stringify({
          label: [`wharf.owner=${OWNER}`, `wharf.service.name=${name}`],
        }),
      });
      if (networks.length !== 1) throw new Error(`${networks.length} networks`);
      const held = (await slots(docker, lbs[0].Id)).filter(
        (slot) => slot.status === 'MAINT' || slot.status.startsWith('DRAIN'),
      );
      if (held.length > 0) throw new Error(`slots held: ${JSON.stringify(held)}`);
      return s;
    });
  }

  /** Every owned container belongs to a service Wharf lists (no orphan), each once. */
  async function noOrphans(): Promise<void> {
    await until('no orphan containers', async () => {
      const listed = await fetch(`${wharf.url}/services`, {
        headers: { Authorization: `bearer ${token}` },
      });
      const services = (await listed.json()) as WireService[];
      const known = new Set(services.map((s) => `${s.Tenant}/${s.Name}`));
      const strays = (await owned()).filter(
        (c) => !known.has(`${c.Labels['wharf.tenant']}/${c.Labels['wharf.service.name']}`),
      );
      if (strays.length > 0) throw new Error(`orphans: ${strays.map((c) => c.Names[0]).join()}`);
      const inProgress = services.filter((s) => s.Status !== 'active');
      if (inProgress.length > 0)
        throw new Error(`not active: ${inProgress.map((s) => `${s.Name} ${s.Status}`).join()}`);
      return true;
    });
  }

  beforeAll(async () => {
    console.log(`containers crash spec seed ${SEED} (replay with WHARF_CRASH_SEED=${SEED})`);
    buildTestImages();
    mainJs = buildWharfOnce();
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-ccrash-'));
    database = await createTestDatabase(dataDir, { migrated: false });
    wharf = new WharfProcess(mainJs, dataDir, await freePort(), {
      WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
      WHARF_INSTALLATION_ID: OWNER,
      WHARF_LB_IMAGE: TEST_IMAGES.haproxy,
      WHARF_JOB_LEASE_SECONDS: '1',
      // The killed process held the reconciler lease: the restarted one takes over once it lapses.
      WHARF_LEADER_LEASE_SECONDS: '2',
      WHARF_JOB_TICK_MS: '100',
      WHARF_POLL_INTERVAL_SECONDS: '0.2',
      WHARF_CONTAINER_SYNC_TIMEOUT_SECONDS: '60',
      ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
    });
    await wharf.start();
    await login();
    const svc = await api('POST', '/v2/services', {
      label: 'crash-web',
      description: 'containers killed mid-way',
      active: true,
      extra: JSON.stringify(template),
      plan_updateable: true,
    });
    expect(svc.status).toBe(201);
    const plan = await api('POST', '/v2/service_plans', {
      name: 'one',
      description: 'one replica',
      service_guid: guidOf(svc),
      public: true,
    });
    planGuid = guidOf(plan);
    const org = await api('POST', '/v2/organizations', { name: 'ccrash-org' });
    spaceGuid = guidOf(
      await api('POST', '/v2/spaces', { name: 'ccrash', organization_guid: guidOf(org) }),
    );
  }, 300_000);

  afterAll(async () => {
    console.log(`containers crash spec seed ${SEED}: ${kills.join('; ')}`);
    await wharf.kill();
    await removeLabelled(docker, 'wharf.owner', OWNER);
    await database.drop();
    fs.rmSync(wharf.dataDir, { recursive: true, force: true });
    fs.rmSync(path.dirname(path.dirname(mainJs)), { recursive: true, force: true });
  });

  it('a container-backed synchronous provision ends succeeded, with one active container service', async () => {
    fireAndForget('POST', '/v2/service_instances', {
      name: 'crash-site',
      space_guid: spaceGuid,
      service_plan_guid: planGuid,
    });
    // Killed once the operation is recorded (before, it simply never happened).
    await until('the instance row', async () => {
      const res = await api('GET', '/v2/service_instances?q=name:crash-site');
      return res.body.total_results === 1 ? true : undefined;
    });
    await killAfter('provision', 100, 1200);
    const rows = await until('the instance row', async () => {
      const res = await api('GET', '/v2/service_instances?q=name:crash-site');
      const resources = res.body.resources;
      return Array.isArray(resources) && resources.length > 0 ? resources : undefined;
    });
    expect(rows).toHaveLength(1);
    const guid = guidOf({ status: 200, body: rows[0] as Record<string, unknown> });
    const end = await until(`instance ${guid} settled`, async () => {
      const res = await api('GET', `/v2/service_instances/${guid}`);
      const op = (res.body.entity as { last_operation?: { state: string } } | undefined)
        ?.last_operation;
      return op === undefined || op.state === 'in progress' ? undefined : res;
    });
    expect((end.body.entity as { last_operation: unknown }).last_operation).toMatchObject({
      type: 'create',
      state: 'succeeded',
    });
    await converged(`si-${guid}`, 1, TEST_IMAGES.httpd);
  });

  it('a service killed while scaling 1 → 4, then 4 → 2, then rolling to a new image, converges each time', async () => {
    const created = await api('POST', '/services/create', {
      Name: 'crash-web',
      Image: TEST_IMAGES.httpd,
      ServicePort: 80,
      Protocol: 'http',
      Replicas: 1,
      ...fast,
    });
    expect(created.status).toBe(201);
    await converged('crash-web', 1, TEST_IMAGES.httpd);

    // Each change is accepted (stored) first; the kill lands while the reconciler carries it out.
    const accepted = async (body: object): Promise<void> => {
      expect((await api('POST', '/services/crash-web/update', body)).status).toBe(200);
    };
    await accepted({ Replicas: 4 });
    await killAfter('scale up', 10, 300);
    await converged('crash-web', 4, TEST_IMAGES.httpd);

    // The drain of a removed replica holds its slot in MAINT for a while: kill inside it.
    await accepted({ Replicas: 2 });
    await killAfter('scale down', 400, 800);
    await converged('crash-web', 2, TEST_IMAGES.httpd);

    await accepted({ Image: TEST_IMAGES.httpdV2 });
    await killAfter('rolling update', 1000, 2500);
    await converged('crash-web', 2, TEST_IMAGES.httpdV2);
  });

  it('a load balancer removed by hand and Wharf killed while recreating it: back on the same port', async () => {
    const before = await converged('crash-web', 2, TEST_IMAGES.httpdV2);
    const [lb] = (await owned('crash-web')).filter((c) => c.Labels['wharf.role'] === 'lb');
    await docker.getContainer(lb?.Id ?? '').remove({ force: true });
    await killAfter('LB recreation', 50, 600);
    const after = await converged('crash-web', 2, TEST_IMAGES.httpdV2);
    expect(after.Endpoint).toBe(before.Endpoint);
    const page = await until('the service answering on its endpoint', async () => {
      const res = await fetch(`http://${after.Endpoint}/`).catch(() => undefined);
      return res?.status === 200 ? res.text() : undefined;
    });
    expect(page).toMatch(/^hostname=/);
  });

  it('a delete killed mid-way: the service is gone and nothing of it is left on the engine', async () => {
    const created = await api('POST', '/services/create', {
      Name: 'crash-gone',
      Image: TEST_IMAGES.httpd,
      ServicePort: 80,
      Protocol: 'http',
      Replicas: 2,
      ...fast,
    });
    expect(created.status).toBe(201);
    await converged('crash-gone', 2, TEST_IMAGES.httpd);
    fireAndForget('DELETE', '/services/crash-gone');
    await killAfter('delete', 20, 400);
    // Killed before the row was deleted, the DELETE never happened: the client sends it again.
    if ((await api('GET', '/services/crash-gone')).status === 200)
      expect((await api('DELETE', '/services/crash-gone')).status).toBe(204);
    await until('crash-gone and its objects gone', async () => {
      if ((await api('GET', '/services/crash-gone')).status !== 404) return undefined;
      const networks = await docker.listNetworks({
        filters: JSON.stringify({
          label: [`wharf.owner=${OWNER}`, 'wharf.service.name=crash-gone'],
        }),
      });
      return (await owned('crash-gone')).length === 0 && networks.length === 0 ? true : undefined;
    });
  });

  it('after all of it: no orphan, nothing in progress, no instance in progress', async () => {
    await noOrphans();
    const all = await api('GET', '/v2/service_instances?results-per-page=100');
    const resources = all.body.resources as Array<{
      entity: { last_operation: { state: string } };
    }>;
    expect(resources.filter((r) => r.entity.last_operation.state === 'in progress')).toEqual([]);
  });
});
