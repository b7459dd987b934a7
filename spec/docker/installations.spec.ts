import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import pino from 'pino';
import { buildWharf } from '../../src/app';
import type { Wharf } from '../../src/app';
import { loadConfig } from '../../src/config';
import { createContainersModule } from '../../src/containers';
import type { ContainerService, Scope, ServiceView } from '../../src/containers';
import { migrateToLatest } from '../../src/db/migrate';
import { loadKeyRing } from '../../src/secrets/key-ring';
import { SecretBox } from '../../src/secrets/secret-box';
import { createTestDatabase } from '../support/test-database';
import type { TestDatabase } from '../support/test-database';
import { removeLabelled } from './support/cleanup';
import { buildTestImages, describeWithDocker, TEST_IMAGES } from './support/docker-available';
import { eventually, get } from './support/http';

const scope: Scope = { tenant: 'spec-installations', admin: false };
const body = (name: string): Record<string, unknown> => ({
  Name: name,
  Image: TEST_IMAGES.httpd,
  ServicePort: 80,
  Protocol: 'http',
  Replicas: 1,
  HealthCheckInterval: 1,
  HealthCheckFall: 3,
  HealthCheckRise: 1,
});
const isActive = (v: ServiceView): boolean =>
  v.record.status === 'active' &&
  v.observation.backends.length > 0 &&
  v.observation.backends.every((b) => b.health === 'UP');

/**
 * Two installations on one engine (issue 9 item 1): before installation ids, every Wharf labelled
 * its objects wharf.owner=wharf and swept the ones its database did not know, so each removed the
 * other's containers within a pass.
 */
describeWithDocker('installations sharing one engine', () => {
  const docker = new Docker();
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-installations-'));
  const logger = pino({ level: 'silent' });
  const started: Wharf[] = [];
  const legacyServiceIds: string[] = [];
  /** One database per installation name (a restart under the same name finds its own again). */
  const databases = new Map<string, TestDatabase>();
  const databaseOf = async (name: string): Promise<TestDatabase> => {
    const known = databases.get(name);
    if (known !== undefined) return known;
    const created = await createTestDatabase(path.join(root, name));
    databases.set(name, created);
    return created;
  };

  const startWharf = async (name: string): Promise<Wharf> => {
    const config = loadConfig({
      WHARF_DATA_DIR: path.join(root, name),
      WHARF_LOG_LEVEL: 'silent',
      WHARF_LB_IMAGE: TEST_IMAGES.haproxy,
    });
    const wharf = await buildWharf({ config, logger, knex: (await databaseOf(name)).connect() });
    started.push(wharf);
    await wharf.start();
    return wharf;
  };
  const waitActive = (service: ContainerService, name: string): Promise<ServiceView> =>
    eventually(
      async () => {
        const v = await service.get(scope, name);
        return isActive(v) ? v : undefined;
      },
      45000,
      `${name} active`,
    );
  /** Container id → StartedAt of every container carrying `label`: a restart changes StartedAt. */
  const snapshot = async (label: string): Promise<Map<string, string>> => {
    const list = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [label] }),
    });
    const entries = await Promise.all(
      list.map(async (c) => {
        const info = await docker.getContainer(c.Id).inspect();
        return [c.Id, `${info.State.Status} ${info.State.StartedAt}`] as const;
      }),
    );
    return new Map(entries);
  };
  const passes = async (wharfs: Wharf[], rounds: number): Promise<void> => {
    for (let i = 0; i < rounds; i++) {
      for (const w of wharfs) await w.containers.reconciler.passOnce();
      await new Promise((r) => setTimeout(r, 300));
    }
  };

  beforeAll(() => {
    buildTestImages();
  }, 120000);
  afterAll(async () => {
    for (const w of started) {
      await w.close();
      await removeLabelled(docker, 'wharf.owner', w.installationId);
    }
    for (const id of legacyServiceIds) await removeLabelled(docker, 'wharf.service', id);
    for (const database of databases.values()) await database.drop();
    fs.rmSync(root, { recursive: true, force: true });
  });

  it('when two installations with different databases run side by side, then neither removes or restarts anything of the other', async () => {
    const a = await startWharf('a');
    const b = await startWharf('b');
    expect(a.installationId).not.toBe(b.installationId);
    await a.containers.service.create(scope, body('alpha'));
    await a.containers.service.create(scope, body('gamma'));
    await b.containers.service.create(scope, body('beta'));
    await Promise.all([
      waitActive(a.containers.service, 'alpha'),
      waitActive(a.containers.service, 'gamma'),
      waitActive(b.containers.service, 'beta'),
    ]);
    const before = {
      a: await snapshot(`wharf.owner=${a.installationId}`),
      b: await snapshot(`wharf.owner=${b.installationId}`),
    };
    // Two LBs and two replicas for a, one of each for b, all labelled with their own installation.
    expect([before.a.size, before.b.size]).toEqual([4, 2]);

    await passes([a, b], 4);

    expect(await snapshot(`wharf.owner=${a.installationId}`)).toEqual(before.a);
    expect(await snapshot(`wharf.owner=${b.installationId}`)).toEqual(before.b);
    for (const [w, name] of [
      [a, 'alpha'],
      [a, 'gamma'],
      [b, 'beta'],
    ] as const) {
      const v = await w.containers.service.get(scope, name);
      expect(v.record.status).toBe('active');
      expect((await get(`http://${v.observation.endpoint}/`)).status).toBe(200);
    }
  });

  it('when an older Wharf left objects labelled wharf.owner=wharf, then the upgraded installation adopts them untouched and another installation leaves them alone', async () => {
    // An older Wharf: the same code with the fixed legacy owner label, stepped by hand.
    const dir = path.join(root, 'upgraded');
    const knex = (await databaseOf('upgraded')).connect();
    await migrateToLatest(knex);
    const old = createContainersModule({
      knex,
      owner: 'wharf',
      logger,
      // The key ring file the upgraded Wharf loads from the same data directory.
      secrets: new SecretBox(loadKeyRing(dir, undefined)),
      config: loadConfig({ WHARF_LB_IMAGE: TEST_IMAGES.haproxy }).containers,
    });
    const created = await old.service.create(scope, body('legacy'));
    legacyServiceIds.push(created.record.id);
    await eventually(
      async () => {
        await old.reconciler.passOnce();
        return isActive(await old.service.get(scope, 'legacy')) ? true : undefined;
      },
      45000,
      'the older Wharf to bring legacy up',
    );
    await old.stop();
    await knex.destroy();
    const legacyLabel = `wharf.service=${created.record.id}`;
    const before = await snapshot(legacyLabel);
    expect(before.size).toBe(2);
    const owners = await docker.listContainers({
      all: true,
      filters: JSON.stringify({ label: [legacyLabel, 'wharf.owner=wharf'] }),
    });
    expect(owners).toHaveLength(2);

    const other = await startWharf('other');
    const upgraded = await startWharf('upgraded');
    expect(upgraded.installationId).not.toBe('wharf');
    await passes([other, upgraded], 4);

    expect(await snapshot(legacyLabel)).toEqual(before);
    const adopted = await waitActive(upgraded.containers.service, 'legacy');
    expect(adopted.observation.containers).toHaveLength(1);
    expect(before.has(adopted.observation.containers[0]!)).toBe(true);
    expect((await get(`http://${adopted.observation.endpoint}/`)).status).toBe(200);

    // Adopted means owned: deleting the service removes the legacy objects too.
    await upgraded.containers.service.remove(scope, 'legacy', false);
    expect(await snapshot(legacyLabel)).toEqual(new Map());
    const networks = await docker.listNetworks({
      filters: JSON.stringify({ label: [legacyLabel] }),
    });
    expect(networks).toHaveLength(0);
  });
});
