import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateSigningKey } from '../../../src/auth/signing-key';
import { TokenService, TokenVerificationError } from '../../../src/auth/token-service';
import { ManualClock } from '../../../src/clock';

describe('TokenService verification cache', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-tokens-'));
  const key = loadOrCreateSigningKey(dir);
  afterAll(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const subject = {
    userGuid: 'u-1',
    userName: 'u',
    email: undefined,
    origin: 'uaa',
    clientId: 'cf',
    scopes: ['cloud_controller.read'],
  };

  it('when a token verified once reaches its expiry, verifying it again fails instead of using the cached claims', () => {
    const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
    const tokens = new TokenService(key, 'http://wharf.test', 60, 600, [], clock);
    const { access_token: token } = tokens.issue(subject, 'password', false);
    expect(tokens.verify(token, 'access').user_id).toBe('u-1');
    clock.advance(59_000);
    expect(tokens.verify(token, 'access').user_id).toBe('u-1');
    clock.advance(1_000);
    expect(() => tokens.verify(token, 'access')).toThrow(TokenVerificationError);
  });

  it('when a token was issued by a clock an hour ahead, the claims carry that clock’s time', () => {
    const clock = new ManualClock(new Date('2026-03-01T10:00:00Z'));
    const tokens = new TokenService(key, 'http://wharf.test', 60, 600, [], clock);
    const claims = tokens.verify(tokens.issue(subject, 'password', false).access_token, 'access');
    expect(claims.exp).toBe(Date.parse('2026-03-01T10:01:00Z') / 1000);
  });

  it('when a refresh token is presented as an access token after a good one was cached, it is still refused', () => {
    const tokens = new TokenService(key, 'http://wharf.test', 60, 60, [], new ManualClock());
    const issued = tokens.issue(subject, 'password', true);
    const refreshToken = issued.refresh_token;
    if (refreshToken === undefined) throw new Error('a password grant must issue a refresh token');
    tokens.verify(issued.access_token, 'access');
    expect(tokens.verify(refreshToken, 'refresh').jti).toBe(`${issued.jti}-r`);
    expect(() => tokens.verify(refreshToken, 'access')).toThrow(TokenVerificationError);
  });
});
