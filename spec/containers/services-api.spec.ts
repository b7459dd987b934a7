import request from 'supertest';
import { DriverError } from '../../src/containers/drivers/driver';
import { readFixture } from './plan-fixtures';
import { createTestApp, USERS } from './support/containers-app';
import type { TestApp } from './support/containers-app';

const seed: Record<string, unknown> = JSON.parse(readFixture('containers', 'create-http.json'));
const pem = readFixture('containers', 'tls-bundle.pem');
type Who = Record<string, string>;
const alice: Who = { 'x-test-user': USERS.alice };
const bob: Who = { 'x-test-user': USERS.bob };
const admin: Who = { 'x-test-user': `${USERS.admin},admin` };

describe('/services (fake engine)', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const create = (body: Record<string, unknown>, who = alice) =>
    request(t.app).post('/services/create').set(who).send(body);
  const converge = async (passes = 3): Promise<void> => {
    for (let i = 0; i < passes; i++) await t.module.reconciler.passOnce();
  };

  describe('POST /services/create', () => {
    it('when given the seed example, then answers 201 with every field and the defaults', async () => {
      const res = await create(seed);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        Name: 'http',
        Image: 'nginx',
        Entrypoint: [],
        Cmd: [],
        Env: [],
        WorkingDir: '',
        Volumes: {},
        Labels: { app: 'nginx' },
        Tty: false,
        Stdin: false,
        NetMode: 'bridge',
        StopSignal: 'SIGTERM',
        SecurityGroups: {},
        ServicePort: 80,
        ContainerPort: 80,
        ContainerSize: 's4',
        ServiceSize: 's4',
        Replicas: 2,
        Protocol: 'http',
        SSLCert: '',
        HealthCheckInterval: 5,
        HealthCheckFall: 3,
        HealthCheckRise: 2,
        Algorithm: 'roundrobin',
        SessionAffinity: false,
        IP: '',
        FIP: '',
        Tenant: '6f1d2c3b4a5e4f608a7b9c0d1e2f3a4b',
        Message: 'Service is created',
        Created: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d+Z$/),
        Status: 'created',
        Containers: [],
        Endpoint: '',
        Backends: [],
      });
    });

    it('when the caller id is not a uuid, then Tenant is still 32 hex chars', async () => {
      const res = await create(seed, bob);
      expect(res.body.Tenant).toMatch(/^[0-9a-f]{32}$/);
    });

    it('when the name is taken in the tenant, then 409 and nothing new is stored', async () => {
      await create(seed);
      const res = await create({ ...seed, Image: 'other' });
      expect(res.status).toBe(409);
      expect(res.body.message).toMatch(/conflicts with an existing object/);
      const list = await request(t.app).get('/services').set(alice);
      expect(list.body.map((s: { Image: string }) => s.Image)).toEqual(['nginx']);
    });

    it('when another tenant uses the name, then both exist', async () => {
      await create(seed);
      expect((await create(seed, bob)).status).toBe(201);
    });

    it.each([
      ['ContainerSize', { ContainerSize: 'xxl' }],
      ['Protocol', { Protocol: 'udp' }],
      ['Replicas', { Replicas: 6 }],
      ['SSLCert', { Protocol: 'httpsTerm' }],
      ['ServicePort', { ServicePort: 70000 }],
    ])('when %s is bad, then 400 naming it and nothing stored', async (field, patch) => {
      const res = await create({ ...seed, ...patch });
      expect(res.status).toBe(400);
      expect(res.body.message).toContain(field);
      expect((await request(t.app).get('/services').set(alice)).body).toEqual([]);
    });

    it('when httpsTerm has a cert, then the response and later reads never echo it', async () => {
      const res = await create({ ...seed, Protocol: 'httpsTerm', SSLCert: pem, ServicePort: 443 });
      expect(res.status).toBe(201);
      expect(res.body.SSLCert).toBe('');
      expect(
        JSON.stringify((await request(t.app).get('/services/http').set(alice)).body),
      ).not.toContain('PRIVATE KEY');
    });

    it.each([
      ['anonymous', {}, /Authentication required/],
      ['an invalid token', { 'x-test-user': 'invalid' }, /Invalid token: bad signature/],
    ])('when %s, then 401 with a message', async (_n, headers, message) => {
      const res = await request(t.app).post('/services/create').set(headers).send(seed);
      expect(res.status).toBe(401);
      expect(res.body.message).toMatch(message);
    });
  });

  describe('convergence', () => {
    it('when the reconciler runs, then network, LB and replicas exist and Status becomes active', async () => {
      await create(seed);
      await converge();
      const res = await request(t.app).get('/services/http').set(alice);
      expect(res.body).toMatchObject({
        Status: 'active',
        Message: 'Scaling complete',
        IP: '10.0.0.254',
      });
      expect(res.body.Containers).toHaveLength(2);
      expect(res.body.Endpoint).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(res.body.Backends).toEqual(
        res.body.Containers.map((id: string) => ({
          ContainerId: id,
          State: 'running',
          Health: 'UP',
        })),
      );
    });

    it('when a replica is not UP yet, then Status is updating with Scaling k/N', async () => {
      await create(seed);
      await t.module.reconciler.passOnce(); // network, LB and replicas
      const [first] = t.driver.all().filter((c) => c.role === 'replica');
      t.health.down.add(first!.ip!);
      await t.module.reconciler.passOnce();
      expect((await request(t.app).get('/services/http').set(alice)).body).toMatchObject({
        Status: 'updating',
        Message: 'Scaling 1/2',
      });
    });

    it('when the reconciler changes a status, then it publishes each change once to the change feed', async () => {
      const created = await create(seed);
      const id = (
        await t.module.service.get(
          { tenant: '6f1d2c3b4a5e4f608a7b9c0d1e2f3a4b', admin: false },
          'http',
        )
      ).record.id;
      expect(created.status).toBe(201);
      await converge(4);
      expect(t.changes).toEqual([
        {
          topic: 'container_service',
          action: 'status',
          id,
          detail: { status: 'updating', message: 'Scaling 0/2' },
        },
        {
          topic: 'container_service',
          action: 'status',
          id,
          detail: { status: 'active', message: 'Scaling complete' },
        },
      ]);
    });

    it('when an active replica dies, then it is replaced and the service stays active', async () => {
      await create(seed);
      await converge();
      const [victim] = t.driver.all().filter((c) => c.role === 'replica');
      t.driver.setState(victim!.id, 'exited');
      await converge(2);
      const body = (await request(t.app).get('/services/http').set(alice)).body;
      expect(body.Status).toBe('active');
      expect(body.Containers).toHaveLength(2);
      expect(body.Containers).not.toContain(victim!.id);
    });

    it('when the image cannot be pulled, then failed with the reason, and active once it appears', async () => {
      t.driver.missingImages.add('nginx');
      await create(seed);
      await converge(2);
      expect((await request(t.app).get('/services/http').set(alice)).body).toMatchObject({
        Status: 'failed',
        Message: expect.stringMatching(/^Image nginx is missing and could not be pulled/),
      });
      t.driver.missingImages.clear();
      t.module.reconciler.resetBackoff(
        (
          await t.module.service.get(
            { tenant: '6f1d2c3b4a5e4f608a7b9c0d1e2f3a4b', admin: false },
            'http',
          )
        ).record.id,
      );
      await converge();
      expect((await request(t.app).get('/services/http').set(alice)).body.Status).toBe('active');
    });

    it('when the engine is unreachable, then failed with the reason, and active once it answers', async () => {
      await create(seed);
      t.driver.failNext(
        'listOwned',
        new DriverError(
          'unreachable',
          'Docker Engine unreachable while listing Wharf containers: ECONNREFUSED',
        ),
      );
      await t.module.reconciler.passOnce();
      expect((await request(t.app).get('/services/http').set(alice)).body).toMatchObject({
        Status: 'failed',
        Message: expect.stringMatching(
          /^Docker Engine unreachable while listing Wharf containers: ECONNREFUSED \(retrying in 1s\)$/,
        ),
      });
      t.module.reconciler.resetBackoff((await t.knex('container_services').first('guid')).guid);
      await converge();
      expect((await request(t.app).get('/services/http').set(alice)).body.Status).toBe('active');
    });

    it('when labelled objects belong to no stored service, then the sweep removes them', async () => {
      await create(seed);
      await converge();
      await t.knex('container_services').delete();
      await converge(1);
      expect(t.driver.all()).toEqual([]);
    });
  });

  describe('GET /services', () => {
    it("when filtered by name and label, then returns only matches and only the tenant's", async () => {
      await create(seed);
      await create({ ...seed, Name: 'api', Labels: { app: 'api' } });
      await create({ ...seed, Name: 'other' }, bob);
      const q = (f: unknown) =>
        request(t.app)
          .get('/services')
          .query({ filters: JSON.stringify(f) })
          .set(alice);
      expect((await q({ name: ['api'] })).body.map((s: { Name: string }) => s.Name)).toEqual([
        'api',
      ]);
      expect((await q({ label: ['app=nginx'] })).body.map((s: { Name: string }) => s.Name)).toEqual(
        ['http'],
      );
      expect((await q({})).body.map((s: { Name: string }) => s.Name)).toEqual(['http', 'api']);
      const all = await request(t.app).get('/services').set(admin);
      expect(all.body.map((s: { Name: string }) => s.Name)).toEqual(['http', 'api', 'other']);
    });

    it('when filters is not JSON, then 400', async () => {
      const res = await request(t.app).get('/services').query({ filters: '{' }).set(alice);
      expect(res.status).toBe(400);
    });

    it('when the service belongs to another tenant, then 404 for users and 200 for admin', async () => {
      await create(seed, bob);
      expect((await request(t.app).get('/services/http').set(alice)).status).toBe(404);
      expect((await request(t.app).get('/services/http').set(admin)).status).toBe(200);
    });
  });

  describe('POST /services/:name/update', () => {
    const update = (body: object, who = alice) =>
      request(t.app).post('/services/http/update').set(who).send(body);

    it('when Replicas changes, then 200 updating, and the engine converges to the new count', async () => {
      await create(seed);
      await converge();
      const res = await update({ Replicas: 4 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ Replicas: 4, Status: 'updating', Message: 'Scaling 0/4' });
      await converge();
      const body = (await request(t.app).get('/services/http').set(alice)).body;
      expect(body).toMatchObject({ Status: 'active', Message: 'Scaling complete' });
      expect(body.Containers).toHaveLength(4);
      await update({ Replicas: 1 });
      await converge();
      expect((await request(t.app).get('/services/http').set(alice)).body.Containers).toHaveLength(
        1,
      );
    });

    it('when Image changes, then replicas are replaced one at a time, each new one UP before an old one goes', async () => {
      await create(seed);
      await converge();
      const before = t.driver
        .all()
        .filter((c) => c.role === 'replica')
        .map((c) => c.id);
      await update({ Image: 'nginx:2' });
      const counts: number[] = [];
      for (let i = 0; i < 10; i++) {
        await t.module.reconciler.passOnce();
        const replicas = t.driver.all().filter((c) => c.role === 'replica');
        counts.push(replicas.length);
      }
      const after = t.driver.all().filter((c) => c.role === 'replica');
      expect(after.map((c) => c.image)).toEqual(['nginx:2', 'nginx:2']);
      expect(after.some((c) => before.includes(c.id))).toBe(false);
      // Each old replica left through the LB's drain, never by a bare stop.
      expect(t.health.retired).toHaveLength(2);
      expect(Math.max(...counts)).toBe(3);
      expect(Math.min(...counts)).toBe(2);
      expect((await request(t.app).get('/services/http').set(alice)).body.Status).toBe('active');
    });

    it("when a FIP from the pool is attached, then it is stored and a second one is refused with Hyper's text", async () => {
      await create(seed);
      expect((await update({ FIP: '127.0.0.2' })).body.FIP).toBe('127.0.0.2');
      const again = await update({ FIP: '127.0.0.3' });
      expect(again.status).toBe(409);
      expect(again.body.message).toBe(
        'Conflict, service(http) has attached with another floating IP(127.0.0.2).',
      );
    });

    it('when the FIP is held by another service, then 409; outside the pool, 400; "" detaches', async () => {
      await create(seed);
      await create({ ...seed, Name: 'api' });
      await request(t.app).post('/services/api/update').set(alice).send({ FIP: '127.0.0.2' });
      expect((await update({ FIP: '127.0.0.2' })).status).toBe(409);
      expect((await update({ FIP: '10.1.1.1' })).status).toBe(400);
      const detached = await request(t.app)
        .post('/services/api/update')
        .set(alice)
        .send({ FIP: '' });
      expect(detached.body.FIP).toBe('');
      expect((await update({ FIP: '127.0.0.2' })).body.FIP).toBe('127.0.0.2');
    });

    it('when Replicas is out of bounds or the service is unknown, then 400 / 404', async () => {
      await create(seed);
      expect((await update({ Replicas: 0 })).status).toBe(400);
      expect((await update({ Replicas: 9 })).body.message).toMatch(
        /^Replicas must be between 1 and 5/,
      );
      expect(
        (await request(t.app).post('/services/nope/update').set(alice).send({ Replicas: 1 }))
          .status,
      ).toBe(404);
    });
  });

  describe('DELETE /services/:name', () => {
    it('when deleted, then 204, 404 afterwards, and the engine has nothing left', async () => {
      await create(seed);
      await converge();
      expect((await request(t.app).delete('/services/http').set(alice)).status).toBe(204);
      expect((await request(t.app).get('/services/http').set(alice)).status).toBe(404);
      await converge(1);
      expect(t.driver.all()).toEqual([]);
    });

    it('when deleted with keep=true, then replicas keep running and the sweep leaves them alone', async () => {
      await create(seed);
      await converge();
      expect(
        (await request(t.app).delete('/services/http').query({ keep: 'true' }).set(alice)).status,
      ).toBe(204);
      await converge(2);
      expect(t.driver.all().map((c) => c.role)).toEqual(['replica', 'replica']);
    });

    it('when another tenant deletes it, then 404 and it stays', async () => {
      await create(seed);
      expect((await request(t.app).delete('/services/http').set(bob)).status).toBe(404);
      expect((await request(t.app).get('/services/http').set(alice)).status).toBe(200);
    });
  });
});
