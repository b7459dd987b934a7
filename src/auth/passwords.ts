import crypto from 'node:crypto';
import { ConcurrencyGate } from './concurrency-gate';

/**
 * scrypt runs on libuv's thread pool (4 threads), which sqlite3 shares: a flood of password
 * grants used to occupy every thread and starve the API's queries (1,170 → 4 list requests/s).
 * One hash at a time keeps threads for the database, and resting as long as each hash took keeps
 * hashing to half a core, leaving CPU for the API; a short queue waits, the rest is refused (the
 * token endpoint answers 503 with Retry-After). Process-wide because the pool is.
 */
export const passwordHashing = new ConcurrencyGate(1, 16, { restRatio: 1 });

function scrypt(password: string, salt: Buffer, keylen: number): Promise<Buffer> {
  return passwordHashing.run(() => rawScrypt(password, salt, keylen));
}

function rawScrypt(password: string, salt: Buffer, keylen: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    crypto.scrypt(password, salt, keylen, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

const KEY_LENGTH = 64;

/** `scrypt$<salt b64>$<hash b64>` with node's default cost (N=16384, r=8, p=1). */
export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const hash = await scrypt(password, salt, KEY_LENGTH);
  return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, saltB64, hashB64] = stored.split('$');
  if (scheme !== 'scrypt' || saltB64 === undefined || hashB64 === undefined) return false;
  const expected = Buffer.from(hashB64, 'base64');
  // An empty hash would compare equal to scrypt's empty output for any password.
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await scrypt(password, Buffer.from(saltB64, 'base64'), expected.length);
  return crypto.timingSafeEqual(actual, expected);
}

export function generatePassword(): string {
  return crypto.randomBytes(18).toString('base64url');
}
