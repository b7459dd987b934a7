import request from 'supertest';
import { readFixture } from './plan-fixtures';
import { createTestApp, USERS } from './support/containers-app';
import type { TestApp } from './support/containers-app';

const seed: Record<string, unknown> = JSON.parse(readFixture('containers', 'create-http.json'));
type Who = Record<string, string>;
const alice: Who = { 'x-test-user': USERS.alice };
const bob: Who = { 'x-test-user': USERS.bob };
const admin: Who = { 'x-test-user': `${USERS.admin},admin` };

async function rows(t: TestApp): Promise<unknown[]> {
  return t.knex('container_services').select('*').orderBy('id');
}

describe('/services: images users may name (issue 9 item 7)', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });

  const create = (body: Record<string, unknown>, who = alice) =>
    request(t.app).post('/services/create').set(who).send(body);

  describe('with the default allowlist (Docker Hub)', () => {
    beforeEach(async () => {
      t = await createTestApp();
    });

    it.each([
      ['a local registry port', '127.0.0.1:4199/probe:1'],
      ['another registry', 'ghcr.io/org/app:1'],
      ['localhost', 'localhost/x'],
      ['an IPv6 host', '[::1]:5000/x'],
    ])(
      'when Image names %s, then 400 naming Image, nothing stored, nothing pulled',
      async (_n, image) => {
        const res = await create({ ...seed, Image: image });
        expect(res.status).toBe(400);
        expect(res.body).toEqual({ message: expect.stringMatching(/^Image .*is not allowed/) });
        expect(await rows(t)).toEqual([]);
        await t.module.reconciler.passOnce();
        expect(t.driver.calls.filter((c) => c.method === 'ensureImage')).toEqual([]);
      },
    );

    it.each([
      ['upper case', 'NGINX'],
      ['a scheme', 'http://127.0.0.1:4199/x'],
      ['a newline', 'nginx\nx'],
      ['a bad tag', 'nginx:'],
      ['spaces', 'ng inx'],
    ])('when Image has %s, then 400 naming Image and nothing stored', async (_n, image) => {
      const res = await create({ ...seed, Image: image });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^Image ".*" is not a valid image reference/);
      expect(await rows(t)).toEqual([]);
    });

    it.each([['nginx'], ['nginx:1.25'], ['docker.io/library/nginx'], ['wharf-test/httpd:latest']])(
      'when Image is the Docker Hub reference %s, then 201',
      async (image) => {
        expect((await create({ ...seed, Image: image })).status).toBe(201);
      },
    );

    it('when the engine already holds an image of another registry, then 201 (nothing to pull)', async () => {
      t.driver.presentImages.add('127.0.0.1:4199/built-here:1');
      const res = await create({ ...seed, Image: '127.0.0.1:4199/built-here:1' });
      expect(res.status).toBe(201);
    });

    it('when a rolling update names a disallowed image, then 400 and the spec is unchanged', async () => {
      await create(seed);
      const before = await rows(t);
      const res = await request(t.app)
        .post('/services/http/update')
        .set(alice)
        .send({ Image: '127.0.0.1:4199/probe:1' });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^Image 127\.0\.0\.1:4199\/probe:1: registry/);
      expect(await rows(t)).toEqual(before);
    });
  });

  describe('with WHARF_ALLOWED_REGISTRIES=registry.example.com:5000', () => {
    beforeEach(async () => {
      t = await createTestApp({ allowedRegistries: ['registry.example.com:5000'] });
    });

    it('when Image names that registry, then 201; Docker Hub is no longer allowed', async () => {
      expect(
        (await create({ ...seed, Image: 'registry.example.com:5000/team/app:1' })).status,
      ).toBe(201);
      const hub = await create({ ...seed, Name: 'hub', Image: 'nginx' });
      expect(hub.status).toBe(400);
      expect(hub.body.message).toMatch(/registry docker\.io is not allowed/);
    });
  });
});

describe('/services: tenant quotas (issue 9 item 7)', () => {
  let t: TestApp;
  afterEach(async () => {
    await t.close();
  });
  const create = (name: string, replicas: number, who = alice) =>
    request(t.app)
      .post('/services/create')
      .set(who)
      .send({ ...seed, Name: name, Replicas: replicas });
  const scale = (name: string, replicas: number, who = alice) =>
    request(t.app).post(`/services/${name}/update`).set(who).send({ Replicas: replicas });

  it('when a tenant reaches WHARF_TENANT_MAX_SERVICES, then 403 with a message and nothing stored; others and admins go on', async () => {
    t = await createTestApp({ tenantMaxServices: 2 });
    expect((await create('a', 1)).status).toBe(201);
    expect((await create('b', 1)).status).toBe(201);
    const before = await rows(t);
    const third = await create('c', 1);
    expect(third.status).toBe(403);
    expect(third.body).toEqual({
      message: 'Quota exceeded: a tenant may have at most 2 services',
    });
    expect(await rows(t)).toEqual(before);
    expect((await create('c', 1, bob)).status).toBe(201);
    for (const name of ['x', 'y', 'z']) expect((await create(name, 1, admin)).status).toBe(201);
  });

  it('when replicas summed over the tenant would pass WHARF_TENANT_MAX_REPLICAS, then create and scale answer 403; scaling down works', async () => {
    t = await createTestApp({ tenantMaxReplicas: 5 });
    expect((await create('a', 3)).status).toBe(201);
    const tooMany = await create('b', 3);
    expect(tooMany.status).toBe(403);
    expect(tooMany.body.message).toBe(
      'Quota exceeded: a tenant may run at most 5 replicas in all (3 in use by other services, 3 requested)',
    );
    expect((await create('b', 2)).status).toBe(201);
    const before = await rows(t);
    const up = await scale('b', 3);
    expect(up.status).toBe(403);
    expect(up.body.message).toMatch(/^Quota exceeded: .* at most 5 replicas/);
    expect(await rows(t)).toEqual(before);
    expect((await scale('a', 1)).status).toBe(200);
    expect((await scale('b', 4)).status).toBe(200);
    expect((await scale('b', 5, admin)).status).toBe(200);
  });

  it('when many creates race for the last slots, then exactly the quota passes', async () => {
    t = await createTestApp({ tenantMaxServices: 3 });
    expect((await create('first', 1)).status).toBe(201);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_v, i) => create(`racer-${i}`, 1)),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 201, 403, 403, 403, 403, 403, 403]);
    expect(await rows(t)).toHaveLength(3);
  });
});
