import crypto from 'node:crypto';
import request from 'supertest';
import type { Response } from 'supertest';
import {
  expectCfError,
  expectCfJson,
  INSUFFICIENT_SCOPE,
  INVALID_AUTH_TOKEN,
} from '../../support/cf-expect';
import { decodeJwt, nowSeconds } from '../../support/jwt';
import { bearer, CORE_TABLES, snapshot, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import type { User } from '../../../src/auth/types';

const ISSUER = 'http://wharf.test/oauth/token';
const CF_BASIC = 'Basic Y2Y6';
const DEFAULT_SCOPES = [
  'openid',
  'cloud_controller.read',
  'cloud_controller.write',
  'cloud_controller_service_permissions.read',
];

function basic(clientId: string, secret: string): string {
  return `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`;
}

function tokenRequest(
  w: TestWharf,
  form: Record<string, string>,
  authorization?: string,
): request.Test {
  const req = request(w.app).post('/oauth/token').type('form');
  return (authorization === undefined ? req : req.set('Authorization', authorization)).send(form);
}

/** UAA's error shape (reference §2.4), JSON, with WWW-Authenticate on 401s. */
function expectOAuthError(res: Response, status: number, error: string, description: string): void {
  expect({ status: res.status, body: res.body }).toEqual({
    status,
    body: { error, error_description: description },
  });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  if (status === 401) expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
}

describe('POST /oauth/token', () => {
  let w: TestWharf;
  let alice: User;
  beforeAll(async () => {
    w = await startTestWharf();
    alice = await w.users.addUser('alice', 'alice-password', DEFAULT_SCOPES, 'alice@example.test');
  });
  afterAll(async () => {
    await w.stop();
  });

  describe('password grant', () => {
    it('when the cf CLI logs in, answers 200 with UAA fields and RS256 tokens with UAA claims', async () => {
      const before = nowSeconds();
      const res = await tokenRequest(
        w,
        { grant_type: 'password', username: 'alice', password: 'alice-password', scope: '' },
        CF_BASIC,
      );
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        refresh_token: expect.any(String),
        expires_in: 1200,
        scope: DEFAULT_SCOPES.join(' '),
        jti: expect.stringMatching(/^[0-9a-f]{32}$/),
      });
      const access = decodeJwt(res.body.access_token);
      expect(access.header).toEqual({ alg: 'RS256', typ: 'JWT', kid: w.signingKey.kid });
      expect(access.payload).toEqual({
        jti: res.body.jti,
        sub: alice.guid,
        scope: DEFAULT_SCOPES,
        client_id: 'cf',
        cid: 'cf',
        azp: 'cf',
        grant_type: 'password',
        iat: expect.any(Number),
        exp: expect.any(Number),
        iss: ISSUER,
        zid: 'uaa',
        aud: ['cf', 'cloud_controller', 'cloud_controller_service_permissions'],
        user_id: alice.guid,
        user_name: 'alice',
        origin: 'uaa',
        email: 'alice@example.test',
      });
      const iat = Number(access.payload.iat);
      expect(iat).toBeGreaterThanOrEqual(before);
      expect(iat).toBeLessThanOrEqual(nowSeconds());
      expect(access.payload.exp).toBe(iat + 1200);
      const refresh = decodeJwt(res.body.refresh_token);
      expect(refresh.payload.jti).toBe(`${String(res.body.jti)}-r`);
      expect(refresh.payload.exp).toBe(Number(refresh.payload.iat) + 2_592_000);
    });

    it('when the token is used on a protected route, answers 200', async () => {
      const tok = await tokenRequest(
        w,
        { grant_type: 'password', username: 'alice', password: 'alice-password' },
        CF_BASIC,
      );
      const res = await request(w.app).get('/v2/organizations').set(bearer(tok.body.access_token));
      expectCfJson(res, 200);
    });

    it('when cf-nodejs-client also sends client_id=cf in the form, answers 200', async () => {
      const res = await tokenRequest(
        w,
        { grant_type: 'password', client_id: 'cf', username: 'alice', password: 'alice-password' },
        CF_BASIC,
      );
      expect(res.status).toBe(200);
    });

    it('when the client is given only in the form (client_id=cf, no secret), answers 200', async () => {
      const res = await tokenRequest(w, {
        grant_type: 'password',
        client_id: 'cf',
        username: 'alice',
        password: 'alice-password',
      });
      expect(res.status).toBe(200);
    });

    it('when a scope subset is requested, the token holds only that and writes answer 403 10007', async () => {
      const tok = await tokenRequest(
        w,
        {
          grant_type: 'password',
          username: 'alice',
          password: 'alice-password',
          scope: 'cloud_controller.read',
        },
        CF_BASIC,
      );
      expect(tok.body.scope).toBe('cloud_controller.read');
      expect(decodeJwt(tok.body.access_token).payload.scope).toEqual(['cloud_controller.read']);
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(tok.body.access_token))
        .send({ name: 'x' });
      expectCfError(res, 403, INSUFFICIENT_SCOPE);
    });

    it('when a scope the user lacks is requested, answers 400 invalid_scope', async () => {
      const res = await tokenRequest(
        w,
        {
          grant_type: 'password',
          username: 'alice',
          password: 'alice-password',
          scope: 'cloud_controller.admin',
        },
        CF_BASIC,
      );
      expectOAuthError(res, 400, 'invalid_scope', 'Invalid scope: cloud_controller.admin');
    });

    it.each<[string, Record<string, string>]>([
      ['a wrong password', { username: 'alice', password: 'wrong' }],
      [
        'an unknown user (same answer: no user enumeration)',
        { username: 'mallory', password: 'alice-password' },
      ],
      ['no password', { username: 'alice' }],
      ['no username', { password: 'alice-password' }],
    ])(
      'when the request has %s, answers 401 unauthorized and issues nothing',
      async (_name, form) => {
        const before = await snapshot(w.knex, CORE_TABLES);
        const res = await tokenRequest(w, { grant_type: 'password', ...form }, CF_BASIC);
        expectOAuthError(res, 401, 'unauthorized', 'Bad credentials');
        expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
      },
    );
  });

  describe('client authentication', () => {
    it.each<[string, string | undefined, string, string]>([
      [
        'no client at all',
        undefined,
        'unauthorized',
        'Full authentication is required to access this resource',
      ],
      ['an unknown client', basic('other', 'secret'), 'invalid_client', 'Bad client credentials'],
      [
        'client cf with a non-empty secret',
        basic('cf', 'x'),
        'invalid_client',
        'Bad client credentials',
      ],
      [
        'a Basic header that is not base64 of id:secret',
        'Basic Y2Y=',
        'invalid_client',
        'Bad client credentials',
      ],
      [
        'a malformed %-encoding in the Basic header',
        basic('cf%', ''),
        'invalid_client',
        'Bad client credentials',
      ],
    ])(
      'when the password grant comes with %s, answers 401 %s',
      async (_name, authorization, error, description) => {
        const res = await tokenRequest(
          w,
          { grant_type: 'password', username: 'alice', password: 'alice-password' },
          authorization,
        );
        expectOAuthError(res, 401, error, description);
      },
    );
  });

  describe('grant types', () => {
    it('when grant_type is missing, answers 400 invalid_request', async () => {
      const res = await tokenRequest(
        w,
        { username: 'alice', password: 'alice-password' },
        CF_BASIC,
      );
      expectOAuthError(res, 400, 'invalid_request', 'Missing grant type');
    });

    it.each(['implicit', 'authorization_code', 'PASSWORD'])(
      'when grant_type is %s, answers 400 unsupported_grant_type',
      async (grantType) => {
        const res = await tokenRequest(
          w,
          { grant_type: grantType, username: 'alice', password: 'alice-password' },
          CF_BASIC,
        );
        expectOAuthError(
          res,
          400,
          'unsupported_grant_type',
          `Unsupported grant type: ${grantType}`,
        );
      },
    );

    it('when grant_type is repeated, answers 400 invalid_request', async () => {
      const res = await request(w.app)
        .post('/oauth/token')
        .set('Authorization', CF_BASIC)
        .type('form')
        .send('grant_type=password&grant_type=password&username=alice&password=alice-password');
      expectOAuthError(res, 400, 'invalid_request', 'Malformed token request');
    });
  });

  describe('refresh_token grant', () => {
    let refreshToken: string;
    let accessToken: string;
    beforeAll(async () => {
      const tok = await tokenRequest(
        w,
        { grant_type: 'password', username: 'alice', password: 'alice-password' },
        CF_BASIC,
      );
      refreshToken = tok.body.refresh_token;
      accessToken = tok.body.access_token;
    });

    it('when the cf CLI refreshes, answers 200 with a new working access token', async () => {
      const res = await tokenRequest(
        w,
        { grant_type: 'refresh_token', refresh_token: refreshToken, scope: '' },
        CF_BASIC,
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        refresh_token: expect.any(String),
        expires_in: 1200,
        scope: DEFAULT_SCOPES.join(' '),
        jti: expect.any(String),
      });
      const claims = decodeJwt(res.body.access_token).payload;
      expect({ user_id: claims.user_id, grant_type: claims.grant_type, jti: claims.jti }).toEqual({
        user_id: alice.guid,
        grant_type: 'refresh_token',
        jti: res.body.jti,
      });
      expect(res.body.access_token).not.toBe(accessToken);
      const orgs = await request(w.app).get('/v2/organizations').set(bearer(res.body.access_token));
      expectCfJson(orgs, 200);
    });

    it('when the refresh narrows the scope, the new token holds only that', async () => {
      // A fresh login: the refresh token of beforeAll was spent by the case above (rotation).
      const login = await tokenRequest(
        w,
        { grant_type: 'password', username: 'alice', password: 'alice-password' },
        CF_BASIC,
      );
      const res = await tokenRequest(
        w,
        { grant_type: 'refresh_token', refresh_token: login.body.refresh_token, scope: 'openid' },
        CF_BASIC,
      );
      expect(res.status).toBe(200);
      expect(decodeJwt(res.body.access_token).payload.scope).toEqual(['openid']);
    });

    it.each<[string, () => string]>([
      ['an access token', () => accessToken],
      ['garbage', () => 'garbage'],
      ['nothing', () => ''],
    ])('when the refresh_token is %s, answers 401 invalid_token', async (_name, token) => {
      const res = await tokenRequest(
        w,
        { grant_type: 'refresh_token', refresh_token: token() },
        CF_BASIC,
      );
      expectOAuthError(res, 401, 'invalid_token', 'Invalid refresh token');
    });

    it('when another client presents the refresh token, answers 401 invalid_client', async () => {
      const res = await tokenRequest(
        w,
        { grant_type: 'refresh_token', refresh_token: refreshToken },
        basic('other', 'secret'),
      );
      expectOAuthError(res, 401, 'invalid_client', 'Bad client credentials');
    });

    it('when the user was deleted since, answers 401 invalid_token', async () => {
      const bob = await w.users.addUser('bob', 'bob-password', DEFAULT_SCOPES);
      const tok = await tokenRequest(
        w,
        { grant_type: 'password', username: 'bob', password: 'bob-password' },
        CF_BASIC,
      );
      const del = await request(w.app).delete(`/v2/users/${bob.guid}`).set(bearer(w.adminToken));
      expect(del.status).toBe(204);
      const res = await tokenRequest(
        w,
        { grant_type: 'refresh_token', refresh_token: tok.body.refresh_token },
        CF_BASIC,
      );
      expectOAuthError(res, 401, 'invalid_token', 'Invalid refresh token');
    });
  });

  describe('client_credentials grant', () => {
    let secret: string;
    beforeAll(async () => {
      secret = await w.users.addClient('ci-robot', ['cloud_controller.read']);
    });

    it('when a registered client authenticates, answers 200 with a user-less token and no refresh token', async () => {
      const res = await tokenRequest(
        w,
        { grant_type: 'client_credentials' },
        basic('ci-robot', secret),
      );
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        access_token: expect.any(String),
        token_type: 'bearer',
        expires_in: 1200,
        scope: 'cloud_controller.read',
        jti: expect.any(String),
      });
      const claims = decodeJwt(res.body.access_token).payload;
      expect(claims).toEqual({
        jti: res.body.jti,
        sub: 'ci-robot',
        scope: ['cloud_controller.read'],
        client_id: 'ci-robot',
        cid: 'ci-robot',
        azp: 'ci-robot',
        grant_type: 'client_credentials',
        iat: expect.any(Number),
        exp: expect.any(Number),
        iss: ISSUER,
        zid: 'uaa',
        aud: ['ci-robot', 'cloud_controller'],
      });
    });

    it('when its token reads, answers 200; when it writes, answers 403 10007', async () => {
      const tok = await tokenRequest(
        w,
        { grant_type: 'client_credentials' },
        basic('ci-robot', secret),
      );
      const read = await request(w.app).get('/v2/organizations').set(bearer(tok.body.access_token));
      expectCfJson(read, 200);
      const write = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(tok.body.access_token))
        .send({ name: 'robots' });
      expectCfError(write, 403, INSUFFICIENT_SCOPE);
    });

    it('when the client sends its credentials in the form, answers 200', async () => {
      const res = await tokenRequest(w, {
        grant_type: 'client_credentials',
        client_id: 'ci-robot',
        client_secret: secret,
      });
      expect(res.status).toBe(200);
    });

    it.each<[string, () => string]>([
      ['a wrong secret', () => basic('ci-robot', 'wrong')],
      ['the public cf client', () => CF_BASIC],
      ['an unknown client', () => basic('nobody', 'x')],
    ])('when the client uses %s, answers 401 invalid_client', async (_name, authorization) => {
      const res = await tokenRequest(w, { grant_type: 'client_credentials' }, authorization());
      expectOAuthError(res, 401, 'invalid_client', 'Bad client credentials');
    });

    it('when the client asks for a scope it lacks, answers 400 invalid_scope', async () => {
      const res = await tokenRequest(
        w,
        { grant_type: 'client_credentials', scope: 'cloud_controller.write' },
        basic('ci-robot', secret),
      );
      expectOAuthError(res, 400, 'invalid_scope', 'Invalid scope: cloud_controller.write');
    });
  });

  describe('GET /token_keys', () => {
    it('answers the RS256 public key as a JWK that verifies a minted token', async () => {
      const keys = await request(w.app).get('/token_keys');
      expect(keys.status).toBe(200);
      expect(keys.body).toEqual({
        keys: [
          {
            kty: 'RSA',
            e: 'AQAB',
            n: expect.stringMatching(/^[A-Za-z0-9_-]{342}$/),
            use: 'sig',
            kid: w.signingKey.kid,
            alg: 'RS256',
            value: w.signingKey.publicKeyPem,
          },
        ],
      });
      const jwk = keys.body.keys[0];
      const publicKey = crypto.createPublicKey({
        key: { kty: jwk.kty, n: jwk.n, e: jwk.e },
        format: 'jwk',
      });
      expect(publicKey.export({ type: 'spki', format: 'pem' })).toBe(jwk.value);

      const tok = await tokenRequest(
        w,
        { grant_type: 'password', username: 'alice', password: 'alice-password' },
        CF_BASIC,
      );
      const [h, p, s] = String(tok.body.access_token).split('.');
      expect(decodeJwt(tok.body.access_token).header.kid).toBe(jwk.kid);
      const verify = (payload: string): boolean =>
        crypto.verify(
          'RSA-SHA256',
          Buffer.from(`${h}.${payload}`),
          publicKey,
          Buffer.from(s ?? '', 'base64url'),
        );
      expect(verify(p ?? '')).toBe(true);
      const tampered = Buffer.from(
        JSON.stringify({ ...decodeJwt(tok.body.access_token).payload, scope: ['x'] }),
      ).toString('base64url');
      expect(verify(tampered)).toBe(false);
    });

    it('never publishes private key material', async () => {
      const keys = await request(w.app).get('/token_keys');
      expect(keys.text).not.toMatch(/PRIVATE KEY|"d":|"p":|"q":/);
    });

    it('answers the same key at /token_key (UAA single-key form)', async () => {
      const [one, all] = await Promise.all([
        request(w.app).get('/token_key'),
        request(w.app).get('/token_keys'),
      ]);
      expect(one.body).toEqual(all.body.keys[0]);
    });
  });
});

describe('POST /oauth/token brute-force protection', () => {
  let w: TestWharf;
  beforeAll(async () => {
    w = await startTestWharf({ WHARF_LOGIN_MAX_FAILURES: '3', WHARF_LOGIN_LOCKOUT_SECONDS: '120' });
    await w.users.addUser('victim', 'victim-password', DEFAULT_SCOPES);
    await w.users.addUser('bystander', 'bystander-password', DEFAULT_SCOPES);
  });
  afterAll(async () => {
    await w.stop();
  });

  const login = (username: string, password: string): request.Test =>
    tokenRequest(w, { grant_type: 'password', username, password }, CF_BASIC);

  it('when failures stay below WHARF_LOGIN_MAX_FAILURES, a success still logs in and resets the count', async () => {
    for (let i = 0; i < 2; i++) expect((await login('bystander', 'wrong')).status).toBe(401);
    expect((await login('bystander', 'bystander-password')).status).toBe(200);
    for (let i = 0; i < 2; i++) expect((await login('bystander', 'wrong')).status).toBe(401);
    expect((await login('bystander', 'bystander-password')).status).toBe(200);
  });

  it('after WHARF_LOGIN_MAX_FAILURES failures, answers 429 with Retry-After, even to the right password', async () => {
    for (let i = 0; i < 3; i++) {
      const res = await login('victim', `wrong-${i}`);
      expectOAuthError(res, 401, 'unauthorized', 'Bad credentials');
    }
    const res = await login('victim', 'victim-password');
    expect(res.status).toBe(429);
    const retryAfter = Number(res.headers['retry-after']);
    expect(retryAfter).toBeGreaterThanOrEqual(119);
    expect(retryAfter).toBeLessThanOrEqual(120);
    expect(res.body).toEqual({
      error: 'too_many_requests',
      error_description: `Too many failed login attempts; try again in ${retryAfter} seconds.`,
    });
  });

  it('when another user logs in from the same address meanwhile, answers 200', async () => {
    expect((await login('bystander', 'bystander-password')).status).toBe(200);
  });

  it('when the locked user name differs only in case, is still locked', async () => {
    expect((await login('VICTIM', 'victim-password')).status).toBe(429);
  });
});

describe('POST /oauth/token: client addresses and proxies', () => {
  const loginAs = (
    w: TestWharf,
    username: string,
    password: string,
    forwardedFor?: string,
  ): request.Test => {
    const req = request(w.app).post('/oauth/token').type('form').set('Authorization', CF_BASIC);
    return (forwardedFor === undefined ? req : req.set('X-Forwarded-For', forwardedFor)).send({
      grant_type: 'password',
      username,
      password,
    });
  };

  it('when the peer is not a trusted proxy, X-Forwarded-For is ignored and cannot dodge a lock', async () => {
    const w = await startTestWharf({ WHARF_LOGIN_MAX_FAILURES: '2' });
    try {
      await w.users.addUser('target', 'target-password', DEFAULT_SCOPES);
      expect((await loginAs(w, 'target', 'wrong', '10.0.0.1')).status).toBe(401);
      expect((await loginAs(w, 'target', 'wrong', '10.0.0.2')).status).toBe(401);
      expect((await loginAs(w, 'target', 'target-password', '10.0.0.3')).status).toBe(429);
    } finally {
      await w.stop();
    }
  });

  it('when the peer is in WHARF_TRUSTED_PROXIES, the forwarded address is the one counted', async () => {
    const w = await startTestWharf({
      WHARF_LOGIN_MAX_FAILURES: '2',
      WHARF_TRUSTED_PROXIES: '127.0.0.0/8, ::1',
    });
    try {
      await w.users.addUser('target', 'target-password', DEFAULT_SCOPES);
      expect((await loginAs(w, 'target', 'wrong', '10.0.0.1')).status).toBe(401);
      expect((await loginAs(w, 'target', 'wrong', '10.0.0.1')).status).toBe(401);
      expect((await loginAs(w, 'target', 'target-password', '10.0.0.1')).status).toBe(429);
      expect((await loginAs(w, 'target', 'target-password', '10.0.0.2')).status).toBe(200);
    } finally {
      await w.stop();
    }
  });

  it('when one address tries many usernames, it is throttled after WHARF_LOGIN_MAX_ADDRESS_FAILURES', async () => {
    const w = await startTestWharf({ WHARF_LOGIN_MAX_ADDRESS_FAILURES: '4' });
    try {
      await w.users.addUser('real', 'real-password', DEFAULT_SCOPES);
      for (let i = 0; i < 4; i++)
        expect((await loginAs(w, `random-${i}`, 'guess')).status).toBe(401);
      const res = await loginAs(w, 'real', 'real-password');
      expect(res.status).toBe(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await w.stop();
    }
  });

  it('when WHARF_TRUSTED_PROXIES holds something that is not an address, the configuration is refused', async () => {
    await expect(
      startTestWharf({ WHARF_TRUSTED_PROXIES: '127.0.0.1,proxy.example' }),
    ).rejects.toThrow(/WHARF_TRUSTED_PROXIES/);
  });
});

describe('tokens and the clock', () => {
  it('when WHARF_TOKEN_TTL_SECONDS has passed, the access token is rejected with 401 1000', async () => {
    const w = await startTestWharf({ WHARF_TOKEN_TTL_SECONDS: '2' });
    try {
      const { token } = await w.userWithToken('shortlived', ['cloud_controller.read']);
      expectCfJson(await request(w.app).get('/v2/organizations').set(bearer(token)), 200);
      const exp = Number(decodeJwt(token).payload.exp);
      await new Promise((resolve) => setTimeout(resolve, (exp - Date.now() / 1000 + 0.1) * 1000));
      expectCfError(
        await request(w.app).get('/v2/organizations').set(bearer(token)),
        401,
        INVALID_AUTH_TOKEN,
      );
    } finally {
      await w.stop();
    }
  });
});
