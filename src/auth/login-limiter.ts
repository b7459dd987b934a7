import { systemClock } from '../clock';
import type { Clock } from '../clock';

export interface LoginLimits {
  /** Failures in a row of one (username, client address) pair before it is locked. */
  maxFailures: number;
  /** Failures of one client address, whatever the usernames, within a lockout period. */
  maxFailuresPerAddress: number;
  lockoutSeconds: number;
}

interface Counter {
  count: number;
  /** When the first failure counted now happened (the per-address window starts there). */
  since: number;
  lockedUntil: number;
}

/** Past this many tracked counters, expired ones are dropped: random usernames cannot fill memory. */
const PRUNE_ABOVE = 10_000;

/**
 * Counts failed password grants per (username, client address) and per client address. A pair is
 * locked after `maxFailures` failures in a row (a success clears it); an address is locked after
 * `maxFailuresPerAddress` failures within a lockout period whatever the usernames, so trying many
 * usernames is throttled too (a success does not clear that count: an attacker with one valid
 * account must not be able to reset it). In memory: each Wharf process guards itself.
 */
export class LoginLimiter {
  private readonly pairs = new Map<string, Counter>();
  private readonly addresses = new Map<string, Counter>();

  constructor(
    private readonly limits: LoginLimits,
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): number {
    return this.clock.now().getTime();
  }

  private pairKey(username: string, address: string): string {
    return `${username.toLowerCase()}\u0000${address}`;
  }

  private remainingSeconds(counter: Counter | undefined): number {
    if (!counter) return 0;
    const remaining = counter.lockedUntil - this.now();
    return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
  }

  /** Seconds until the pair may try again, or 0 when it may try now. */
  retryAfterSeconds(username: string, address: string): number {
    return Math.max(
      this.remainingSeconds(this.pairs.get(this.pairKey(username, address))),
      this.remainingSeconds(this.addresses.get(address)),
    );
  }

  recordFailure(username: string, address: string): void {
    const lockoutMs = this.limits.lockoutSeconds * 1000;
    this.count(this.pairs, this.pairKey(username, address), this.limits.maxFailures, Infinity);
    this.count(this.addresses, address, this.limits.maxFailuresPerAddress, lockoutMs);
    if (this.pairs.size + this.addresses.size > PRUNE_ABOVE) this.prune(lockoutMs);
  }

  recordSuccess(username: string, address: string): void {
    this.pairs.delete(this.pairKey(username, address));
  }

  private count(map: Map<string, Counter>, key: string, max: number, windowMs: number): void {
    const now = this.now();
    let counter = map.get(key);
    const lockExpired =
      counter !== undefined && counter.lockedUntil !== 0 && counter.lockedUntil <= now;
    const windowOver =
      counter !== undefined && counter.lockedUntil === 0 && now - counter.since >= windowMs;
    if (!counter || lockExpired || windowOver) {
      counter = { count: 0, since: now, lockedUntil: 0 };
      map.set(key, counter);
    }
    counter.count += 1;
    if (counter.count >= max) counter.lockedUntil = now + this.limits.lockoutSeconds * 1000;
  }

  private prune(lockoutMs: number): void {
    const now = this.now();
    for (const map of [this.pairs, this.addresses]) {
      for (const [key, counter] of map) {
        const stale = counter.lockedUntil <= now && now - counter.since >= lockoutMs;
        if (stale) map.delete(key);
      }
    }
  }
}
