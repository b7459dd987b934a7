import { randomUUID } from 'node:crypto';
import express from 'express';
import type { Express } from 'express';
import request from 'supertest';
import { setAuthState } from '../../src/auth/auth-context';
import { addKeyToRing, loadKeyRing } from '../../src/secrets/key-ring';
import { resealAll } from '../../src/secrets/reseal-store';
import {
  BROKER_AUTH,
  containerOf,
  pumping,
  startBrokerWorld,
} from '../integration/osb-server/broker-world';
import type { BrokerWorld } from '../integration/osb-server/broker-world';
import { readFixture } from './plan-fixtures';
import { createTestApp, USERS } from './support/containers-app';
import type { TestApp } from './support/containers-app';

const pem = readFixture('containers', 'tls-bundle.pem');
const seed: Record<string, unknown> = JSON.parse(readFixture('containers', 'create-http.json'));
const alice = { 'x-test-user': USERS.alice };

interface RawRow {
  guid: string;
  spec: string;
  secrets_encrypted: string | null;
}
const rawRows = async (knex: TestApp['knex']): Promise<RawRow[]> =>
  knex('container_services').select('guid', 'spec', 'secrets_encrypted');

/** The private key's base64 body: what must never sit in the database in the clear. */
const keyBody = (bundle: string): string => {
  const match = /-----BEGIN [A-Z ]*PRIVATE KEY-----\n([^\n]+)/.exec(bundle);
  if (match?.[1] === undefined) throw new Error('fixture has no private key');
  return match[1];
};

describe('container service secrets at rest (issue 9 item 4)', () => {
  describe('through /services', () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await createTestApp();
    });
    afterEach(async () => {
      await t.close();
    });

    it('when a service has Env and an SSLCert, then the row holds neither, and reads still work', async () => {
      const marker = `token-${randomUUID()}`;
      const res = await request(t.app)
        .post('/services/create')
        .set(alice)
        .send({
          ...seed,
          Protocol: 'httpsTerm',
          ServicePort: 443,
          SSLCert: pem,
          Env: [`API_TOKEN=${marker}`],
        });
      expect(res.status).toBe(201);
      const [row] = await rawRows(t.knex);
      const everything = JSON.stringify(row);
      expect(everything).not.toContain(marker);
      expect(everything).not.toContain(keyBody(pem));
      expect(everything).not.toContain('PRIVATE KEY');
      expect(row?.secrets_encrypted).toMatch(/^v1:spec-key:/);
      // The engine side still sees the real values.
      const view = await t.module.service.get(
        { tenant: '6f1d2c3b4a5e4f608a7b9c0d1e2f3a4b', admin: false },
        'http',
      );
      expect(view.record.spec.env).toEqual([`API_TOKEN=${marker}`]);
      expect(view.record.spec.sslCert).toBe(pem);
      await t.module.reconciler.passOnce();
      expect(t.driver.all().filter((c) => c.role === 'replica')).toHaveLength(2);
    });

    it('when SecretEnv names keys, then GET shows those values as [redacted] and others as sent', async () => {
      await request(t.app)
        .post('/services/create')
        .set(alice)
        .send({ ...seed, Env: ['PASSWORD=s3cret', 'MODE=prod'], SecretEnv: ['PASSWORD'] })
        .expect(201);
      const res = await request(t.app).get('/services/http').set(alice);
      expect(res.body.Env).toEqual(['PASSWORD=[redacted]', 'MODE=prod']);
      expect(JSON.stringify(res.body)).not.toContain('s3cret');
    });

    it('when SecretEnv names a key Env lacks, then 400 naming SecretEnv', async () => {
      const res = await request(t.app)
        .post('/services/create')
        .set(alice)
        .send({ ...seed, Env: ['MODE=prod'], SecretEnv: ['PASSWORD'] });
      expect(res.status).toBe(400);
      expect(res.body.message).toBe('SecretEnv: "PASSWORD" is not a key of Env');
    });

    it('when a row was written in plaintext before sealing, then start seals it', async () => {
      await request(t.app)
        .post('/services/create')
        .set(alice)
        .send({ ...seed, Env: ['API_TOKEN=old-plain'] })
        .expect(201);
      const [sealed] = await rawRows(t.knex);
      const open = { ...JSON.parse(sealed!.spec), env: ['API_TOKEN=old-plain'] };
      await t
        .knex('container_services')
        .update({ spec: JSON.stringify(open), secrets_encrypted: null });
      await t.module.start();
      await t.module.stop();
      const [row] = await rawRows(t.knex);
      expect(JSON.stringify(row)).not.toContain('old-plain');
      expect((await request(t.app).get('/services/http').set(alice)).body.Env).toEqual([
        'API_TOKEN=old-plain',
      ]);
    });
  });

  describe('through the instance bridge (${secret:…} in Env)', () => {
    let world: BrokerWorld;
    let services: Express;
    beforeAll(async () => {
      world = await startBrokerWorld();
      services = express();
      services.use((req, _res, next) => {
        setAuthState(req, {
          kind: 'authenticated',
          context: {
            userGuid: world.wharf.admin.guid,
            userName: 'admin',
            email: undefined,
            clientId: 'cf',
            scopes: ['cloud_controller.admin'],
          },
        });
        next();
      });
      services.use('/services', world.containers.router);
    });
    afterAll(async () => {
      await world.close();
    });

    it('seals the rendered secret, redacts it in GET, and rotate-key re-seals it', async () => {
      const id = randomUUID();
      const space = randomUUID();
      const body = {
        service_id: 'svc-web',
        plan_id: 'plan-small',
        organization_guid: randomUUID(),
        space_guid: space,
      };
      const provision = request(world.app)
        .put(`/broker/v2/service_instances/${id}`)
        .auth(BROKER_AUTH.username, BROKER_AUTH.password)
        .set('X-Broker-API-Version', '2.17')
        .send(body);
      expect((await pumping(world, provision)).status).toBe(201);
      const bound = await request(world.app)
        .put(`/broker/v2/service_instances/${id}/service_bindings/${randomUUID()}`)
        .auth(BROKER_AUTH.username, BROKER_AUTH.password)
        .set('X-Broker-API-Version', '2.17')
        .send({ service_id: 'svc-web', plan_id: 'plan-small' });
      const password: unknown = bound.body.credentials?.password;
      if (typeof password !== 'string' || password.length < 8) throw new Error('no password');

      const view = await containerOf(world, id, space);
      if (view === undefined) throw new Error('no container service');
      expect(view.record.spec.env).toEqual([`PASSWORD=${password}`]);
      const [before] = await rawRows(world.wharf.knex);
      expect(JSON.stringify(before)).not.toContain(password);

      const shown = await request(services).get(`/services/${view.record.spec.name}`);
      expect(shown.status).toBe(200);
      expect(shown.body.Env).toEqual(['PASSWORD=[redacted]']);
      expect(shown.text).not.toContain(password);

      const oldKey = world.wharf.secrets.currentKeyId;
      const ring = addKeyToRing(world.wharf.dataDir, loadKeyRing(world.wharf.dataDir, undefined));
      world.wharf.secrets.useRing(ring);
      expect(await resealAll(world.wharf.knex, world.wharf.secrets)).toBeGreaterThan(0);
      const [after] = await rawRows(world.wharf.knex);
      expect(after?.secrets_encrypted?.split(':')[1]).toBe(ring.current);
      expect(ring.current).not.toBe(oldKey);
      expect(JSON.stringify(after)).not.toContain(password);
      const reread = await containerOf(world, id, space);
      expect(reread?.record.spec.env).toEqual([`PASSWORD=${password}`]);
    });
  });
});
