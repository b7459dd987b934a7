import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FakeBroker, reply } from '../support/fake-broker';
import { instanceCatalog } from '../support/instances';
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
 * Issue 16: the real `wharf serve` is killed with SIGKILL in the middle of each instance and key
 * operation, restarted on the same data dir, and must bring everything to a definite end within
 * CONVERGE_MS: nothing left in progress, no orphan at the broker, no duplicate.
 */
jest.setTimeout(600_000);

const INSTANCE = '/v2/service_instances/:instance_id';
const BINDING = `${INSTANCE}/service_bindings/:binding_id`;
const CONVERGE_MS = 30_000;
const BROKER_DELAY_MS = 4000;
const SEED = Number(process.env.WHARF_CRASH_SEED ?? Date.now() % 100_000);
const random = seededRandom(SEED);
const ADMIN_PASSWORD = 'crash-admin-password';

let mainJs: string;
let broker: FakeBroker;
let wharf: WharfProcess;
let token = '';
let spaceGuid = '';
let planGuid = '';
let otherPlanGuid = '';

function api(method: string, url: string, body?: unknown): Promise<Json> {
  return callWharf(wharf.url, token, method, url, body);
}

async function login(): Promise<void> {
  token = await passwordLogin(wharf.url, 'admin', ADMIN_PASSWORD);
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what} (seed ${SEED})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Sends a request Wharf will never answer (it is killed): its failure is expected. */
function fireAndForget(method: string, url: string, body?: unknown): void {
  void api(method, url, body).catch(() => undefined);
}

/** Waits until the broker got `count` requests on the route, lets a random 0–300 ms pass, kills. */
async function killDuring(method: string, route: string, count: number): Promise<void> {
  await until(
    `${method} ${route} at the broker`,
    () => Promise.resolve(broker.requestsTo(method, route).length >= count ? true : undefined),
    30_000,
  );
  await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
  await wharf.kill();
  await wharf.start();
  await login();
}

async function instanceNamed(name: string): Promise<Record<string, unknown>[]> {
  const res = await api('GET', `/v2/service_instances?q=name:${name}`);
  const resources = res.body.resources;
  return Array.isArray(resources) ? resources.map((r: Record<string, unknown>) => r) : [];
}

function lastOperationOf(resource: Record<string, unknown>): {
  type: string;
  state: string;
  description: string;
} {
  const entity = resource.entity as Record<string, unknown>; // test-side reading of a v2 envelope
  return entity.last_operation as { type: string; state: string; description: string };
}

async function settled(guid: string): Promise<Json> {
  return until(
    `instance ${guid} to leave "in progress"`,
    async () => {
      const res = await api('GET', `/v2/service_instances/${guid}`);
      if (res.status === 404) return res;
      const op = lastOperationOf(res.body);
      return op.state === 'in progress' ? undefined : res;
    },
    CONVERGE_MS,
  );
}

beforeAll(async () => {
  console.log(`crash spec seed ${SEED} (replay with WHARF_CRASH_SEED=${SEED})`);
  mainJs = buildWharfOnce();
  broker = await FakeBroker.start({ catalog: instanceCatalog() });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-crash-'));
  wharf = new WharfProcess(mainJs, dataDir, await freePort(), {
    WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
    WHARF_JOB_LEASE_SECONDS: '1',
    WHARF_JOB_TICK_MS: '100',
    WHARF_POLL_INTERVAL_SECONDS: '0.2',
    WHARF_ORPHAN_MITIGATION_BASE_SECONDS: '0.1',
    WHARF_BROKER_TIMEOUT_SECONDS: '10',
  });
  await wharf.start();
  await login();
  const conn = broker.connection();
  const registered = await api('POST', '/v2/service_brokers', {
    name: 'crash-broker',
    broker_url: conn.url,
    auth_username: conn.username,
    auth_password: conn.password,
  });
  expect(registered.status).toBe(201);
  const plans = await api('GET', '/v2/service_plans?results-per-page=100');
  const resources = plans.body.resources as Array<{
    metadata: { guid: string };
    entity: { unique_id: string };
  }>;
  const find = (id: string): string =>
    resources.find((p) => p.entity.unique_id === id)?.metadata.guid ?? '';
  planGuid = find('svc-main-plan-1');
  otherPlanGuid = find('svc-main-plan-2');
  for (const guid of [planGuid, otherPlanGuid])
    expect((await api('PUT', `/v2/service_plans/${guid}`, { public: true })).status).toBe(201);
  const org = await api('POST', '/v2/organizations', { name: 'crash-org' });
  spaceGuid = guidOf(
    await api('POST', '/v2/spaces', { name: 'crash', organization_guid: guidOf(org) }),
  );
});

afterAll(async () => {
  await wharf.kill();
  await broker.close();
  fs.rmSync(wharf.dataDir, { recursive: true, force: true });
  fs.rmSync(path.dirname(path.dirname(mainJs)), { recursive: true, force: true });
});

beforeEach(() => {
  broker.reset();
});

async function provisioned(name: string): Promise<string> {
  const res = await api('POST', '/v2/service_instances', {
    name,
    space_guid: spaceGuid,
    service_plan_guid: planGuid,
  });
  expect(res.status).toBe(201);
  return guidOf(res);
}

describe('wharf serve killed with SIGKILL mid-operation', () => {
  it('a synchronous provision is carried to its end by the restarted process, once', async () => {
    broker.on(
      'PUT',
      INSTANCE,
      reply.delay(BROKER_DELAY_MS, { kind: 'json', status: 201, body: {} }),
    );
    fireAndForget('POST', '/v2/service_instances', {
      name: 'sync-provision',
      space_guid: spaceGuid,
      service_plan_guid: planGuid,
    });
    await killDuring('PUT', INSTANCE, 1);
    const [only, ...more] = await until(
      'the instance row',
      async () => {
        const found = await instanceNamed('sync-provision');
        return found.length > 0 ? found : undefined;
      },
      CONVERGE_MS,
    );
    expect(more).toEqual([]);
    const guid = guidOf({ status: 200, body: only ?? {} });
    const end = await settled(guid);
    expect(lastOperationOf(end.body)).toMatchObject({ type: 'create', state: 'succeeded' });
    expect(new Set(broker.requestsTo('PUT', INSTANCE).map((r) => r.path))).toEqual(
      new Set([`/v2/service_instances/${guid}`]),
    );
  });

  it('an async provision killed after the broker accepted it is polled to its end', async () => {
    broker.on('PUT', INSTANCE, reply.json(202, { operation: 'op-1' }));
    broker.on(
      'GET',
      `${INSTANCE}/last_operation`,
      reply.json(200, { state: 'in progress', description: 'working' }),
      reply.json(200, { state: 'in progress', description: 'working' }),
      reply.json(200, { state: 'succeeded', description: 'ready' }),
    );
    fireAndForget('POST', '/v2/service_instances?accepts_incomplete=true', {
      name: 'async-provision',
      space_guid: spaceGuid,
      service_plan_guid: planGuid,
    });
    await killDuring('PUT', INSTANCE, 1);
    const found = await until(
      'the instance row',
      async () => {
        const rows = await instanceNamed('async-provision');
        return rows.length > 0 ? rows : undefined;
      },
      CONVERGE_MS,
    );
    expect(found).toHaveLength(1);
    const end = await settled(guidOf({ status: 200, body: found[0] ?? {} }));
    expect(lastOperationOf(end.body)).toMatchObject({ type: 'create', state: 'succeeded' });
  });

  it('an update killed mid-call ends failed with a reason to act on, and the instance takes updates again', async () => {
    const guid = await provisioned('update-me');
    broker.on(
      'PATCH',
      INSTANCE,
      reply.delay(BROKER_DELAY_MS, { kind: 'json', status: 200, body: {} }),
    );
    fireAndForget('PUT', `/v2/service_instances/${guid}`, { service_plan_guid: otherPlanGuid });
    await killDuring('PATCH', INSTANCE, 1);
    const end = await settled(guid);
    expect(lastOperationOf(end.body)).toMatchObject({
      type: 'update',
      state: 'failed',
      description: expect.stringContaining('Run the update again'),
    });
    broker.reset();
    const again = await api('PUT', `/v2/service_instances/${guid}`, {
      service_plan_guid: otherPlanGuid,
    });
    expect(again.status).toBe(201);
  });

  it('a delete killed mid-call is finished by the restarted process: gone, never 409 for good', async () => {
    const guid = await provisioned('delete-me');
    broker.on(
      'DELETE',
      INSTANCE,
      reply.delay(BROKER_DELAY_MS, { kind: 'json', status: 200, body: {} }),
    );
    fireAndForget('DELETE', `/v2/service_instances/${guid}`);
    await killDuring('DELETE', INSTANCE, 1);
    const end = await settled(guid);
    expect(end.status).toBe(404);
    expect(broker.requestsTo('DELETE', INSTANCE).length).toBeGreaterThanOrEqual(2);
  });

  it('an async=true delete killed mid-call: the restarted process finishes it and its job reports finished', async () => {
    const guid = await provisioned('async-delete-me');
    broker.on(
      'DELETE',
      INSTANCE,
      reply.delay(BROKER_DELAY_MS, { kind: 'json', status: 200, body: {} }),
    );
    const accepted = await api('DELETE', `/v2/service_instances/${guid}?async=true`);
    expect(accepted.status).toBe(202);
    const jobGuid = guidOf(accepted);
    await killDuring('DELETE', INSTANCE, 1);
    const job = await until(
      'the delete job to end',
      async () => {
        const res = await api('GET', `/v2/jobs/${jobGuid}`);
        const entity = res.body.entity as { status?: string } | undefined;
        return entity?.status === 'finished' || entity?.status === 'failed' ? entity : undefined;
      },
      CONVERGE_MS,
    );
    expect(job.status).toBe('finished');
    expect((await api('GET', `/v2/service_instances/${guid}`)).status).toBe(404);
  });

  it('a key bind killed mid-call leaves no key and no binding at the broker', async () => {
    const guid = await provisioned('bind-me');
    broker.on(
      'PUT',
      BINDING,
      reply.delay(BROKER_DELAY_MS, {
        kind: 'json',
        status: 201,
        body: { credentials: { pw: 'x' } },
      }),
    );
    fireAndForget('POST', '/v2/service_keys', { name: 'k1', service_instance_guid: guid });
    await killDuring('PUT', BINDING, 1);
    const bindingPath = broker.requestsTo('PUT', BINDING)[0]?.path ?? '';
    await until(
      'the binding to be removed at the broker',
      () =>
        Promise.resolve(
          broker.requestsTo('DELETE', BINDING).some((r) => r.path.startsWith(bindingPath))
            ? true
            : undefined,
        ),
      CONVERGE_MS,
    );
    const keys = await api('GET', `/v2/service_instances/${guid}/service_keys`);
    expect(keys.body.total_results).toBe(0);
  });

  it('a key delete killed mid-call is finished: the key is gone', async () => {
    const guid = await provisioned('unbind-me');
    const key = await api('POST', '/v2/service_keys', { name: 'k2', service_instance_guid: guid });
    expect(key.status).toBe(201);
    broker.on(
      'DELETE',
      BINDING,
      reply.delay(BROKER_DELAY_MS, { kind: 'json', status: 200, body: {} }),
    );
    fireAndForget('DELETE', `/v2/service_keys/${guidOf(key)}`);
    await killDuring('DELETE', BINDING, 1);
    await until(
      'the key to be gone',
      async () => {
        const res = await api('GET', `/v2/service_keys/${guidOf(key)}`);
        return res.status === 404 ? true : undefined;
      },
      CONVERGE_MS,
    );
  });

  it('after all of it, nothing is in progress and every name is there once', async () => {
    const all = await api('GET', '/v2/service_instances?results-per-page=100');
    const resources = all.body.resources as Array<Record<string, unknown>>;
    expect(resources.filter((r) => lastOperationOf(r).state === 'in progress')).toEqual([]);
    const names = resources.map((r) => (r.entity as { name: string }).name);
    expect(new Set(names).size).toBe(names.length);
  });
});
