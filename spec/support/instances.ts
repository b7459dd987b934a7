import fs from 'node:fs';
import request from 'supertest';
import { buildWharf } from '../../src/app';
import type { Wharf } from '../../src/app';
import type { OsbCatalog } from '../../src/osb-catalog';
import { loadConfig } from '../../src/config';
import { createLogger } from '../../src/logger';
import type { FakeBroker, RecordedRequest } from './fake-broker';
import type { TestDatabase } from './test-database';
import { createOrg, createSpace, grantOrgRole, grantSpaceRole } from './orgs';
import { bearer, CORE_TABLES, startTestWharf } from './test-wharf';
import type { TestWharf } from './test-wharf';

/**
 * Settings that make async work observable within a spec: polls every 50 ms, orphan mitigation
 * back-off from 50 ms, a job tick of 20 ms and a broker timeout of 1 s (fractional seconds are
 * allowed by src/config.ts).
 */
export const FAST_OPERATIONS: Record<string, string> = {
  WHARF_POLL_INTERVAL_SECONDS: '0.05',
  WHARF_ORPHAN_MITIGATION_BASE_SECONDS: '0.05',
  WHARF_JOB_TICK_MS: '20',
  WHARF_BROKER_TIMEOUT_SECONDS: '1',
};

/** Every table an instance or key operation could touch, for `snapshot()` after errors. */
export const INSTANCE_TABLES = [
  ...CORE_TABLES,
  'feature_flags',
  'services',
  'service_plans',
  'service_plan_visibilities',
  'service_brokers',
  'service_instances',
  'service_instance_names',
  'service_keys',
  'jobs',
] as const;

/** A test Wharf with fast operation settings and its job runner started. */
export async function startInstancesWharf(env: Record<string, string> = {}): Promise<TestWharf> {
  const w = await startTestWharf({ ...FAST_OPERATIONS, ...env });
  await w.start();
  return w;
}

/**
 * A second Wharf process on the data directory and database of a closed one (same signing key, so
 * tokens minted by the first stay valid): what a restart of Wharf looks like.
 */
export async function reopenWharf(
  closed: { dataDir: string; database: TestDatabase },
  env: Record<string, string> = {},
): Promise<Wharf & { dataDir: string; destroy(): Promise<void> }> {
  const { dataDir, database } = closed;
  const config = loadConfig({
    WHARF_DATA_DIR: dataDir,
    WHARF_LOG_LEVEL: 'silent',
    WHARF_EXTERNAL_URL: 'http://wharf.test',
    ...FAST_OPERATIONS,
    ...env,
  });
  const knex = database.connect();
  const wharf = await buildWharf({ config, logger: createLogger('silent'), knex });
  await wharf.start();
  return {
    ...wharf,
    dataDir,
    destroy: async () => {
      await wharf.close();
      await database.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Everything a spec needs around one registered broker: its catalog ids and a tenant. */
export interface BrokerWorld {
  brokerGuid: string;
  /** Wharf guids by catalog plan id. */
  plans: Record<string, string>;
  /** Wharf guids by catalog service id. */
  services: Record<string, string>;
  orgGuid: string;
  spaceGuid: string;
  developer: { guid: string; token: string };
}

let counter = 0;

/** Registers the broker as admin through `POST /v2/service_brokers`; returns its guid. */
export async function registerBroker(
  w: TestWharf,
  broker: FakeBroker,
  name?: string,
): Promise<string> {
  const conn = broker.connection();
  const res = await request(w.app)
    .post('/v2/service_brokers')
    .set(bearer(w.adminToken))
    .send({
      name: name ?? `broker-${++counter}`,
      broker_url: conn.url,
      auth_username: conn.username,
      auth_password: conn.password,
    });
  if (res.status !== 201) throw new Error(`register broker: ${res.status} ${res.text}`);
  return String(res.body.metadata.guid);
}

/** `PUT /v2/service_plans/:guid {"public": …}` as admin. */
export async function setPlanPublic(w: TestWharf, planGuid: string, value = true): Promise<void> {
  const res = await request(w.app)
    .put(`/v2/service_plans/${planGuid}`)
    .set(bearer(w.adminToken))
    .send({ public: value });
  if (res.status !== 201) throw new Error(`make plan public: ${res.status} ${res.text}`);
}

/** The Wharf guids of the broker's services and plans, keyed by catalog id. */
export async function catalogGuids(
  w: TestWharf,
  brokerGuid: string,
): Promise<{ services: Record<string, string>; plans: Record<string, string> }> {
  const rows: {
    service_guid: string;
    service_unique_id: string;
    plan_guid: string | null;
    plan_unique_id: string | null;
  }[] = await w
    .knex('services')
    .join('service_brokers', 'service_brokers.id', 'services.service_broker_id')
    .leftJoin('service_plans', 'service_plans.service_id', 'services.id')
    .where('service_brokers.guid', brokerGuid)
    .select(
      'services.guid as service_guid',
      'services.unique_id as service_unique_id',
      'service_plans.guid as plan_guid',
      'service_plans.unique_id as plan_unique_id',
    );
  const services: Record<string, string> = {};
  const plans: Record<string, string> = {};
  for (const row of rows) {
    services[row.service_unique_id] = row.service_guid;
    if (row.plan_guid !== null && row.plan_unique_id !== null)
      plans[row.plan_unique_id] = row.plan_guid;
  }
  return { services, plans };
}

/** An organization with one space and a space developer holding a minted read/write token. */
export async function createTenant(
  w: TestWharf,
  label: string,
): Promise<{ orgGuid: string; spaceGuid: string; developer: { guid: string; token: string } }> {
  const orgGuid = await createOrg(w, `org-${label}-${++counter}`);
  const spaceGuid = await createSpace(w, orgGuid, `space-${label}`);
  const user = await w.createUser(`dev-${label}-${counter}`);
  await grantOrgRole(w, orgGuid, 'users', user.guid);
  await grantSpaceRole(w, spaceGuid, 'developers', user.guid);
  return { orgGuid, spaceGuid, developer: { guid: user.guid, token: w.tokenFor(user) } };
}

/**
 * Registers `broker`, makes the plans listed in `publicPlans` (catalog ids; default: all) public
 * and creates a tenant with a space developer.
 */
export async function setUpBrokerWorld(
  w: TestWharf,
  broker: FakeBroker,
  options: { publicPlans?: readonly string[]; label?: string } = {},
): Promise<BrokerWorld> {
  const brokerGuid = await registerBroker(w, broker);
  const { services, plans } = await catalogGuids(w, brokerGuid);
  for (const [uniqueId, guid] of Object.entries(plans)) {
    if (options.publicPlans === undefined || options.publicPlans.includes(uniqueId))
      await setPlanPublic(w, guid);
  }
  const tenant = await createTenant(w, options.label ?? 'tenant');
  return { brokerGuid, plans, services, ...tenant };
}

/** A catalog for instance specs: services with per-test knobs, each with two plans. */
export function instanceCatalog(): OsbCatalog {
  const plan = (service: string, n: number, extra: Record<string, unknown> = {}) => ({
    id: `${service}-plan-${n}`,
    name: `plan-${n}`,
    description: `plan ${n} of ${service}`,
    ...extra,
  });
  return {
    services: [
      {
        id: 'svc-main',
        name: 'main',
        description: 'updateable, retrievable, bindable',
        bindable: true,
        plan_updateable: true,
        instances_retrievable: true,
        tags: ['main'],
        plans: [
          plan('svc-main', 1, { maintenance_info: { version: '1.0.0' } }),
          plan('svc-main', 2),
        ],
      },
      {
        id: 'svc-fixed',
        name: 'fixed',
        description: 'no plan changes, not retrievable, not bindable',
        bindable: false,
        plans: [plan('svc-fixed', 1), plan('svc-fixed', 2)],
      },
      {
        id: 'svc-slow',
        name: 'slow',
        description: 'async operations capped by the plan',
        bindable: true,
        plan_updateable: true,
        plans: [plan('svc-slow', 1, { maximum_polling_duration: 1 }), plan('svc-slow', 2)],
      },
      {
        id: 'svc-private',
        name: 'private',
        description: 'a plan nobody made public',
        bindable: true,
        plans: [plan('svc-private', 1), plan('svc-private', 2)],
      },
    ],
  };
}

/** Polls `check` until it returns a value other than `undefined` (or throws after `timeoutMs`). */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 5000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Decodes `X-Broker-API-Originating-Identity: cloudfoundry <base64 json>`. */
export function originatingIdentity(
  header: string | string[] | undefined,
): { platform: string; identity: unknown } | undefined {
  if (typeof header !== 'string') return undefined;
  const [platform, encoded] = header.split(' ');
  if (platform === undefined || encoded === undefined) return undefined;
  return { platform, identity: JSON.parse(Buffer.from(encoded, 'base64').toString('utf8')) };
}

/**
 * Records when each broker request arrived (the fake broker keeps requests, not times), so specs
 * can check the gaps between polls. Returns a lookup from a recorded request to its arrival time.
 */
export function stampRequests(broker: FakeBroker): (r: RecordedRequest) => number {
  const times = new WeakMap<RecordedRequest, number>();
  const requests = broker.requests;
  const push = requests.push.bind(requests);
  requests.push = (...items: RecordedRequest[]): number => {
    for (const item of items) times.set(item, Date.now());
    return push(...items);
  };
  return (r) => {
    const at = times.get(r);
    if (at === undefined) throw new Error(`no arrival time for ${r.method} ${r.path}`);
    return at;
  };
}

/** Waits until no job is pending or running, so one spec's background work never meets the next's. */
export async function drainJobs(w: { knex: TestWharf['knex'] }, timeoutMs = 5000): Promise<void> {
  await eventually(
    async () => {
      const row: { n?: string | number } | undefined = await w
        .knex('jobs')
        .whereIn('state', ['pending', 'running'])
        .count({ n: '*' })
        .first();
      return Number(row?.n ?? 0) === 0 ? true : undefined;
    },
    timeoutMs,
    'the job queue to drain',
  );
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
