import type { Change } from '../../../src/changes';
import { InProcessChangeFeed } from '../../../src/changes';
import { ManualClock } from '../../../src/clock';
import { failureOf, JobQueue, KnexJobStore } from '../../../src/jobs';
import type { Job, JobContext, JobHandler, JobResult, KindOptions } from '../../../src/jobs';
import { createLogger } from '../../../src/logger';
import { createJobsDb } from './support';
import type { JobsDb } from './support';

const LEASE = 30_000;
const RETENTION = 7 * 24 * 3600 * 1000;
const once: KindOptions = { maxAttempts: 1, delayMs: () => 0 };

let db: JobsDb;
let store: KnexJobStore;
let clock: ManualClock;
let changes: Change[];
const queues: JobQueue[] = [];

beforeEach(async () => {
  db = await createJobsDb();
  store = new KnexJobStore(db.knex);
  clock = new ManualClock(new Date('2026-03-01T10:00:00.000Z'));
  changes = [];
});
afterEach(async () => {
  for (const q of queues.splice(0)) await q.stop();
  await db.close();
});

function queue(workerId = 'w1'): JobQueue {
  const feed = new InProcessChangeFeed();
  feed.subscribe((c) => changes.push(c));
  const q = new JobQueue(store, clock, feed, createLogger('silent'), {
    workerId,
    tickMs: 0,
    leaseMs: LEASE,
    retentionMs: RETENTION,
  });
  queues.push(q);
  return q;
}

/** Runs passes until nothing this queue can run is left (the clock does not move). */
async function settle(q: JobQueue): Promise<void> {
  await q.tick();
  await q.idle();
}

async function jobOf(guid: string): Promise<Job> {
  const job = await store.find(guid);
  if (!job) throw new Error(`no job ${guid}`);
  return job;
}

/** A handler that waits until released; `started` tells what it got. */
function gate(): {
  handler: JobHandler;
  started: Job[];
  release(result?: JobResult): void;
  contexts: JobContext[];
} {
  const started: Job[] = [];
  const contexts: JobContext[] = [];
  const waiting: Array<(r: JobResult) => void> = [];
  return {
    started,
    contexts,
    handler: (job, context) => {
      started.push(job);
      contexts.push(context);
      return new Promise((resolve) => waiting.push(resolve));
    },
    release: (result = { kind: 'succeeded' }) => {
      for (const resolve of waiting.splice(0)) resolve(result);
    },
  };
}

const until = async (check: () => boolean): Promise<void> => {
  // Real SQLite I/O is in between: wait by wall time, never by a fixed number of turns.
  for (let i = 0; i < 1000 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error('condition never held');
};

describe('JobQueue', () => {
  it.each<[string, JobResult, Partial<Job>]>([
    ['succeeded', { kind: 'succeeded' }, { state: 'succeeded', attempts: 0, failure: null }],
    [
      'failed',
      { kind: 'failed', failure: failureOf('gave up') },
      { state: 'failed', attempts: 0, failure: failureOf('gave up') },
    ],
  ])('when the handler answers %s, the job ends that way', async (_label, result, expected) => {
    const q = queue();
    q.register('k', () => Promise.resolve(result), once);
    await q.start();
    const job = await q.enqueue({ kind: 'k', resourceGuid: 'r1' });
    await settle(q);
    expect(await jobOf(job.guid)).toMatchObject({ ...expected, lockedBy: null });
  });

  it('when the handler asks to run again, the job waits for the clock and runs with its new payload', async () => {
    const q = queue();
    const seen: unknown[] = [];
    q.register(
      'poll',
      (job) => {
        seen.push(job.payload);
        const n = Number(job.payload.n);
        return Promise.resolve(
          n < 2
            ? { kind: 'again', at: new Date(clock.now().getTime() + 5000), payload: { n: n + 1 } }
            : { kind: 'succeeded' },
        );
      },
      once,
    );
    await q.start();
    const job = await q.enqueue({ kind: 'poll', resourceGuid: 'r1', payload: { n: 0 } });
    await settle(q);
    expect(seen).toEqual([{ n: 0 }]);
    clock.advance(4999);
    await settle(q);
    expect(seen).toEqual([{ n: 0 }]);
    clock.advance(1);
    await settle(q);
    clock.advance(5000);
    await settle(q);
    expect(seen).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(await jobOf(job.guid)).toMatchObject({ state: 'succeeded', attempts: 0 });
  });

  it('when the handler throws, retries after its kind back-off, then fails for good with a typed failure', async () => {
    const q = queue();
    let calls = 0;
    q.register('flaky', () => Promise.reject(new Error(`attempt ${++calls} failed`)), {
      maxAttempts: 3,
      delayMs: (n) => 1000 * 2 ** n,
    });
    await q.start();
    const job = await q.enqueue({ kind: 'flaky', resourceGuid: 'r1' });
    await settle(q);
    expect(await jobOf(job.guid)).toMatchObject({
      state: 'pending',
      attempts: 1,
      runAt: new Date(clock.now().getTime() + 2000),
      failure: failureOf('attempt 1 failed'),
    });
    clock.advance(1999);
    await settle(q);
    expect(calls).toBe(1);
    clock.advance(1);
    await settle(q);
    expect(calls).toBe(2);
    clock.advance(4000);
    await settle(q);
    expect(calls).toBe(3);
    expect(await jobOf(job.guid)).toMatchObject({
      state: 'failed',
      attempts: 3,
      failure: { code: 10001, errorCode: 'UnknownError', description: 'attempt 3 failed' },
    });
  });

  it('when one kind is slow, its concurrency limit holds its own jobs back and other kinds still run', async () => {
    const q = queue();
    const slow = gate();
    const fast: string[] = [];
    q.register('slow', slow.handler, { ...once, concurrency: 2 });
    q.register(
      'fast',
      (job) => {
        fast.push(job.resourceGuid);
        return Promise.resolve({ kind: 'succeeded' });
      },
      once,
    );
    await q.start();
    for (let i = 0; i < 3; i++) await q.enqueue({ kind: 'slow', resourceGuid: `s${i}` });
    for (let i = 0; i < 3; i++) await q.enqueue({ kind: 'fast', resourceGuid: `f${i}` });
    await q.tick();
    await until(() => fast.length === 3);
    expect(slow.started.map((j) => j.resourceGuid)).toEqual(['s0', 's1']);
    slow.release();
    await until(() => slow.started.length === 3);
    slow.release();
    await q.idle();
    expect(slow.started.map((j) => j.resourceGuid)).toEqual(['s0', 's1', 's2']);
  });

  it('when a kind has no handler here, its jobs stay queued for a process that has one', async () => {
    const q = queue();
    await q.start();
    const job = await q.enqueue({ kind: 'elsewhere', resourceGuid: 'r1' });
    await settle(q);
    expect(await jobOf(job.guid)).toMatchObject({ state: 'pending', lockedBy: null });
  });

  it('when never started, runs nothing, even after an enqueue', async () => {
    const q = queue();
    let calls = 0;
    q.register(
      'k',
      () => Promise.resolve({ kind: 'succeeded' as const }).finally(() => calls++),
      once,
    );
    const job = await q.enqueue({ kind: 'k', resourceGuid: 'r1' });
    await settle(q);
    expect(calls).toBe(0);
    expect(await jobOf(job.guid)).toMatchObject({ state: 'pending' });
  });

  it('when stopped, waits for the job in flight and claims nothing more', async () => {
    const q = queue();
    const slow = gate();
    q.register('slow', slow.handler, { ...once, concurrency: 1 });
    await q.start();
    const first = await q.enqueue({ kind: 'slow', resourceGuid: 'first' });
    await until(() => slow.started.length === 1);
    const second = await q.enqueue({ kind: 'slow', resourceGuid: 'second' });
    let stopped = false;
    const stopping = q.stop().then(() => {
      stopped = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(stopped).toBe(false);
    slow.release();
    await stopping;
    expect(await jobOf(first.guid)).toMatchObject({ state: 'succeeded' });
    expect(await jobOf(second.guid)).toMatchObject({ state: 'pending' });
    expect(slow.started).toHaveLength(1);
  });

  it('when started, leaves a job under another live worker alone and runs it once that lease expired', async () => {
    const job = await store.insert({ kind: 'k', resourceGuid: 'r1' }, clock.now());
    await store.claimDue('other-process', 1, LEASE, clock.now());
    const q = queue();
    let calls = 0;
    q.register(
      'k',
      () => {
        calls++;
        return Promise.resolve({ kind: 'succeeded' });
      },
      once,
    );
    await q.start();
    await settle(q);
    expect(calls).toBe(0);
    expect(await jobOf(job.guid)).toMatchObject({ state: 'running', lockedBy: 'other-process' });
    clock.advance(LEASE + 1);
    await settle(q);
    expect(calls).toBe(1);
    expect(await jobOf(job.guid)).toMatchObject({ state: 'succeeded' });
  });

  it('while a job runs, the heartbeat keeps its lease so another worker cannot take it', async () => {
    const q = queue('w1');
    const slow = gate();
    q.register('slow', slow.handler, once);
    await q.start();
    const job = await q.enqueue({ kind: 'slow', resourceGuid: 'r1' });
    await until(() => slow.started.length === 1);
    for (let i = 0; i < 4; i++) {
      clock.advance(LEASE / 2);
      await q.tick();
    }
    expect(await store.claimDue('w2', 1, LEASE, clock.now())).toEqual([]);
    slow.release();
    await q.idle();
    expect(await jobOf(job.guid)).toMatchObject({ state: 'succeeded' });
  });

  it('when its lease was lost, the worker is told and its outcome is not written', async () => {
    const q = queue('w1');
    const slow = gate();
    q.register('slow', slow.handler, once);
    await q.start();
    const job = await q.enqueue({ kind: 'slow', resourceGuid: 'r1' });
    await until(() => slow.started.length === 1);
    clock.advance(LEASE + 1);
    expect((await store.claimDue('w2', 1, LEASE, clock.now())).map((j) => j.guid)).toEqual([
      job.guid,
    ]);
    await q.tick();
    expect(slow.contexts[0]?.signal.aborted).toBe(true);
    slow.release({ kind: 'failed', failure: failureOf('stale') });
    await q.idle();
    expect(await jobOf(job.guid)).toMatchObject({
      state: 'running',
      lockedBy: 'w2',
      failure: null,
    });
  });

  it('publishes each state change of a job to the change feed', async () => {
    const q = queue();
    q.register('k', () => Promise.resolve({ kind: 'succeeded' as const }), once);
    await q.start();
    const job = await q.enqueue({ kind: 'k', resourceGuid: 'r1' });
    await settle(q);
    expect(changes.filter((c) => c.id === job.guid)).toEqual(
      (['pending', 'running', 'succeeded'] as const).map((state, i) => ({
        topic: 'job',
        action: i === 0 ? 'created' : 'updated',
        id: job.guid,
        detail: { kind: 'k', state, resource: 'r1' },
      })),
    );
  });

  it('when started, prunes finished jobs older than the retention', async () => {
    const old = await store.insert({ kind: 'k', resourceGuid: 'r1' }, clock.now());
    await store.insert({ kind: 'k', resourceGuid: 'r1' }, clock.now());
    await db.knex('jobs').update({ state: 'succeeded' });
    clock.advance(RETENTION + 1000);
    const q = queue();
    await q.start();
    await settle(q);
    expect(await store.find(old.guid)).toBeUndefined();
  });

  describe('perform', () => {
    it('records the work as a running job under this worker before it starts, and ends it succeeded', async () => {
      const q = queue('w1');
      const seenDuringWork: Array<Job | undefined> = [];
      const result = await q.perform({ kind: 'op', resourceGuid: 'r1' }, async (job) => {
        seenDuringWork.push(await store.find(job.guid));
        return 42;
      });
      expect(result).toBe(42);
      expect(seenDuringWork[0]).toMatchObject({ state: 'running', lockedBy: 'w1' });
      const [job] = await store.unfinishedFor('r1');
      expect(job).toBeUndefined();
      const rows: Array<{ state: string }> = await db.knex('jobs').where({ resource_guid: 'r1' });
      expect(rows.map((r) => r.state)).toEqual(['succeeded']);
    });

    it('when the work throws, the caller gets the error and no job is left behind', async () => {
      const q = queue('w1');
      await expect(
        q.perform({ kind: 'op', resourceGuid: 'r1' }, () => Promise.reject(new Error('refused'))),
      ).rejects.toThrow('refused');
      expect(await db.knex('jobs').where({ resource_guid: 'r1' })).toEqual([]);
    });

    it('when the performing process dies, another worker resumes the job with its handler once the lease ran out', async () => {
      const dying = queue('dying');
      void dying.perform({ kind: 'op', resourceGuid: 'r1' }, () => new Promise(() => undefined));
      await until(() => changes.some((c) => c.action === 'created'));
      const survivor = queue('survivor');
      const resumed: string[] = [];
      survivor.register(
        'op',
        (job) => {
          resumed.push(job.resourceGuid);
          return Promise.resolve({ kind: 'succeeded' });
        },
        once,
      );
      await survivor.start();
      await settle(survivor);
      expect(resumed).toEqual([]);
      clock.advance(LEASE + 1);
      await settle(survivor);
      expect(resumed).toEqual(['r1']);
    });
  });
});
