import fs from 'node:fs';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { LeaseStore } from './leadership-store';

export interface LeadershipLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface LeadershipOptions {
  store: LeaseStore;
  /** This process's identity in the lease row (see newHolderId). */
  holder: string;
  /** A lease not renewed for this long is free: the failover time is at most ttl + renew. */
  ttlMs: number;
  renewMs: number;
  /** How often the leader looks for spec changes made through other processes. */
  watchMs: number;
  nowMs: () => number;
  log: LeadershipLog;
  /** Became the leader: start converging. */
  elected(): void;
  /** No longer the leader (lost the lease, or stopping): stop converging before resolving. */
  deposed(): Promise<void>;
  /** The leader saw a spec change made through any process: converge now. */
  specChanged(): void;
}

/**
 * The process's PID namespace (Linux): two processes see each other's pids only when it is the
 * same, e.g. not between containers that share a hostname (`--network host`).
 */
function pidNamespace(): string {
  try {
    return fs.readlinkSync('/proc/self/ns/pid').replace(/\D/g, '');
  } catch {
    return '';
  }
}

/** `host:pid:pid-namespace:random`: readable in the lease row, unique even when a pid is reused. */
export function newHolderId(): string {
  return `${os.hostname()}:${process.pid}:${pidNamespace()}:${randomBytes(4).toString('hex')}`;
}

/**
 * A holder in this host's PID namespace whose process is gone (killed with -9, crashed) can be
 * replaced at once rather than after its lease runs out; elsewhere only expiry tells.
 */
function deadOnThisHost(holder: string): boolean {
  const [host, pidText, namespace] = holder.split(':');
  const pid = Number(pidText);
  const ours = pidNamespace();
  if (
    host !== os.hostname() ||
    ours === '' ||
    namespace !== ours ||
    !Number.isInteger(pid) ||
    pid <= 0 ||
    pid === process.pid
  )
    return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    // Not `instanceof Error`: system errors may come from another realm (e.g. a test sandbox).
    return typeof err === 'object' && err !== null && 'code' in err && err.code === 'ESRCH';
  }
}

/**
 * Only one process of an installation converges container services at a time: the holder of the
 * `containers` lease row. Every process tries to take or renew it each `renewMs`; a leader that
 * cannot renew before its lease would run out steps down on its own, so two leaders never act
 * at once even when the database is briefly unreachable.
 */
export class ReconcilerLeadership {
  private leader = false;
  /** Until when this process may act as leader without another successful renewal. */
  private validUntil = 0;
  private renewTimer: NodeJS.Timeout | undefined;
  private watchTimer: NodeJS.Timeout | undefined;
  /** Steps down when the lease may have run out, even if no renewal attempt ran meanwhile. */
  private deadlineTimer: NodeJS.Timeout | undefined;
  private fingerprint: string | undefined;
  private ticking: Promise<void> | undefined;
  private stopped = true;

  constructor(private readonly o: LeadershipOptions) {}

  get holder(): string {
    return this.o.holder;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  /** Who leads now, as the lease row says (undefined when nobody holds a live lease). */
  async currentLeader(): Promise<string | undefined> {
    const lease = await this.o.store.current();
    return lease !== undefined && lease.expiresAt > this.o.nowMs() ? lease.holder : undefined;
  }

  /** Resolves after the first attempt, so a lone process is the leader when start() returns. */
  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
    this.renewTimer = setInterval(() => {
      void this.tick();
    }, this.o.renewMs);
    this.renewTimer.unref();
    this.watchTimer = setInterval(() => {
      void this.watch();
    }, this.o.watchMs);
    this.watchTimer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.renewTimer !== undefined) clearInterval(this.renewTimer);
    if (this.watchTimer !== undefined) clearInterval(this.watchTimer);
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    await this.ticking;
    if (this.leader) {
      await this.stepDown('stopping');
      await this.o.store.release(this.o.holder).catch(() => undefined);
    }
  }

  private tick(): Promise<void> {
    this.ticking ??= this.attempt().finally(() => {
      this.ticking = undefined;
    });
    return this.ticking;
  }

  private async attempt(): Promise<void> {
    const sentAt = this.o.nowMs();
    let holds: boolean;
    try {
      const lease = this.leader ? undefined : await this.o.store.current();
      const dead = lease !== undefined && deadOnThisHost(lease.holder) ? lease.holder : undefined;
      holds = await this.o.store.acquire(this.o.holder, sentAt, this.o.ttlMs, dead);
    } catch (err) {
      // Unknown whether the renewal landed: keep leading only while the last one surely holds.
      if (this.leader && this.o.nowMs() >= this.validUntil) {
        this.o.log.warn({ error: errorName(err) }, 'cannot renew the reconciler lease');
        await this.stepDown('lease not renewed in time');
      }
      return;
    }
    if (this.stopped) return;
    if (holds) {
      // Counted from when the request left, and a renewal short of the lease, for clock slack.
      this.validUntil = sentAt + this.o.ttlMs - this.o.renewMs;
      this.armDeadline();
      if (!this.leader) {
        this.leader = true;
        this.fingerprint = undefined;
        this.o.log.info(
          { holder: this.o.holder },
          'this process now leads the container reconciler',
        );
        this.o.elected();
      }
    } else if (this.leader) {
      await this.stepDown('another process took the lease');
    }
  }

  private armDeadline(): void {
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.deadlineTimer = setTimeout(
      () => {
        this.deadlineTimer = undefined;
        if (this.leader && this.o.nowMs() >= this.validUntil)
          void this.stepDown('lease not renewed in time');
      },
      Math.max(0, this.validUntil - this.o.nowMs()),
    );
    this.deadlineTimer.unref();
  }

  private async stepDown(reason: string): Promise<void> {
    if (this.deadlineTimer !== undefined) clearTimeout(this.deadlineTimer);
    this.leader = false;
    this.o.log.info(
      { holder: this.o.holder, reason },
      'this process no longer leads the container reconciler',
    );
    await this.o.deposed();
  }

  private async watch(): Promise<void> {
    if (!this.leader) return;
    try {
      const next = await this.o.store.specFingerprint();
      // The first look after an election counts as a change: a write may have landed between
      // the elected pass reading the services and this look.
      const changed = next !== this.fingerprint;
      this.fingerprint = next;
      if (changed && this.leader) this.o.specChanged();
    } catch {
      // The next look (or the reconciler's own resync) catches up.
    }
  }
}

function errorName(err: unknown): string {
  return err instanceof Error ? err.name : 'unknown';
}
