import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import pino from 'pino';
import request from 'supertest';
import { buildWharf } from '../../src/app';
import type { Wharf } from '../../src/app';
import { ADMIN_SCOPES } from '../../src/auth/types';
import { loadConfig } from '../../src/config';
import { loadKeyRing } from '../../src/secrets/key-ring';
import { SecretBox } from '../../src/secrets/secret-box';
import { createContainersModule } from '../../src/containers';
import { createTestDatabase } from '../support/test-database';
import type { TestDatabase } from '../support/test-database';
import { countLabelled, removeLabelled } from './support/cleanup';
import { buildTestImages, describeWithDocker, TEST_IMAGES } from './support/docker-available';
import { eventually, get } from './support/http';

const template = {
  container: {
    Image: TEST_IMAGES.httpd,
    ContainerPort: 80,
    ServicePort: 80,
    Protocol: 'http',
    Replicas: 1,
    HealthCheckInterval: 1,
    HealthCheckFall: 2,
    HealthCheckRise: 1,
    Env: ['SECRET=${secret:password}'],
    parameters: { Replicas: { minimum: 1, maximum: 3 } },
    credentials: {
      uri: '${uri}',
      host: '${host}',
      port: '${port}',
      password: '${secret:password}',
    },
  },
};

describeWithDocker('container-backed instances end to end (the bridge)', () => {
  const docker = new Docker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-bridge-'));
  const owner = `spec-${randomUUID()}`;
  let w: Wharf;
  let database: TestDatabase;
  let adminToken: string;
  let devToken: string;
  let spaceGuid: string;
  let planOne: string;
  let planTwo: string;
  /** Its image exits at once: it never becomes healthy. */
  let planBroken: string;

  const admin = (): { Authorization: string } => ({ Authorization: `bearer ${adminToken}` });
  const dev = (): { Authorization: string } => ({ Authorization: `bearer ${devToken}` });

  beforeAll(async () => {
    buildTestImages();
    const config = loadConfig({
      WHARF_DATA_DIR: dir,
      WHARF_LOG_LEVEL: 'silent',
      WHARF_LB_IMAGE: TEST_IMAGES.haproxy,
      WHARF_POLL_INTERVAL_SECONDS: '0.5',
      WHARF_JOB_TICK_MS: '200',
      WHARF_CONTAINER_SYNC_TIMEOUT_SECONDS: '90',
      WHARF_REPLICA_START_TIMEOUT_SECONDS: '20',
    });
    database = await createTestDatabase(dir);
    const knex = database.connect();
    const logger = pino({ level: 'silent' });
    const containers = createContainersModule({
      knex,
      owner,
      logger,
      // The same key ring file buildWharf loads from the data directory.
      secrets: new SecretBox(loadKeyRing(dir, undefined)),
      config: config.containers,
      resyncMs: 1000,
      busyMs: 200,
    });
    w = await buildWharf({ config, logger, knex, containers });
    await w.start();
    const adminUser = await w.users.addUser('admin', 'admin-password', ADMIN_SCOPES);
    adminToken = w.tokens.issue(
      {
        userGuid: adminUser.guid,
        userName: 'admin',
        email: undefined,
        origin: 'uaa',
        clientId: 'cf',
        scopes: adminUser.scopes,
      },
      'password',
      false,
    ).access_token;
    const developer = await w.users.addUser('dev', 'dev-password');
    const login = await request(w.app)
      .post('/oauth/token')
      .set('Authorization', 'Basic Y2Y6')
      .type('form')
      .send({ grant_type: 'password', username: 'dev', password: 'dev-password' });
    devToken = String(login.body.access_token);

    const org = await request(w.app)
      .post('/v2/organizations')
      .set(admin())
      .send({ name: 'bridge-org' });
    const space = await request(w.app)
      .post('/v2/spaces')
      .set(admin())
      .send({ name: 'bridge-space', organization_guid: org.body.metadata.guid });
    spaceGuid = String(space.body.metadata.guid);
    await request(w.app)
      .put(`/v2/organizations/${org.body.metadata.guid}/users/${developer.guid}`)
      .set(admin());
    await request(w.app).put(`/v2/spaces/${spaceGuid}/developers/${developer.guid}`).set(admin());

    const service = await request(w.app)
      .post('/v2/services')
      .set(admin())
      .send({
        label: 'web',
        description: 'An HTTP service on containers',
        active: true,
        extra: JSON.stringify(template),
        plan_updateable: true,
      });
    expect(service.status).toBe(201);
    const one = await request(w.app).post('/v2/service_plans').set(admin()).send({
      name: 'one',
      description: 'one replica',
      service_guid: service.body.metadata.guid,
      public: false,
    });
    const two = await request(w.app)
      .post('/v2/service_plans')
      .set(admin())
      .send({
        name: 'two',
        description: 'two replicas',
        service_guid: service.body.metadata.guid,
        public: false,
        extra: JSON.stringify({ container: { Replicas: 2 } }),
      });
    const broken = await request(w.app)
      .post('/v2/service_plans')
      .set(admin())
      .send({
        name: 'broken',
        description: 'a release that exits at once',
        service_guid: service.body.metadata.guid,
        public: false,
        extra: JSON.stringify({ container: { Image: TEST_IMAGES.exits } }),
      });
    planOne = String(one.body.metadata.guid);
    planTwo = String(two.body.metadata.guid);
    planBroken = String(broken.body.metadata.guid);
    for (const plan of [planOne, planTwo, planBroken]) {
      expect(
        (await request(w.app).put(`/v2/service_plans/${plan}`).set(admin()).send({ public: true }))
          .status,
      ).toBe(201);
    }
  }, 180000);

  afterAll(async () => {
    await w.close();
    await database.drop();
    await removeLabelled(docker, 'wharf.owner', owner);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a developer creates an instance and a key, the key reaches the service over HTTP; a plan change scales; delete leaves nothing', async () => {
    const created = await request(w.app)
      .post('/v2/service_instances')
      .set(dev())
      .send({ name: 'site', space_guid: spaceGuid, service_plan_guid: planOne });
    expect(created.body).toMatchObject({ entity: { name: 'site' } });
    expect(created.status).toBe(201);
    expect(created.body.entity.last_operation).toMatchObject({
      type: 'create',
      state: 'succeeded',
    });
    const instanceGuid = String(created.body.metadata.guid);

    const key = await request(w.app)
      .post('/v2/service_keys')
      .set(dev())
      .send({ name: 'k', service_instance_guid: instanceGuid });
    expect(key.status).toBe(201);
    const credentials = key.body.entity.credentials as Record<string, string>;
    expect(credentials.uri).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(credentials.password).toMatch(/^[A-Za-z0-9_-]{20,}$/);
    const page = await eventually(
      async () => {
        const res = await get(`${credentials.uri}/`).catch(() => undefined);
        return res?.status === 200 ? res : undefined;
      },
      30000,
      'service reachable through the key uri',
    );
    expect(page.body.length).toBeGreaterThan(0);

    const updated = await request(w.app)
      .put(`/v2/service_instances/${instanceGuid}`)
      .set(dev())
      .send({ service_plan_guid: planTwo });
    expect(updated.status).toBe(201);
    expect(updated.body.entity.service_plan_guid).toBe(planTwo);
    const scaled = await w.containers.service.get(
      { tenant: spaceGuid.replace(/-/g, ''), admin: false },
      `si-${instanceGuid}`,
    );
    expect(scaled.record.spec.replicas).toBe(2);
    expect(scaled.record.status).toBe('active');

    expect(
      (await request(w.app).delete(`/v2/service_keys/${key.body.metadata.guid}`).set(dev())).status,
    ).toBe(204);
    expect(
      (await request(w.app).delete(`/v2/service_instances/${instanceGuid}`).set(dev())).status,
    ).toBe(204);
    await eventually(
      async () =>
        (await countLabelled(docker, 'wharf.owner', owner)).containers === 0 ? true : undefined,
      30000,
      'no container left',
    );
  }, 180000);

  it('when created with accepts_incomplete=true, answers 202 and reports progress until succeeded', async () => {
    const created = await request(w.app)
      .post('/v2/service_instances?accepts_incomplete=true')
      .set(dev())
      .send({
        name: 'async-site',
        space_guid: spaceGuid,
        service_plan_guid: planOne,
        parameters: { Replicas: 2 },
      });
    expect(created.status).toBe(202);
    expect(created.body.entity.last_operation).toMatchObject({
      type: 'create',
      state: 'in progress',
    });
    const guid = String(created.body.metadata.guid);
    const done = await eventually(
      async () => {
        const res = await request(w.app).get(`/v2/service_instances/${guid}`).set(dev());
        return res.body.entity.last_operation.state === 'succeeded' ? res : undefined;
      },
      90000,
      'async instance succeeded',
    );
    expect(done.body.entity.last_operation.type).toBe('create');
    const view = await w.containers.service.get(
      { tenant: spaceGuid.replace(/-/g, ''), admin: false },
      `si-${guid}`,
    );
    expect(view.record.spec.replicas).toBe(2);

    const refused = await request(w.app)
      .post('/v2/service_instances')
      .set(dev())
      .send({
        name: 'too-big',
        space_guid: spaceGuid,
        service_plan_guid: planOne,
        parameters: { Replicas: 9 },
      });
    expect(refused.status).toBe(400);
    expect(refused.body.error_code).toBe('CF-ServiceInstanceInvalid');
    expect(refused.body.description).toContain('Replicas');

    expect((await request(w.app).delete(`/v2/service_instances/${guid}`).set(dev())).status).toBe(
      204,
    );
    await eventually(
      async () =>
        (await countLabelled(docker, 'wharf.owner', owner)).containers === 0 ? true : undefined,
      30000,
      'no container left',
    );
  }, 180000);

  const containerOf = (instanceGuid: string) =>
    w.containers.service.get(
      { tenant: spaceGuid.replace(/-/g, ''), admin: false },
      `si-${instanceGuid}`,
    );

  it('when provisioned on a plan whose image never becomes healthy, then the create fails and nothing is left', async () => {
    const created = await request(w.app)
      .post('/v2/service_instances')
      .set(dev())
      .send({ name: 'broken-site', space_guid: spaceGuid, service_plan_guid: planBroken });
    expect(created.status).toBe(400);
    expect(created.body.description).toContain('replica exited with code 1');
    const listed = await request(w.app).get('/v2/service_instances?q=name:broken-site').set(dev());
    expect(listed.body.resources).toEqual([]);
  }, 120000);

  it('when a plan change goes to an image that never becomes healthy, sync or async, then it fails, the old replicas keep serving and the instance keeps its plan', async () => {
    const created = await request(w.app)
      .post('/v2/service_instances')
      .set(dev())
      .send({ name: 'steady', space_guid: spaceGuid, service_plan_guid: planOne });
    expect(created.status).toBe(201);
    const guid = String(created.body.metadata.guid);
    const before = await containerOf(guid);

    const sync = await request(w.app)
      .put(`/v2/service_instances/${guid}`)
      .set(dev())
      .send({ service_plan_guid: planBroken });
    expect(sync.status).toBe(400);
    expect(sync.body.description).toContain(`Rolled back to ${TEST_IMAGES.httpd}`);
    const afterSync = await request(w.app).get(`/v2/service_instances/${guid}`).set(dev());
    expect(afterSync.body.entity).toMatchObject({
      service_plan_guid: planOne,
      last_operation: { type: 'update', state: 'failed' },
    });
    const rolled = await containerOf(guid);
    expect(rolled.record).toMatchObject({ status: 'active', spec: { image: TEST_IMAGES.httpd } });
    expect(rolled.observation.containers).toEqual(before.observation.containers);

    const async = await request(w.app)
      .put(`/v2/service_instances/${guid}?accepts_incomplete=true`)
      .set(dev())
      .send({ service_plan_guid: planBroken });
    expect(async.status).toBe(202);
    const failed = await eventually(
      async () => {
        const res = await request(w.app).get(`/v2/service_instances/${guid}`).set(dev());
        return res.body.entity.last_operation.state === 'in progress' ? undefined : res;
      },
      90000,
      'async plan change settled',
    );
    expect(failed.body.entity).toMatchObject({
      service_plan_guid: planOne,
      last_operation: {
        type: 'update',
        state: 'failed',
        description: expect.stringContaining(`Rolled back to ${TEST_IMAGES.httpd}`),
      },
    });
    expect((await containerOf(guid)).observation.containers).toEqual(before.observation.containers);
    expect((await request(w.app).delete(`/v2/service_instances/${guid}`).set(dev())).status).toBe(
      204,
    );
  }, 180000);
});
