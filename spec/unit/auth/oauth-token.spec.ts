import { OAuthError } from '../../../src/auth/oauth-errors';
import { narrowScopes, parseBasicAuth } from '../../../src/auth/oauth-token';

function captureOAuthError(run: () => unknown): {
  status: number;
  error: string;
  description: string;
} {
  try {
    run();
  } catch (err) {
    if (err instanceof OAuthError)
      return { status: err.status, error: err.error, description: err.message };
    throw err;
  }
  throw new Error('expected an OAuthError, nothing was thrown');
}

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');

describe('parseBasicAuth', () => {
  it.each<[string, string | undefined, { clientId: string; secret: string } | undefined]>([
    ['the cf CLI header (cf, empty secret)', 'Basic Y2Y6', { clientId: 'cf', secret: '' }],
    ['a lower-case scheme', 'basic Y2Y6', { clientId: 'cf', secret: '' }],
    [
      'a client with a secret',
      `Basic ${b64('robot:s3cret')}`,
      { clientId: 'robot', secret: 's3cret' },
    ],
    ['a secret containing :', `Basic ${b64('robot:a:b')}`, { clientId: 'robot', secret: 'a:b' }],
    [
      'percent-encoded parts (RFC 6749 §2.3.1)',
      `Basic ${b64('my%20app:p%26w')}`,
      { clientId: 'my app', secret: 'p&w' },
    ],
    ['no header', undefined, undefined],
    ['a bearer header', 'Bearer abc', undefined],
  ])('reads %s', (_name, header, expected) => {
    expect(parseBasicAuth(header)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['a Basic scheme without credentials', 'Basic'],
    ['credentials without a colon', `Basic ${b64('cf')}`],
    ['a malformed percent-encoding in the id', `Basic ${b64('cf%:x')}`],
    ['a malformed percent-encoding in the secret', `Basic ${b64('cf:%zz')}`],
  ])('refuses %s with 401 invalid_client', (_name, header) => {
    expect(captureOAuthError(() => parseBasicAuth(header))).toEqual({
      status: 401,
      error: 'invalid_client',
      description: 'Bad client credentials',
    });
  });
});

describe('narrowScopes', () => {
  const granted = ['openid', 'cloud_controller.read', 'cloud_controller.write'];

  it.each<[string, string | undefined, string[]]>([
    ['no scope parameter: everything granted', undefined, granted],
    ['an empty scope (what the cf CLI sends): everything granted', '', granted],
    ['blank space only: everything granted', '   ', granted],
    ['a subset', 'cloud_controller.read', ['cloud_controller.read']],
    [
      'a space-separated subset',
      'openid  cloud_controller.write',
      ['openid', 'cloud_controller.write'],
    ],
  ])('grants %s', (_name, requested, expected) => {
    expect(narrowScopes(granted, requested)).toEqual(expected);
  });

  it.each<[string, string, string]>([
    ['a scope the user lacks', 'cloud_controller.admin', 'Invalid scope: cloud_controller.admin'],
    [
      'a mix, naming only the missing ones',
      'openid uaa.admin doppler.firehose',
      'Invalid scope: uaa.admin doppler.firehose',
    ],
  ])('refuses %s with 400 invalid_scope', (_name, requested, description) => {
    expect(captureOAuthError(() => narrowScopes(granted, requested))).toEqual({
      status: 400,
      error: 'invalid_scope',
      description,
    });
  });
});
