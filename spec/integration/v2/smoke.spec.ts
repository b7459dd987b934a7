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
