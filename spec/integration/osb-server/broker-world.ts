import express from 'express';
import type { Express } from 'express';
import pino from 'pino';
import request from 'supertest';
import { createCatalogModule } from '../../../src/catalog';
import { silentChangeFeed } from '../../../src/changes';
import { systemClock } from '../../../src/clock';
import { createContainersModule } from '../../../src/containers';
import type { ContainersModule, ServiceView } from '../../../src/containers';
import { FakeDriver } from '../../../src/containers/drivers/fake/fake-driver';
import { FakeHealthProbe } from '../../../src/containers/drivers/fake/fake-health';
import { containerExtraCheck, instancePlanUsage } from '../../../src/instances';
import { ContainerServiceEngine, createOsbBrokerRouter } from '../../../src/osb-server';
import type { BrokerCredentials } from '../../../src/osb-server';
import { containerRefFor } from '../../../src/osb-server/instance-template';
import { bearer, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

export const BROKER_AUTH: BrokerCredentials = { username: 'broker-user', password: 'broker-pass' };
export const IMAGE = 'wharf/test-web:1';
export const MAX_REPLICAS = 5;

/** The bridge's template of the `web` offering: parameters and credentials with a secret. */
export const WEB_TEMPLATE = {
  Image: IMAGE,
  ContainerPort: 8080,
  ServicePort: 80,
  Protocol: 'http',
  Env: ['PASSWORD=${secret:password}'],
  parameters: { Replicas: { minimum: 1, maximum: 3 }, Env: ['GREETING'] },
  credentials: {
    uri: '${uri}',
    host: '${host}',
    port: '${port}',
    password: '${secret:password}',
    name: '${name}',
  },
};

/** Tables an OSB request may touch: after a 4xx none of them may have changed (osb-api.md §1). */
export const OSB_TABLES = [
  'osb_service_instances',
  'osb_service_bindings',
  'osb_operations',
  'container_services',
] as const;

export interface BrokerWorld {
  wharf: TestWharf;
  containers: ContainersModule;
  driver: FakeDriver;
  /** The broker mounted at /broker, synchronous requests waiting up to 5 s. */
  app: Express;
  /** The same broker with a 150 ms synchronous budget, for AsyncRequired after a timeout. */
  impatientApp: Express;
  close(): Promise<void>;
}

function mount(w: TestWharf, containers: ContainersModule, syncTimeoutMs: number): Express {
  const catalog = createCatalogModule({
    knex: w.knex,
    clock: systemClock,
    changes: silentChangeFeed,
    orgs: w.orgs,
    planUsage: instancePlanUsage,
    checkExtra: containerExtraCheck(MAX_REPLICAS),
  });
  const app = express();
  app.use(
    '/broker',
    createOsbBrokerRouter({
      knex: w.knex,
      services: catalog.services,
      plans: catalog.plans,
      engine: new ContainerServiceEngine(containers.service),
      secrets: w.secrets,
      syncTimeoutMs,
      pollMs: 10,
      credentials: BROKER_AUTH,
      logger: pino({ level: 'silent' }),
    }),
  );
  return app;
}

async function admin(
  w: TestWharf,
  method: 'post' | 'put',
  path: string,
  body: object,
): Promise<string> {
  const res = await request(w.app)[method](path).set(bearer(w.adminToken)).send(body);
  if (res.status !== 201) throw new Error(`${method} ${path}: ${res.status} ${res.text}`);
  return String(res.body.metadata.guid);
}

/**
 * The catalog every spec of this folder uses, written through the CC API as an operator would:
 * `web` (plan changes allowed; plans small, large, big-box, retired), `fixed` (no plan changes,
 * not bindable) and `plain` (no container template: not served by the broker).
 */
async function seedCatalog(w: TestWharf): Promise<void> {
  const web = await admin(w, 'post', '/v2/services', {
    label: 'web',
    description: 'An HTTP service on containers',
    unique_id: 'svc-web',
    active: true,
    bindable: true,
    plan_updateable: true,
    tags: ['http'],
    extra: JSON.stringify({ displayName: 'Web', container: WEB_TEMPLATE }),
  });
  const plan = (
    service: string,
    name: string,
    uniqueId: string,
    more: object = {},
  ): Promise<string> =>
    admin(w, 'post', '/v2/service_plans', {
      name,
      description: `the ${name} plan`,
      service_guid: service,
      unique_id: uniqueId,
      ...more,
    });
  await plan(web, 'small', 'plan-small', { maintenance_info: { version: '1.0.0' } });
  await plan(web, 'large', 'plan-large', {
    extra: JSON.stringify({ bullets: ['two replicas'], container: { Replicas: 2 } }),
  });
  await plan(web, 'big-box', 'plan-big-box', {
    extra: JSON.stringify({ container: { ContainerSize: 'm1' } }),
  });
  await plan(web, 'retired', 'plan-retired', { active: false });
  const fixed = await admin(w, 'post', '/v2/services', {
    label: 'fixed',
    description: 'A TCP service whose plan cannot change',
    unique_id: 'svc-fixed',
    active: true,
    bindable: false,
    plan_updateable: false,
    extra: JSON.stringify({ container: { Image: IMAGE, ContainerPort: 9000, ServicePort: 9000 } }),
  });
  await plan(fixed, 'one', 'plan-fixed-one');
  await plan(fixed, 'two', 'plan-fixed-two', {
    extra: JSON.stringify({ container: { Replicas: 2 } }),
  });
  const plain = await admin(w, 'post', '/v2/services', {
    label: 'plain',
    description: 'No container template',
    unique_id: 'svc-plain',
    active: true,
    bindable: true,
  });
  await plan(plain, 'basic', 'plan-plain');
}

/**
 * A Wharf (fresh SQLite) plus a containers module on the fake driver whose reconciler is NOT
 * started: a spec moves container services on with `settle()`, or `pumping()` while a synchronous
 * request waits, so "in progress" is a state it can look at.
 */
export async function startBrokerWorld(env: Record<string, string> = {}): Promise<BrokerWorld> {
  const wharf = await startTestWharf(env);
  const driver = new FakeDriver();
  const containers = createContainersModule({
    knex: wharf.knex,
    secrets: wharf.secrets,
    logger: pino({ level: 'silent' }),
    owner: 'osb-spec',
    config: {
      dockerHost: undefined,
      lbImage: 'haproxy:2.6',
      publishHost: '127.0.0.1',
      fipPool: [],
      maxReplicas: MAX_REPLICAS,
      allowedRegistries: ['docker.io'],
      tenantMaxServices: 50,
      tenantMaxReplicas: 100,
      publishPorts: { first: 30000, last: 32767 },
    },
    driver,
    health: new FakeHealthProbe(driver),
  });
  await seedCatalog(wharf);
  return {
    wharf,
    containers,
    driver,
    app: mount(wharf, containers, 5000),
    impatientApp: mount(wharf, containers, 150),
    close: () => wharf.stop(),
  };
}

/** Reconciler passes until every container service has converged (or failed). */
export async function settle(world: BrokerWorld): Promise<void> {
  for (let i = 0; i < 30; i++) if (await world.containers.reconciler.passOnce()) return;
}

/** Runs reconciler passes while `work` (a request that waits for the engine) is pending. */
export async function pumping<T>(world: BrokerWorld, work: PromiseLike<T>): Promise<T> {
  let done = false;
  const result = Promise.resolve(work).finally(() => {
    done = true;
  });
  while (!done) {
    await world.containers.reconciler.passOnce();
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  return result;
}

/** The container service behind an OSB instance, or undefined. */
export async function containerOf(
  world: BrokerWorld,
  instanceId: string,
  spaceGuid: string,
): Promise<ServiceView | undefined> {
  const ref = containerRefFor(instanceId, spaceGuid);
  return world.containers.service
    .get({ tenant: ref.tenant, admin: false }, ref.name)
    .catch(() => undefined);
}
