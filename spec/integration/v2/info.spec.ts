import request from 'supertest';
import { expectCfJson, REQUEST_ID_PATTERN } from '../../support/cf-expect';
import { bearer, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

const BASE = 'http://wharf.test';
const SEMVER = /^(\d+)\.(\d+)\.(\d+)$/;

function semver(text: unknown): [number, number, number] {
  const match = SEMVER.exec(String(text));
  if (!match) throw new Error(`not semver: ${String(text)}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function atLeast(version: [number, number, number], min: [number, number, number]): boolean {
  for (let i = 0; i < 3; i++) {
    const a = version[i] ?? 0;
    const b = min[i] ?? 0;
    if (a !== b) return a > b;
  }
  return true;
}

describe('info endpoints', () => {
  let w: TestWharf;
  beforeAll(async () => {
    w = await startTestWharf();
  });
  afterAll(async () => {
    await w.stop();
  });

  describe('GET /', () => {
    it('when called anonymously, answers 200 with the links the cf CLI reads', async () => {
      const res = await request(w.app).get('/');
      expectCfJson(res, 200);
      expect(res.body).toEqual({
        links: {
          self: { href: BASE },
          cloud_controller_v2: { href: `${BASE}/v2`, meta: { version: '2.293.0' } },
          cloud_controller_v3: { href: `${BASE}/v3`, meta: { version: '3.158.0' } },
          login: { href: BASE },
          uaa: { href: BASE },
          network_policy_v0: null,
          network_policy_v1: null,
          routing: null,
          logging: null,
          log_cache: null,
          app_ssh: null,
          open_service_broker: { href: `${BASE}/broker` },
        },
      });
    });

    it('when the token is invalid, still answers 200 (reference §2.1)', async () => {
      const res = await request(w.app).get('/').set(bearer('garbage'));
      expectCfJson(res, 200);
    });
  });

  describe('GET /v2/info', () => {
    const ANONYMOUS_INFO = {
      name: 'wharf',
      build: 'wharf',
      support: null,
      version: 0,
      description: 'Wharf service catalog and broker registry',
      authorization_endpoint: BASE,
      token_endpoint: BASE,
      min_cli_version: null,
      min_recommended_cli_version: null,
      app_ssh_endpoint: null,
      app_ssh_host_key_fingerprint: null,
      app_ssh_oauth_client: null,
      doppler_logging_endpoint: null,
      api_version: '2.293.0',
      osbapi_version: '2.17',
    };

    it('when called anonymously, answers 200 with every field and no user', async () => {
      const res = await request(w.app).get('/v2/info');
      expectCfJson(res, 200);
      expect(res.body).toEqual(ANONYMOUS_INFO);
    });

    it('when WHARF_SUPPORT_URL is set, reports it as support', async () => {
      const configured = await startTestWharf({ WHARF_SUPPORT_URL: 'https://help.example.org/' });
      try {
        const res = await request(configured.app).get('/v2/info');
        expect(res.body).toEqual({ ...ANONYMOUS_INFO, support: 'https://help.example.org/' });
      } finally {
        await configured.stop();
      }
    });

    it('answers a semver api_version of at least 2.128.0 (the v6 CLI warns below)', async () => {
      const res = await request(w.app).get('/v2/info');
      expect(atLeast(semver(res.body.api_version), [2, 128, 0])).toBe(true);
    });

    it('when called with a valid token, adds the caller user guid', async () => {
      const { user, token } = await w.userWithToken('alice', ['cloud_controller.read']);
      const res = await request(w.app).get('/v2/info').set(bearer(token));
      expectCfJson(res, 200);
      expect(res.body).toEqual({ ...ANONYMOUS_INFO, user: user.guid });
    });

    it('when called with a token lacking every scope, still adds the user (info needs none)', async () => {
      const { user, token } = await w.userWithToken('nobody', []);
      const res = await request(w.app).get('/v2/info').set(bearer(token));
      expect(res.body.user).toBe(user.guid);
    });

    it('when the token is invalid, answers 200 without a user', async () => {
      const res = await request(w.app).get('/v2/info').set(bearer('garbage'));
      expectCfJson(res, 200);
      expect(res.body).toEqual(ANONYMOUS_INFO);
    });
  });

  describe('GET /login', () => {
    it('answers the prompts the cf CLI asks for and links.uaa', async () => {
      const res = await request(w.app).get('/login');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['x-vcap-request-id']).toMatch(REQUEST_ID_PATTERN);
      expect(res.body).toEqual({
        app: { version: '4.30.0' },
        links: { uaa: BASE, passwd: '/forgot_password', login: BASE, register: '/create_account' },
        zone_name: 'uaa',
        entityID: 'wharf',
        commit_id: 'wharf',
        idpDefinitions: {},
        prompts: { username: ['text', 'Email'], password: ['password', 'Password'] },
        timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      });
      expect(atLeast(semver(res.body.app.version), [4, 26, 0])).toBe(true);
    });
  });
});
