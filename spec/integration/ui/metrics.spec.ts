import request from 'supertest';
import { bearer, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

let w: TestWharf;

beforeAll(async () => {
  w = await startTestWharf({ WHARF_METRICS_TOKEN: 'scrape-secret-0123456789' });
});

afterAll(async () => {
  await w.stop();
});

describe('GET /metrics', () => {
  it('anonymous callers get CC’s 401', async () => {
    const res = await request(w.app).get('/metrics');
    expect(res.status).toBe(401);
    expect(res.body).toMatchObject({ error_code: 'CF-NotAuthenticated', code: 10002 });
  });

  it('a user without admin gets 403', async () => {
    const { token } = await w.userWithToken('metrics-reader', ['cloud_controller.read']);
    const res = await request(w.app).get('/metrics').set(bearer(token));
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ error_code: 'CF-NotAuthorized', code: 10003 });
  });

  it('a wrong scrape token is refused', async () => {
    const res = await request(w.app).get('/metrics').set(bearer('scrape-secret-0123456788'));
    expect(res.status).toBe(401);
  });

  it('an admin reads Prometheus text with route templates, jobs, containers and process metrics', async () => {
    await request(w.app)
      .get('/v2/services/11111111-2222-4333-8444-555555555555')
      .set(bearer(w.adminToken));
    const res = await request(w.app).get('/metrics').set(bearer(w.adminToken));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.text).toMatch(
      /wharf_http_request_duration_seconds_count\{method="GET",route="\/v2\/services\/:guid",status="404"\} 1/,
    );
    expect(res.text).not.toContain('11111111-2222');
    for (const name of [
      'wharf_jobs',
      'wharf_job_failures_total',
      'wharf_reconcile_duration_seconds',
      'wharf_container_services',
      'wharf_container_backends',
      'wharf_broker_request_duration_seconds',
      'wharf_broker_last_sync_success',
      'process_cpu_user_seconds_total',
      'nodejs_heap_size_used_bytes',
    ])
      expect(res.text).toContain(`# TYPE ${name}`);
  });

  it('the scrape token works without any user', async () => {
    const res = await request(w.app).get('/metrics').set(bearer('scrape-secret-0123456789'));
    expect(res.status).toBe(200);
    expect(res.text).toContain('# TYPE wharf_http_request_duration_seconds histogram');
  });
});
