import {
  audiencesFor,
  buildClaims,
  CLOUD_CONTROLLER_AUDIENCE,
  isRefreshJti,
} from '../../../src/auth/token-claims';
import type { ClaimsInput, TokenClaims, TokenSubject } from '../../../src/auth/token-claims';

const USER: TokenSubject = {
  userGuid: 'u-guid',
  userName: 'alice',
  email: 'alice@example.com',
  origin: 'uaa',
  clientId: 'cf',
  scopes: ['openid', 'cloud_controller.read', 'cloud_controller.write'],
};

const CLIENT: TokenSubject = {
  userGuid: undefined,
  userName: undefined,
  email: undefined,
  origin: undefined,
  clientId: 'ci-robot',
  scopes: ['cloud_controller.read'],
};

const BASE: Omit<ClaimsInput, 'subject' | 'grantType' | 'refresh'> = {
  issuer: 'http://wharf.test/oauth/token',
  jti: 'abc123',
  issuedAt: 1_700_000_000,
  ttlSeconds: 1200,
};

describe('buildClaims', () => {
  it.each<[string, ClaimsInput, TokenClaims]>([
    [
      'a password-grant access token with every UAA user claim',
      { ...BASE, subject: USER, grantType: 'password', refresh: false },
      {
        jti: 'abc123',
        sub: 'u-guid',
        scope: ['openid', 'cloud_controller.read', 'cloud_controller.write'],
        client_id: 'cf',
        cid: 'cf',
        azp: 'cf',
        grant_type: 'password',
        iat: 1_700_000_000,
        exp: 1_700_001_200,
        iss: 'http://wharf.test/oauth/token',
        zid: 'uaa',
        aud: ['cf', 'cloud_controller'],
        user_id: 'u-guid',
        user_name: 'alice',
        origin: 'uaa',
        email: 'alice@example.com',
      },
    ],
    [
      'a refresh token: the jti ends in -r',
      { ...BASE, subject: USER, grantType: 'password', refresh: true, ttlSeconds: 2_592_000 },
      {
        jti: 'abc123-r',
        sub: 'u-guid',
        scope: ['openid', 'cloud_controller.read', 'cloud_controller.write'],
        client_id: 'cf',
        cid: 'cf',
        azp: 'cf',
        grant_type: 'password',
        iat: 1_700_000_000,
        exp: 1_702_592_000,
        iss: 'http://wharf.test/oauth/token',
        zid: 'uaa',
        aud: ['cf', 'cloud_controller'],
        user_id: 'u-guid',
        user_name: 'alice',
        origin: 'uaa',
        email: 'alice@example.com',
      },
    ],
    [
      'a client-credentials token: no user claims, sub is the client',
      { ...BASE, subject: CLIENT, grantType: 'client_credentials', refresh: false },
      {
        jti: 'abc123',
        sub: 'ci-robot',
        scope: ['cloud_controller.read'],
        client_id: 'ci-robot',
        cid: 'ci-robot',
        azp: 'ci-robot',
        grant_type: 'client_credentials',
        iat: 1_700_000_000,
        exp: 1_700_001_200,
        iss: 'http://wharf.test/oauth/token',
        zid: 'uaa',
        aud: ['ci-robot', 'cloud_controller'],
      },
    ],
    [
      'a user without name, email or origin: UAA-style fallbacks',
      {
        ...BASE,
        subject: { ...USER, userName: undefined, email: undefined, origin: undefined, scopes: [] },
        grantType: 'refresh_token',
        refresh: false,
      },
      {
        jti: 'abc123',
        sub: 'u-guid',
        scope: [],
        client_id: 'cf',
        cid: 'cf',
        azp: 'cf',
        grant_type: 'refresh_token',
        iat: 1_700_000_000,
        exp: 1_700_001_200,
        iss: 'http://wharf.test/oauth/token',
        zid: 'uaa',
        aud: ['cf', 'cloud_controller'],
        user_id: 'u-guid',
        user_name: 'u-guid',
        origin: 'uaa',
        email: 'u-guid',
      },
    ],
  ])('builds %s', (_name, input, expected) => {
    expect(buildClaims(input)).toEqual(expected);
  });

  it('copies the scopes, so later changes to the subject do not leak into the token', () => {
    const scopes = ['cloud_controller.read'];
    const claims = buildClaims({
      ...BASE,
      subject: { ...USER, scopes },
      grantType: 'password',
      refresh: false,
    });
    scopes.push('cloud_controller.admin');
    expect(claims.scope).toEqual(['cloud_controller.read']);
  });
});

describe('audiencesFor', () => {
  it.each<[string, string[], string, string[]]>([
    ['no scopes: cloud_controller and the client', [], 'cf', ['cf', 'cloud_controller']],
    [
      'resource ids of dotted scopes, deduplicated and sorted',
      ['cloud_controller.read', 'cloud_controller.write', 'uaa.user', 'doppler.firehose'],
      'cf',
      ['cf', 'cloud_controller', 'doppler', 'uaa'],
    ],
    ['an undotted scope adds nothing', ['openid'], 'cf', ['cf', 'cloud_controller']],
    [
      'a scope with a longer resource id',
      ['cloud_controller_service_permissions.read'],
      'cf',
      ['cf', 'cloud_controller', 'cloud_controller_service_permissions'],
    ],
    ['a scope starting with a dot adds nothing', ['.odd'], 'robot', ['cloud_controller', 'robot']],
  ])('for %s', (_name, scopes, clientId, expected) => {
    const audiences = audiencesFor(scopes, clientId);
    expect(audiences).toEqual(expected);
    expect(audiences).toContain(CLOUD_CONTROLLER_AUDIENCE);
  });
});

describe('isRefreshJti', () => {
  it.each<[string, boolean]>([
    ['abc-r', true],
    ['-r', true],
    ['abc', false],
    ['abc-r-x', false],
    ['abcr', false],
    ['abc-R', false],
  ])('%s → %s', (jti, expected) => {
    expect(isRefreshJti(jti)).toBe(expected);
  });
});
