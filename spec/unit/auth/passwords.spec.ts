import crypto from 'node:crypto';
import {
  generatePassword,
  hashingConcurrency,
  hashPassword,
  verifyPassword,
} from '../../../src/auth/passwords';

describe('hashPassword and verifyPassword', () => {
  let stored: string;
  beforeAll(async () => {
    stored = await hashPassword('correct horse');
  });

  it('stores scrypt$<16-byte salt>$<64-byte hash>, never the password', () => {
    const [scheme, salt, hash, ...rest] = stored.split('$');
    expect({
      scheme,
      saltBytes: Buffer.from(salt ?? '', 'base64').length,
      hashBytes: Buffer.from(hash ?? '', 'base64').length,
      rest,
    }).toEqual({
      scheme: 'scrypt',
      saltBytes: 16,
      hashBytes: 64,
      rest: [],
    });
    expect(stored).not.toContain('correct horse');
  });

  it('salts every hash: the same password hashes differently twice', async () => {
    expect(await hashPassword('correct horse')).not.toBe(stored);
  });

  it.each<[string, string, boolean]>([
    ['the right password', 'correct horse', true],
    ['a wrong password', 'correct horsf', false],
    ['a prefix of the password', 'correct', false],
    ['the password with a trailing space', 'correct horse ', false],
    ['an empty password', '', false],
  ])('verifies %s as %s', async (_name, attempt, expected) => {
    expect(await verifyPassword(attempt, stored)).toBe(expected);
  });

  it("keeps the cost: a hash stored by node's scrypt with its default cost verifies, and ours checks out with it", async () => {
    const salt = Buffer.from('000102030405060708090a0b0c0d0e0f', 'hex');
    const older = `scrypt$${salt.toString('base64')}$${crypto.scryptSync('old secret', salt, 64).toString('base64')}`;
    expect(await verifyPassword('old secret', older)).toBe(true);
    const [, ourSalt, ourHash] = stored.split('$');
    const recomputed = crypto.scryptSync(
      'correct horse',
      Buffer.from(ourSalt ?? '', 'base64'),
      64,
      {
        N: 16384,
        r: 8,
        p: 1,
      },
    );
    expect(recomputed.toString('base64')).toBe(ourHash);
  });

  it.each<[string, string]>([
    ['an unknown scheme', 'bcrypt$abc$def'],
    ['a bare string', 'not-a-hash'],
    ['a missing hash part', 'scrypt$c2FsdHNhbHRzYWx0c2FsdA=='],
    ['an empty hash part', 'scrypt$c2FsdHNhbHRzYWx0c2FsdA==$'],
    ['an empty stored value', ''],
  ])('rejects any password against %s', async (_name, malformed) => {
    expect(await verifyPassword('', malformed)).toBe(false);
    expect(await verifyPassword('anything', malformed)).toBe(false);
  });
});

describe('hashingConcurrency', () => {
  it.each<[number, number]>([
    [1, 1],
    [2, 1],
    [4, 3],
    [16, 15],
  ])('on %i cores, hashes %i passwords at once (a core stays with the API)', (cores, expected) => {
    expect(hashingConcurrency(cores)).toBe(expected);
  });
});

describe('generatePassword', () => {
  it('makes 24 url-safe characters, different each time', () => {
    const a = generatePassword();
    const b = generatePassword();
    expect(a).toMatch(/^[A-Za-z0-9_-]{24}$/);
    expect(b).not.toBe(a);
  });
});
