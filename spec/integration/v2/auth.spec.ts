import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import {
  expectCfError,
  expectCfJson,
  INSUFFICIENT_SCOPE,
  INVALID_AUTH_TOKEN,
  NOT_AUTHENTICATED,
  NOT_AUTHORIZED,
  REQUEST_ID_PATTERN,
  UNKNOWN_REQUEST,
} from '../../support/cf-expect';
import { decodeJwt, encodeJwt, hs256, nowSeconds, rs256, unsigned } from '../../support/jwt';
import type { JwtSigner } from '../../support/jwt';
import { bearer, CORE_TABLES, snapshot, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import type { User } from '../../../src/auth/types';
import { createOrgsRoutes, UsersDirectory } from '../../../src/orgs';

function without(claims: Record<string, unknown>, key: string): Record<string, unknown> {
  return Object.fromEntries(Object.entries(claims).filter(([k]) => k !== key));
}

const ISSUER = 'http://wharf.test/oauth/token';
const READ = 'cloud_controller.read';
const WRITE = 'cloud_controller.write';

describe('bearer tokens and CF error conventions', () => {
  let w: TestWharf;
  let reader: User;
  let readerToken: string;
  beforeAll(async () => {
    w = await startTestWharf();
    ({ user: reader, token: readerToken } = await w.userWithToken('reader', [READ, WRITE]));
  });
  afterAll(async () => {
    await w.stop();
  });

  /** Claims of a valid access token for `reader`, as Wharf itself would mint them. */
  function validClaims(): Record<string, unknown> {
    return decodeJwt(readerToken).payload;
  }
  function header(alg = 'RS256'): Record<string, unknown> {
    return { alg, typ: 'JWT', kid: w.signingKey.kid };
  }
  function wharfSigned(claims: Record<string, unknown>): string {
    return encodeJwt(header(), claims, rs256(w.signingKey.privateKeyPem));
  }

  describe('a token hand-signed with Wharf key and valid claims (control for the rows below)', () => {
    it('when used on GET /v2/organizations, answers 200', async () => {
      const res = await request(w.app)
        .get('/v2/organizations')
        .set(bearer(wharfSigned(validClaims())));
      expectCfJson(res, 200);
    });
  });

  describe('rejected tokens', () => {
    const otherKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
    const otherPrivatePem = otherKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();

    type Forge = (t: {
      claims: Record<string, unknown>;
      sign: JwtSigner;
      valid: string;
      publicKeyPem: string;
    }) => string;

    it.each<[string, Forge]>([
      [
        'a tampered payload (scope raised, signature kept)',
        ({ valid, claims }) => {
          const [h, , sig] = valid.split('.');
          const raised = { ...claims, scope: ['cloud_controller.admin'] };
          return `${h}.${Buffer.from(JSON.stringify(raised)).toString('base64url')}.${sig}`;
        },
      ],
      [
        'a tampered signature',
        ({ valid }) => {
          const [h, p, sig = ''] = valid.split('.');
          const flipped = `${sig.startsWith('A') ? 'B' : 'A'}${sig.slice(1)}`;
          return `${h}.${p}.${flipped}`;
        },
      ],
      [
        'an expired token',
        ({ claims, sign }) =>
          encodeJwt(
            { alg: 'RS256' },
            { ...claims, iat: nowSeconds() - 7200, exp: nowSeconds() - 60 },
            sign,
          ),
      ],
      [
        'alg: none without a signature',
        ({ claims }) => encodeJwt({ alg: 'none', typ: 'JWT' }, claims, unsigned),
      ],
      [
        'HS256 signed with the public key PEM as the secret',
        ({ claims, publicKeyPem }) =>
          encodeJwt({ alg: 'HS256', typ: 'JWT' }, claims, hs256(publicKeyPem)),
      ],
      [
        'a refresh token (jti ending -r)',
        ({ claims, sign }) =>
          encodeJwt({ alg: 'RS256' }, { ...claims, jti: `${String(claims.jti)}-r` }, sign),
      ],
      [
        'a wrong audience',
        ({ claims, sign }) => encodeJwt({ alg: 'RS256' }, { ...claims, aud: ['cf', 'uaa'] }, sign),
      ],
      [
        'an audience string that only contains cloud_controller',
        ({ claims, sign }) =>
          encodeJwt({ alg: 'RS256' }, { ...claims, aud: 'cloud_controller_x' }, sign),
      ],
      [
        'a wrong issuer',
        ({ claims, sign }) =>
          encodeJwt({ alg: 'RS256' }, { ...claims, iss: 'https://evil.test/oauth/token' }, sign),
      ],
      [
        'no jti',
        ({ claims, sign }) => {
          return encodeJwt({ alg: 'RS256' }, without(claims, 'jti'), sign);
        },
      ],
      [
        'no exp',
        ({ claims, sign }) => {
          return encodeJwt({ alg: 'RS256' }, without(claims, 'exp'), sign);
        },
      ],
      [
        'a non-integer exp',
        ({ claims, sign }) =>
          encodeJwt({ alg: 'RS256' }, { ...claims, exp: nowSeconds() + 600.5 }, sign),
      ],
      [
        'a token signed by another RSA key under Wharf issuer',
        ({ claims }) => encodeJwt({ alg: 'RS256' }, claims, rs256(otherPrivatePem)),
      ],
      ['a string that is not a JWT', () => 'not-a-jwt'],
    ])('when the token is %s, answers 401 1000 and changes nothing', async (_name, forge) => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const token = forge({
        claims: validClaims(),
        sign: rs256(w.signingKey.privateKeyPem),
        valid: readerToken,
        publicKeyPem: w.signingKey.publicKeyPem,
      });
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(token))
        .send({ name: 'forged' });
      expectCfError(res, 401, INVALID_AUTH_TOKEN);
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the refresh token minted by /oauth/token is sent as a bearer token, answers 401 1000', async () => {
      const tok = await request(w.app)
        .post('/oauth/token')
        .set('Authorization', 'Basic Y2Y6')
        .type('form')
        .send({ grant_type: 'password', username: 'reader', password: 'reader-password' });
      expect(tok.status).toBe(200);
      const ok = await request(w.app).get('/v2/organizations').set(bearer(tok.body.access_token));
      expectCfJson(ok, 200);
      const res = await request(w.app).get('/v2/organizations').set(bearer(tok.body.refresh_token));
      expectCfError(res, 401, INVALID_AUTH_TOKEN);
    });
  });

  describe('missing or non-bearer credentials', () => {
    it.each<[string, Record<string, string>]>([
      ['no Authorization header', {}],
      ['a Basic scheme', { Authorization: 'Basic YWRtaW46YWRtaW4tcGFzc3dvcmQ=' }],
      ['a bearer scheme with no token', { Authorization: 'bearer' }],
    ])('when the request has %s, answers 401 10002', async (_name, headers) => {
      const res = await request(w.app).get('/v2/organizations').set(headers);
      expectCfError(res, 401, NOT_AUTHENTICATED);
    });

    it('when the scheme is BEARER in capitals, accepts the token', async () => {
      const res = await request(w.app)
        .get('/v2/organizations')
        .set('Authorization', `BEARER ${readerToken}`);
      expectCfJson(res, 200);
    });
  });

  describe('scope and role checks (reference §2.1–2.2)', () => {
    it('when the token lacks cloud_controller.read, answers 403 10007 on a read', async () => {
      const { token } = await w.userWithToken('openid-only', ['openid']);
      const res = await request(w.app).get('/v2/organizations').set(bearer(token));
      expectCfError(res, 403, INSUFFICIENT_SCOPE);
    });

    it('when the token lacks cloud_controller.write, answers 403 10007 on a write and creates nothing', async () => {
      const { token } = await w.userWithToken('read-only', [READ]);
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(token))
        .send({ name: 'nope' });
      expectCfError(res, 403, INSUFFICIENT_SCOPE);
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the scopes are right but the role is not (non-admin creates an org), answers 403 10003', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(readerToken))
        .send({ name: 'nope' });
      expectCfError(res, 403, NOT_AUTHORIZED);
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('when the token lacks scopes and the body is bad too, answers the scope error first', async () => {
      const { token } = await w.userWithToken('openid-only-2', ['openid']);
      const res = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(token))
        .send({ nam: 1 });
      expectCfError(res, 403, INSUFFICIENT_SCOPE);
    });
  });

  describe('every protected route', () => {
    // Patterns exactly as src/orgs/routes.ts registers them; the first spec checks that.
    const PATTERNS: [string, string][] = [
      ['GET', '/v2/organizations'],
      ['POST', '/v2/organizations'],
      ['GET', '/v2/organizations/:guid'],
      ['PUT', '/v2/organizations/:guid'],
      ['DELETE', '/v2/organizations/:guid'],
      ['GET', '/v2/organizations/:guid/spaces'],
      ...['users', 'managers', 'billing_managers', 'auditors'].flatMap(
        (role): [string, string][] => [
          ['GET', `/v2/organizations/:guid/${role}`],
          ['PUT', `/v2/organizations/:guid/${role}/:userGuid`],
          ['DELETE', `/v2/organizations/:guid/${role}/:userGuid`],
        ],
      ),
      ['GET', '/v2/spaces'],
      ['POST', '/v2/spaces'],
      ['GET', '/v2/spaces/:guid'],
      ['PUT', '/v2/spaces/:guid'],
      ['DELETE', '/v2/spaces/:guid'],
      ...['developers', 'managers', 'auditors'].flatMap((role): [string, string][] => [
        ['GET', `/v2/spaces/:guid/${role}`],
        ['PUT', `/v2/spaces/:guid/${role}/:userGuid`],
        ['DELETE', `/v2/spaces/:guid/${role}/:userGuid`],
      ]),
      ['GET', '/v2/users'],
      ['POST', '/v2/users'],
      ['GET', '/v2/users/:guid'],
      ['DELETE', '/v2/users/:guid'],
    ];
    let routes: [string, string][];
    let passwordGrantToken: string;
    let refreshToken: string;
    beforeAll(async () => {
      const org = await request(w.app)
        .post('/v2/organizations')
        .set(bearer(w.adminToken))
        .send({ name: 'routes-org' });
      const space = await request(w.app)
        .post('/v2/spaces')
        .set(bearer(w.adminToken))
        .send({ name: 'routes-space', organization_guid: org.body.metadata.guid });
      const guids: Record<string, string> = {
        organizations: org.body.metadata.guid,
        spaces: space.body.metadata.guid,
        users: reader.guid,
      };
      routes = PATTERNS.map(([method, pattern]) => [
        method,
        pattern
          .replace(
            /^\/v2\/(\w+)\/:guid/,
            (_m, collection: string) => `/v2/${collection}/${guids[collection] ?? ''}`,
          )
          .replace(':userGuid', reader.guid),
      ]);
      const tok = await request(w.app)
        .post('/oauth/token')
        .set('Authorization', 'Basic Y2Y6')
        .type('form')
        .send({ grant_type: 'password', username: 'admin', password: 'admin-password' });
      passwordGrantToken = tok.body.access_token;
      refreshToken = tok.body.refresh_token;
    });

    it('lists every route src/orgs/routes.ts registers', () => {
      const router = createOrgsRoutes(w.orgs, new UsersDirectory(w.users));
      const registered = (
        router.stack as { route?: { path: string; methods: Record<string, boolean> } }[]
      )
        .flatMap((layer) =>
          layer.route === undefined
            ? []
            : Object.keys(layer.route.methods).map(
                (m) => `${m.toUpperCase()} ${layer.route?.path ?? ''}`,
              ),
        )
        .sort();
      expect(registered).toEqual(PATTERNS.map(([m, p]) => `${m} ${p}`).sort());
    });

    function send(method: string, url: string, headers: Record<string, string>): request.Test {
      const agent = request(w.app);
      const req =
        method === 'GET'
          ? agent.get(url)
          : method === 'POST'
            ? agent.post(url)
            : method === 'PUT'
              ? agent.put(url)
              : agent.delete(url);
      // A body that fails validation everywhere: reaching a handler must not change anything.
      return method === 'GET' || method === 'DELETE'
        ? req.set(headers)
        : req.set(headers).send({ name: 7 });
    }

    it('without a token, answers 401 10002 everywhere and changes nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      for (const [method, url] of routes) {
        const res = await send(method, url, {});
        expect({ route: `${method} ${url}`, status: res.status, body: res.body }).toEqual({
          route: `${method} ${url}`,
          status: 401,
          body: NOT_AUTHENTICATED,
        });
      }
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('with a refresh token, answers 401 1000 everywhere and changes nothing', async () => {
      const before = await snapshot(w.knex, CORE_TABLES);
      for (const [method, url] of routes) {
        const res = await send(method, url, bearer(refreshToken));
        expect({ route: `${method} ${url}`, status: res.status, body: res.body }).toEqual({
          route: `${method} ${url}`,
          status: 401,
          body: INVALID_AUTH_TOKEN,
        });
      }
      expect(await snapshot(w.knex, CORE_TABLES)).toEqual(before);
    });

    it('with an admin password-grant token, answers 200 on every read', async () => {
      for (const [method, url] of routes.filter(([m]) => m === 'GET')) {
        const res = await send(method, url, bearer(passwordGrantToken));
        expect({ route: `${method} ${url}`, status: res.status }).toEqual({
          route: `${method} ${url}`,
          status: 200,
        });
      }
    });
  });

  describe('unknown routes', () => {
    it.each<[string, string, boolean]>([
      ['GET', '/v2/nope', false],
      ['GET', '/v2/nope', true],
      ['POST', '/v2/organizations/x/y/z', true],
      ['GET', '/nope', false],
      ['PATCH', '/v2/organizations', true],
    ])('%s %s (token: %s) answers 404 10000', async (method, url, withToken) => {
      const agent = request(w.app);
      const req =
        method === 'GET' ? agent.get(url) : method === 'POST' ? agent.post(url) : agent.patch(url);
      const res = await req.set(withToken ? bearer(w.adminToken) : {});
      expectCfError(res, 404, UNKNOWN_REQUEST);
    });
  });

  describe('X-VCAP-Request-ID (reference §1.8)', () => {
    it('when the caller sends none, answers a fresh uuid, different per request', async () => {
      const a = await request(w.app).get('/v2/info');
      const b = await request(w.app).get('/v2/info');
      expect(a.headers['x-vcap-request-id']).toMatch(REQUEST_ID_PATTERN);
      expect(b.headers['x-vcap-request-id']).toMatch(REQUEST_ID_PATTERN);
      expect(a.headers['x-vcap-request-id']).not.toBe(b.headers['x-vcap-request-id']);
    });

    it.each<[string, Record<string, string>, string]>([
      ['X-VCAP-Request-ID, sanitised', { 'X-VCAP-Request-ID': 'abc.123/x y' }, 'abc123xy'],
      [
        'X-Request-ID when there is no X-VCAP-Request-ID',
        { 'X-Request-ID': 'from-lb_1' },
        'from-lb_1',
      ],
      [
        'X-VCAP-Request-ID over X-Request-ID',
        { 'X-VCAP-Request-ID': 'vcap', 'X-Request-ID': 'plain' },
        'vcap',
      ],
      [
        'X-Request-ID when X-VCAP-Request-ID is empty',
        { 'X-VCAP-Request-ID': '', 'X-Request-ID': 'plain' },
        'plain',
      ],
    ])('when the caller sends %s, answers <id>::<uuid>', async (_name, headers, prefix) => {
      const res = await request(w.app).get('/v2/organizations').set(headers);
      expect(res.status).toBe(401);
      const [got, uuid, ...rest] = String(res.headers['x-vcap-request-id']).split('::');
      expect({ got, rest }).toEqual({ got: prefix, rest: [] });
      expect(uuid).toMatch(REQUEST_ID_PATTERN);
    });
  });
});

describe('unexpected failures', () => {
  it('when the database is gone, answers 500 UnknownError without internals', async () => {
    const w = await startTestWharf();
    const { token } = await w.userWithToken('alice', [READ]);
    await w.knex.destroy();
    const res = await request(w.app).get('/v2/organizations').set(bearer(token));
    expectCfError(res, 500, {
      error_code: 'UnknownError',
      description: 'An unknown error occurred.',
      code: 10001,
    });
    expect(res.text).not.toMatch(/knex|sqlite|at .*\.ts/i);
    await w.stop();
  });
});

describe('an external UAA trusted by its public key', () => {
  const EXTERNAL_ISSUER = 'https://uaa.example.test/oauth/token';
  const uaaKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const uaaPrivatePem = uaaKey.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  let keyDir: string;
  let w: TestWharf;
  beforeAll(async () => {
    keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-uaa-key-'));
    const keyFile = path.join(keyDir, 'uaa.pem');
    fs.writeFileSync(keyFile, uaaKey.publicKey.export({ type: 'spki', format: 'pem' }));
    w = await startTestWharf({
      WHARF_TRUSTED_ISSUER: EXTERNAL_ISSUER,
      WHARF_TRUSTED_PUBLIC_KEY_FILE: keyFile,
    });
  });
  afterAll(async () => {
    await w.stop();
    fs.rmSync(keyDir, { recursive: true, force: true });
  });

  function uaaClaims(iss: string): Record<string, unknown> {
    return {
      jti: 'ext-1',
      sub: 'ext-user-guid',
      user_id: 'ext-user-guid',
      user_name: 'ext',
      email: 'ext@example.test',
      client_id: 'cf',
      scope: [READ],
      aud: ['cloud_controller', 'cf'],
      iss,
      iat: nowSeconds(),
      exp: nowSeconds() + 600,
    };
  }

  it('when its token carries its issuer, answers 200 and records the user on first sight', async () => {
    const token = encodeJwt({ alg: 'RS256' }, uaaClaims(EXTERNAL_ISSUER), rs256(uaaPrivatePem));
    const res = await request(w.app).get('/v2/organizations').set(bearer(token));
    expectCfJson(res, 200);
    const rows = await w
      .knex('users')
      .where({ guid: 'ext-user-guid' })
      .select('origin', 'password_hash');
    expect(rows).toEqual([{ origin: 'external', password_hash: null }]);
  });

  it('when its key signs a token claiming Wharf issuer, answers 401 1000', async () => {
    const token = encodeJwt({ alg: 'RS256' }, uaaClaims(ISSUER), rs256(uaaPrivatePem));
    const res = await request(w.app).get('/v2/organizations').set(bearer(token));
    expectCfError(res, 401, INVALID_AUTH_TOKEN);
  });

  it('when Wharf key signs a token claiming the external issuer, answers 401 1000', async () => {
    const token = encodeJwt(
      { alg: 'RS256' },
      uaaClaims(EXTERNAL_ISSUER),
      rs256(w.signingKey.privateKeyPem),
    );
    const res = await request(w.app).get('/v2/organizations').set(bearer(token));
    expectCfError(res, 401, INVALID_AUTH_TOKEN);
  });
});
