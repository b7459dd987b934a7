import pino from 'pino';
import request from 'supertest';
import { BrokerResyncSchedule } from '../../../src/broker-registry';
import { BrokersStore } from '../../../src/broker-registry/store';
import { ManualClock } from '../../../src/clock';
import { FakeBroker, reply } from '../../support/fake-broker';
import { readCatalogFixture } from '../../osb-client/support/catalog-fixtures';
import { bearer, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import { login, get } from '../ui/support';

const USERNAME = 'broker-user';
const PASSWORD = 'broker-password';

let w: TestWharf;
let broker: FakeBroker;
let brokerGuid: string;

beforeAll(async () => {
  w = await startTestWharf();
  broker = await FakeBroker.start({
    catalog: readCatalogFixture('valid-minimal'),
    username: USERNAME,
    password: PASSWORD,
  });
  const res = await request(w.app).post('/v2/service_brokers').set(bearer(w.adminToken)).send({
    name: 'fresh',
    broker_url: broker.url,
    auth_username: USERNAME,
    auth_password: PASSWORD,
  });
  expect(res.status).toBe(201);
  brokerGuid = String(res.body.metadata.guid);
});

afterAll(async () => {
  await broker.close();
  await w.stop();
});

const lastSync = async (): Promise<unknown> => (await w.brokers.require(brokerGuid)).lastSync;
const serviceRows = (): Promise<unknown[]> =>
  w.knex('services').select('guid', 'label', 'active').orderBy('id');

describe('the last sync of a broker', () => {
  it('registration counts as a successful sync', async () => {
    expect(await lastSync()).toEqual({ at: expect.any(Date), ok: true, error: null });
  });

  it('a failed re-sync is recorded with its reason, shown, and changes no offering', async () => {
    const before = await serviceRows();
    broker.on('GET', '/v2/catalog', reply.status(500, { description: 'catalog store down' }));
    await expect(w.brokers.sync(brokerGuid, {})).rejects.toThrow();
    broker.reset();
    expect(await lastSync()).toEqual({
      at: expect.any(Date),
      ok: false,
      error: expect.any(String),
    });
    expect(await serviceRows()).toEqual(before);

    const metrics = await request(w.app).get('/metrics').set(bearer(w.adminToken));
    expect(metrics.text).toContain('wharf_broker_last_sync_success{broker="fresh"} 0');
    const admin = await login(w, 'admin', 'admin-password');
    const page = await get(w, admin, '/ui/brokers');
    expect(page.text).toContain('badge-bad');
    const overview = await get(w, admin, '/ui');
    expect(overview.text).toContain('sync failed');
  });

  it('the next good sync clears the failure', async () => {
    await w.brokers.sync(brokerGuid, {});
    expect(await lastSync()).toEqual({ at: expect.any(Date), ok: true, error: null });
    const metrics = await request(w.app).get('/metrics').set(bearer(w.adminToken));
    expect(metrics.text).toContain('wharf_broker_last_sync_success{broker="fresh"} 1');
  });
});

describe('BrokerResyncSchedule', () => {
  const logger = pino({ level: 'silent' });
  const schedule = (clock: ManualClock, workerId: string): BrokerResyncSchedule =>
    new BrokerResyncSchedule(w.brokers, new BrokersStore(w.knex, clock), clock, logger, {
      intervalSeconds: 3600,
      workerId,
    });

  it('when two processes look in the same period, exactly one re-syncs each broker', async () => {
    const clock = new ManualClock(new Date('2030-01-01T10:05:00Z'));
    const first = schedule(clock, 'process-a');
    const second = schedule(clock, 'process-b');
    const catalogCalls = broker.requestsTo('GET', '/v2/catalog').length;
    const outcomes = await Promise.all([first.tick(), second.tick()]);
    expect(outcomes.map((o) => o.ran).sort()).toEqual([false, true]);
    expect(broker.requestsTo('GET', '/v2/catalog').length).toBe(catalogCalls + 1);

    // The same period again: nobody runs; the next period: one runs again.
    expect(await first.tick()).toEqual({ ran: false, synced: 0, failed: 0 });
    clock.advance(3600 * 1000);
    expect(await second.tick()).toEqual({ ran: true, synced: 1, failed: 0 });
    expect(broker.requestsTo('GET', '/v2/catalog').length).toBe(catalogCalls + 2);
  });

  it('a broker that fails is recorded and the schedule goes on', async () => {
    const clock = new ManualClock(new Date('2031-06-01T00:00:00Z'));
    broker.on('GET', '/v2/catalog', reply.destroy());
    expect(await schedule(clock, 'process-a').tick()).toEqual({ ran: true, synced: 0, failed: 1 });
    broker.reset();
    expect(await lastSync()).toMatchObject({ ok: false });
  });
});

describe('a per-broker timeout', () => {
  it('cuts a slow broker off at its own deadline, not the installation’s', async () => {
    const slow = await FakeBroker.start({
      catalog: readCatalogFixture('valid-minimal'),
      username: USERNAME,
      password: PASSWORD,
    });
    try {
      const { broker: registered } = await w.brokers.register(
        null,
        {
          name: 'slow',
          brokerUrl: slow.url,
          authUsername: USERNAME,
          authPassword: PASSWORD,
          timeoutSeconds: 1,
        },
        {},
      );
      expect(registered.timeoutSeconds).toBe(1);
      slow.on('GET', '/v2/catalog', reply.stall());
      await expect(w.brokers.sync(registered.guid, {})).rejects.toThrow(/timed out|timeout/i);
      expect((await w.brokers.require(registered.guid)).lastSync).toMatchObject({ ok: false });
    } finally {
      await slow.close();
    }
  });
});
