import { checkCsrf, originOf } from '../../../src/ui/csrf';

const allowed = ['http://127.0.0.1:3000', 'http://localhost:3000'];
const base = {
  method: 'POST',
  origin: 'http://127.0.0.1:3000' as string | undefined,
  allowedOrigins: allowed,
  presented: 'token-1' as string | undefined,
  expected: 'token-1' as string | undefined,
};

describe('checkCsrf', () => {
  it.each([
    ['a same-origin post with the token', {}, true],
    ['a GET without anything', { method: 'GET', origin: undefined, presented: undefined }, true],
    ['HEAD is safe too', { method: 'HEAD', origin: undefined }, true],
    ['the other allowed origin', { origin: 'http://localhost:3000' }, true],
    ['a cross-site origin', { origin: 'https://evil.example' }, false],
    ['a look-alike origin', { origin: 'http://127.0.0.1:30000' }, false],
    ['no origin at all', { origin: undefined }, false],
    ['no token in the form', { presented: undefined }, false],
    ['an empty token', { presented: '' }, false],
    ['a wrong token', { presented: 'token-2' }, false],
    ['a token prefix', { presented: 'token-' }, false],
    ['no expected token (no login cookie)', { expected: undefined }, false],
    ['DELETE is a state change', { method: 'DELETE', presented: 'x' }, false],
  ])('%s → allowed %s', (_name, override, ok) => {
    expect(checkCsrf({ ...base, ...override }).ok).toBe(ok);
  });
});

describe('originOf', () => {
  it.each([
    ['the Origin header', 'http://a:1', 'http://b:2/x', 'http://a:1'],
    ['Referer when Origin is absent', undefined, 'http://b:2/x?y', 'http://b:2'],
    ['Referer when Origin is "null"', 'null', 'http://b:2/x', 'http://b:2'],
    ['nothing', undefined, undefined, undefined],
    ['a malformed Referer', undefined, 'not a url', undefined],
  ])('%s', (_name, origin, referer, expected) => {
    expect(originOf(origin, referer)).toBe(expected);
  });
});
