import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadOrCreateSigningKey } from '../../../src/auth/signing-key';
import { TokenService, TokenVerificationError } from '../../../src/auth/token-service';

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

  it('when a token verified once has expired, verifying it again fails instead of using the cached claims', async () => {
    const tokens = new TokenService(key, 'http://wharf.test', 1, 60);
    const { access_token: token } = tokens.issue(subject, 'password', false);
    expect(tokens.verify(token, 'access').user_id).toBe('u-1');
    expect(tokens.verify(token, 'access').user_id).toBe('u-1');
    await new Promise((r) => setTimeout(r, 2100));
    expect(() => tokens.verify(token, 'access')).toThrow(TokenVerificationError);
  });

  it('when a refresh token is presented as an access token after a good one was cached, it is still refused', () => {
    const tokens = new TokenService(key, 'http://wharf.test', 60, 60);
    const issued = tokens.issue(subject, 'password', true);
    tokens.verify(issued.access_token, 'access');
    expect(() => tokens.verify(issued.refresh_token ?? '', 'access')).toThrow(
      TokenVerificationError,
    );
  });
});
