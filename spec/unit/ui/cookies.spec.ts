import { parseCookies, serializeCookie } from '../../../src/ui/cookies';

describe('parseCookies', () => {
  it.each([
    ['no header', undefined, {}],
    ['one cookie', 'wharf_session=abc', { wharf_session: 'abc' }],
    ['several with spaces', 'a=1; b=2;c=3', { a: '1', b: '2', c: '3' }],
    ['an encoded value', 'a=x%20y', { a: 'x y' }],
    ['a malformed escape is skipped', 'a=%E0%A4%A; b=2', { b: '2' }],
    ['the first of a repeated name wins', 'a=1; a=2', { a: '1' }],
    ['a part without =', 'junk; a=1', { a: '1' }],
    ['an empty name', '=x; a=1', { a: '1' }],
  ])('%s', (_name, header, expected) => {
    expect(Object.fromEntries(parseCookies(header))).toEqual(expected);
  });
});

describe('serializeCookie', () => {
  it.each([
    [
      'a session cookie over http',
      { path: '/ui', secure: false },
      'n=v%3B; Path=/ui; HttpOnly; SameSite=Strict',
    ],
    [
      'a short-lived cookie over https',
      { path: '/ui', secure: true, maxAgeSeconds: 600 },
      'n=v%3B; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=600; Secure',
    ],
    [
      'a deletion',
      { path: '/ui', secure: false, maxAgeSeconds: 0 },
      'n=v%3B; Path=/ui; HttpOnly; SameSite=Strict; Max-Age=0',
    ],
  ])('%s', (_name, options, expected) => {
    expect(serializeCookie('n', 'v;', options)).toBe(expected);
  });
});
