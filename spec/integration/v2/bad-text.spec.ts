import request from 'supertest';
import { FakeBroker } from '../../support/fake-broker';
import { bearer, snapshot, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

/** Issue 9 item 8: text no database, header or Basic auth can carry faithfully is a 400. */
describe('text that is not valid Unicode or holds control characters', () => {
  let w: TestWharf;
  let broker: FakeBroker;
  beforeAll(async () => {
    w = await startTestWharf();
    broker = await FakeBroker.start();
  });
  afterAll(async () => {
    await broker.close();
    await w.stop();
  });

  it.each([
    ['a newline', 'user\nx'],
    ['a carriage return', 'a\rb'],
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', 'user-\ud800'],
    ['a lone low surrogate', '\udc00-user'],
  ])(
    'when POST /v2/users has a guid with %s, then 400 MessageParseError and no row',
    async (_n, guid) => {
      const before = await snapshot(w.knex, ['users']);
      const res = await request(w.app).post('/v2/users').set(bearer(w.adminToken)).send({ guid });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_code: 'CF-MessageParseError', code: 1001 });
      expect(await snapshot(w.knex, ['users'])).toEqual(before);
    },
  );

  it('when the guid is unusual but valid text, then 201 and the Location is a valid header', async () => {
    const guid = 'ünïcode-用户';
    const res = await request(w.app).post('/v2/users').set(bearer(w.adminToken)).send({ guid });
    expect(res.status).toBe(201);
    expect(res.headers.location).toBe(`/v2/users/${encodeURIComponent(guid)}`);
    expect(res.body.metadata.guid).toBe(guid);
  });

  it.each([
    ['auth_password', { auth_password: 'pass-\ud800' }],
    ['auth_username', { auth_username: '\udfffuser' }],
    ['name', { name: 'broker-\ud83d' }],
  ])(
    'when POST /v2/service_brokers has a lone surrogate in %s, then 400 and nothing stored',
    async (_n, patch) => {
      const tables = ['service_brokers', 'services', 'service_plans'];
      const before = await snapshot(w.knex, tables);
      const res = await request(w.app)
        .post('/v2/service_brokers')
        .set(bearer(w.adminToken))
        .send({
          name: 'surrogates',
          broker_url: broker.url,
          auth_username: 'broker-user',
          auth_password: 'broker-password',
          ...patch,
        });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ error_code: 'CF-MessageParseError' });
      expect(await snapshot(w.knex, tables)).toEqual(before);
    },
  );
});
