/**
 * Counts failed password grants per (username, client address). After `maxFailures` failures in a
 * row the pair is locked for `lockoutSeconds`; a success clears the count. In memory: one Wharf
 * process guards itself (several processes behind a balancer each apply the limit).
 */
export class LoginLimiter {
  private readonly failures = new Map<string, { count: number; lockedUntil: number }>();

  constructor(
    private readonly maxFailures: number,
    private readonly lockoutSeconds: number,
    private readonly now: () => number = Date.now,
  ) {}

  private key(username: string, address: string): string {
    return `${username.toLowerCase()}\u0000${address}`;
  }

  /** Seconds until the pair may try again, or 0 when it may try now. */
  retryAfterSeconds(username: string, address: string): number {
    const entry = this.failures.get(this.key(username, address));
    if (!entry) return 0;
    const remaining = entry.lockedUntil - this.now();
    return remaining > 0 ? Math.ceil(remaining / 1000) : 0;
  }

  recordFailure(username: string, address: string): void {
    const key = this.key(username, address);
    const entry = this.failures.get(key) ?? { count: 0, lockedUntil: 0 };
    if (entry.lockedUntil !== 0 && entry.lockedUntil <= this.now()) {
      entry.count = 0;
      entry.lockedUntil = 0;
    }
    entry.count += 1;
    if (entry.count >= this.maxFailures)
      entry.lockedUntil = this.now() + this.lockoutSeconds * 1000;
    this.failures.set(key, entry);
  }

  recordSuccess(username: string, address: string): void {
    this.failures.delete(this.key(username, address));
  }
}
