import crypto from 'node:crypto';
import os from 'node:os';
import { ConcurrencyGate, GateBusyError } from './concurrency-gate';
import { ScryptWorkers } from './scrypt-workers';

/**
 * How many password hashes may run at once: all cores but one, so a flood of logins always leaves
 * the API (its event loop and the database's threads) a core. One on a 1- or 2-core machine.
 */
export function hashingConcurrency(cores: number): number {
  return Math.max(1, cores - 1);
}

/**
 * Password checks beyond those running wait their turn, each at most HASHING_MAX_WAIT_MS, up to
 * HASHING_QUEUE of them; the rest are refused at once. Waiting (rather than a short queue and
 * quick refusals) paces a flood: each of its connections is held for up to 2 s instead of
 * retrying in a tight loop that takes the event loop from the API.
 */
export const HASHING_QUEUE = 256;
export const HASHING_MAX_WAIT_MS = 2000;

/** The nice value of the hashing threads (Linux): under contention the API's threads go first. */
export const HASHING_NICENESS = 10;

const KEY_LENGTH = 64;

/** Hashes and checks passwords through a gate that bounds how many scrypt runs at once. */
export class PasswordHasher {
  constructor(
    private readonly gate: ConcurrencyGate,
    private readonly workers: ScryptWorkers,
  ) {}

  /** Throws GateBusyError when a check would be refused anyway: call it before other work. */
  assertRoom(): void {
    if (!this.gate.hasRoom()) throw new GateBusyError('too many password checks waiting');
  }

  /** `scrypt$<salt b64>$<hash b64>` with node's default cost (N=16384, r=8, p=1). */
  async hash(password: string): Promise<string> {
    const salt = crypto.randomBytes(16);
    const hash = await this.scrypt(password, salt, KEY_LENGTH);
    return `scrypt$${salt.toString('base64')}$${hash.toString('base64')}`;
  }

  async verify(password: string, stored: string): Promise<boolean> {
    const [scheme, saltB64, hashB64] = stored.split('$');
    if (scheme !== 'scrypt' || saltB64 === undefined || hashB64 === undefined) return false;
    const expected = Buffer.from(hashB64, 'base64');
    // An empty hash would compare equal to scrypt's empty output for any password.
    if (expected.length !== KEY_LENGTH) return false;
    const actual = await this.scrypt(password, Buffer.from(saltB64, 'base64'), expected.length);
    return crypto.timingSafeEqual(actual, expected);
  }

  private scrypt(password: string, salt: Buffer, keylen: number): Promise<Buffer> {
    return this.gate.run(() => this.workers.scrypt(password, salt, keylen));
  }
}

/** The hashing threads, shared by every hasher of the process. */
export const scryptWorkers = new ScryptWorkers({ niceness: HASHING_NICENESS, idleMs: 10_000 });

/**
 * A flood of wrong passwords once cut `GET /v2/service_instances` from ~1,170 to ~4 requests/s:
 * scrypt ran on libuv's 4-thread pool, which sqlite3 shares, on every core, and each refused
 * login still read the database. Now hashes run on worker threads of their own at a lower CPU
 * priority, never in libuv's pool, at most `hashingConcurrency` at a time, and a refusal reads
 * nothing (the token endpoint answers 503 with Retry-After). Process-wide because the cores are.
 */
export const passwordHasher = new PasswordHasher(
  new ConcurrencyGate(hashingConcurrency(os.availableParallelism()), HASHING_QUEUE, {
    maxWaitMs: HASHING_MAX_WAIT_MS,
  }),
  scryptWorkers,
);

export function hashPassword(password: string): Promise<string> {
  return passwordHasher.hash(password);
}

export function verifyPassword(password: string, stored: string): Promise<boolean> {
  return passwordHasher.verify(password, stored);
}

export function generatePassword(): string {
  return crypto.randomBytes(18).toString('base64url');
}
