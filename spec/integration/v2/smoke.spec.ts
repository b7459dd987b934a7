import request from 'supertest';
import { bearer, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

describe('core smoke', () => {
  let w: TestWharf;
  beforeAll(async () => {
    w = await startTestWharf();
  });
  afterAll(async () => {
    await w.stop();
  });

  it('when an admin creates an organization, answers 201 with the envelope and Location', async () => {
    const res = await request(w.app)
      .post('/v2/organizations')
      .set(bearer(w.adminToken))
      .set('Content-Type', 'application/x-www-form-urlencoded')
      .send('{"name":"acme"}');
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toBe('application/json;charset=utf-8');
    expect(res.headers.location).toBe(`/v2/organizations/${res.body.metadata.guid}`);
    expect(res.body.entity.name).toBe('acme');
    const list = await request(w.app)
      .get('/v2/organizations?q=name:acme')
      .set(bearer(w.adminToken));
    expect(list.body.total_results).toBe(1);
  });

  it('when a password grant token is used, the route accepts it', async () => {
    const tok = await request(w.app)
      .post('/oauth/token')
      .set('Authorization', 'Basic Y2Y6')
      .type('form')
      .send({ grant_type: 'password', username: 'admin', password: 'admin-password' });
    expect(tok.status).toBe(200);
    expect(tok.body.token_type).toBe('bearer');
    const res = await request(w.app)
      .get('/v2/organizations')
      .set('Authorization', `bearer ${tok.body.access_token}`);
    expect(res.status).toBe(200);
    const refresh = await request(w.app)
      .get('/v2/organizations')
      .set('Authorization', `bearer ${tok.body.refresh_token}`);
    expect(refresh.status).toBe(401);
    expect(refresh.body.code).toBe(1000);
  });
});

describe('Wharf as an OSB broker, mounted in the app', () => {
  let w: TestWharf;
  beforeAll(async () => {
    w = await startTestWharf({
      WHARF_BROKER_USERNAME: 'platform',
      WHARF_BROKER_PASSWORD: 'platform-secret',
    });
  });
  afterAll(async () => {
    await w.stop();
  });

  it('when called without Basic auth, answers 401; with it and an API version, serves the catalog', async () => {
    const anonymous = await request(w.app)
      .get('/broker/v2/catalog')
      .set('X-Broker-API-Version', '2.17');
    expect(anonymous.status).toBe(401);
    const res = await request(w.app)
      .get('/broker/v2/catalog')
      .auth('platform', 'platform-secret')
      .set('X-Broker-API-Version', '2.17');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ services: [] });
    const noVersion = await request(w.app)
      .get('/broker/v2/catalog')
      .auth('platform', 'platform-secret');
    expect(noVersion.status).toBe(412);
  });
});
