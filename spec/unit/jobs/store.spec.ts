import type { Knex } from '../../../src/db/knex';
import { KnexJobStore } from '../../../src/jobs';
import type { JobFailure } from '../../../src/jobs';
import { createJobsDb } from './support';
import type { JobsDb } from './support';

const T0 = new Date('2026-03-01T10:00:00.000Z');
const at = (ms: number): Date => new Date(T0.getTime() + ms);
const LEASE = 30_000;
const failure: JobFailure = { code: 10001, errorCode: 'UnknownError', description: 'boom' };

let db: JobsDb;
let store: KnexJobStore;

beforeEach(async () => {
  db = await createJobsDb();
  store = new KnexJobStore(db.knex);
});
afterEach(async () => {
  await db.close();
});

async function stateOf(knex: Knex, guid: string): Promise<Record<string, unknown>> {
  const row: Record<string, unknown> | undefined = await knex('jobs').where({ guid }).first();
  if (!row) throw new Error(`no job ${guid}`);
  return row;
}

describe('KnexJobStore.claimDue', () => {
  it('when jobs are due, claims them oldest first under a lease naming the worker; future jobs wait', async () => {
    await store.insert({ kind: 'k', resourceGuid: 'late', runAt: at(-1000) }, T0);
    await store.insert({ kind: 'k', resourceGuid: 'early', runAt: at(-5000) }, T0);
    await store.insert({ kind: 'k', resourceGuid: 'future', runAt: at(60_000) }, T0);
    const claimed = await store.claimDue('w1', 10, LEASE, T0);
    expect(claimed.map((j) => j.resourceGuid)).toEqual(['early', 'late']);
    expect(claimed[0]).toMatchObject({ state: 'running', lockedBy: 'w1', lockedUntil: at(LEASE) });
    expect(await store.claimDue('w2', 10, LEASE, T0)).toEqual([]);
  });

  it('when a kind is named, claims only that kind and at most the limit', async () => {
    for (const kind of ['a', 'b', 'a', 'a']) await store.insert({ kind, resourceGuid: kind }, T0);
    const claimed = await store.claimDue('w1', 2, LEASE, T0, 'a');
    expect(claimed.map((j) => j.kind)).toEqual(['a', 'a']);
    expect((await store.claimDue('w1', 10, LEASE, T0, 'b')).map((j) => j.kind)).toEqual(['b']);
  });

  it('when two workers on separate connections to one SQLite file race, every job goes to exactly one', async () => {
    const other = new KnexJobStore(db.open());
    const guids: string[] = [];
    for (let i = 0; i < 40; i++)
      guids.push((await store.insert({ kind: 'k', resourceGuid: `r${i}` }, T0)).guid);
    const a: string[] = [];
    const b: string[] = [];
    for (let round = 0; round < 20; round++) {
      const [fromA, fromB] = await Promise.all([
        store.claimDue('A', 3, LEASE, T0),
        other.claimDue('B', 3, LEASE, T0),
      ]);
      a.push(...fromA.map((j) => j.guid));
      b.push(...fromB.map((j) => j.guid));
    }
    expect([...a, ...b].sort()).toEqual([...guids].sort());
    expect(a.filter((g) => b.includes(g))).toEqual([]);
    for (const guid of a) expect(await stateOf(db.knex, guid)).toMatchObject({ locked_by: 'A' });
    for (const guid of b) expect(await stateOf(db.knex, guid)).toMatchObject({ locked_by: 'B' });
  });

  it('when a running job lease expired, another worker claims it; a live lease is left alone', async () => {
    const job = await store.insert({ kind: 'k', resourceGuid: 'r' }, T0);
    await store.claimDue('dead', 1, LEASE, T0);
    expect(await store.claimDue('w2', 1, LEASE, at(LEASE - 1))).toEqual([]);
    const reclaimed = await store.claimDue('w2', 1, LEASE, at(LEASE + 1));
    expect(reclaimed.map((j) => [j.guid, j.lockedBy])).toEqual([[job.guid, 'w2']]);
  });
});

describe('KnexJobStore leases', () => {
  it('when the worker holds the job, heartbeat extends the lease so nobody else may claim it', async () => {
    const job = await store.insert({ kind: 'k', resourceGuid: 'r' }, T0);
    await store.claimDue('w1', 1, LEASE, T0);
    expect(await store.heartbeat(job.id, 'w1', LEASE, at(20_000))).toBe(true);
    expect(await store.claimDue('w2', 1, LEASE, at(LEASE + 1))).toEqual([]);
    expect((await store.find(job.guid))?.lockedUntil).toEqual(at(20_000 + LEASE));
  });

  it('when another worker took over an expired lease, the first can neither heartbeat nor complete', async () => {
    const job = await store.insert({ kind: 'k', resourceGuid: 'r' }, T0);
    await store.claimDue('w1', 1, LEASE, T0);
    await store.claimDue('w2', 1, LEASE, at(LEASE + 1));
    expect(await store.heartbeat(job.id, 'w1', LEASE, at(LEASE + 2))).toBe(false);
    expect(await store.complete(job.id, 'w1', { state: 'succeeded' }, at(LEASE + 2))).toBe(false);
    expect(await store.find(job.guid)).toMatchObject({ state: 'running', lockedBy: 'w2' });
    expect(await store.complete(job.id, 'w2', { state: 'failed', failure }, at(LEASE + 3))).toBe(
      true,
    );
    expect(await store.find(job.guid)).toMatchObject({
      state: 'failed',
      lockedBy: null,
      lockedUntil: null,
      failure,
    });
  });

  it('when a job is not claimed at all, complete writes nothing', async () => {
    const job = await store.insert({ kind: 'k', resourceGuid: 'r' }, T0);
    expect(await store.complete(job.id, 'w1', { state: 'succeeded' }, T0)).toBe(false);
    expect(await store.find(job.guid)).toMatchObject({ state: 'pending' });
  });

  it('when completed as pending, the job is queued again at its time with its new payload and attempts', async () => {
    const job = await store.insert({ kind: 'k', resourceGuid: 'r', payload: { n: 0 } }, T0);
    await store.claimDue('w1', 1, LEASE, T0);
    await store.complete(
      job.id,
      'w1',
      { state: 'pending', runAt: at(5000), attempts: 2, failure, payload: { n: 1 } },
      T0,
    );
    expect(await store.find(job.guid)).toMatchObject({
      state: 'pending',
      runAt: at(5000),
      attempts: 2,
      failure,
      payload: { n: 1 },
      lockedBy: null,
    });
    expect(await store.claimDue('w1', 1, LEASE, at(4999))).toEqual([]);
    expect(await store.claimDue('w1', 1, LEASE, at(5000))).toHaveLength(1);
  });

  it('releaseExpired puts back only jobs whose lease ran out', async () => {
    const dead = await store.insert({ kind: 'k', resourceGuid: 'dead' }, T0);
    await store.claimDue('dead-worker', 1, LEASE, T0);
    const live = await store.insert({ kind: 'k', resourceGuid: 'live' }, T0);
    await store.claimDue('live-worker', 1, LEASE, at(20_000));
    expect(await store.releaseExpired(at(LEASE + 1))).toBe(1);
    expect(await store.find(dead.guid)).toMatchObject({ state: 'pending', lockedBy: null });
    expect(await store.find(live.guid)).toMatchObject({
      state: 'running',
      lockedBy: 'live-worker',
    });
  });
});

describe('KnexJobStore bookkeeping', () => {
  it('lists the unfinished jobs of a resource, optionally of some kinds', async () => {
    await store.insert({ kind: 'a', resourceGuid: 'r1' }, T0);
    const running = await store.insert({ kind: 'b', resourceGuid: 'r1' }, T0);
    const done = await store.insert({ kind: 'a', resourceGuid: 'r1' }, T0);
    await store.insert({ kind: 'a', resourceGuid: 'r2' }, T0);
    await db.knex('jobs').where({ guid: running.guid }).update({ state: 'running' });
    await db.knex('jobs').where({ guid: done.guid }).update({ state: 'succeeded' });
    expect((await store.unfinishedFor('r1')).map((j) => j.kind)).toEqual(['a', 'b']);
    expect((await store.unfinishedFor('r1', ['b'])).map((j) => j.guid)).toEqual([running.guid]);
    expect(await store.unfinishedFor('r3')).toEqual([]);
  });

  it('prunes finished jobs older than the cut-off but keeps unfinished ones and the newest of each resource', async () => {
    const oldDone = await store.insert({ kind: 'k', resourceGuid: 'r1' }, T0);
    const oldFailed = await store.insert({ kind: 'k', resourceGuid: 'r1' }, T0);
    const newestOfR1 = await store.insert({ kind: 'k', resourceGuid: 'r1' }, T0);
    const oldPending = await store.insert({ kind: 'k', resourceGuid: 'r2' }, T0);
    const onlyOfR3 = await store.insert({ kind: 'k', resourceGuid: 'r3' }, T0);
    const recent = await store.insert({ kind: 'k', resourceGuid: 'r4' }, at(10_000));
    const recentOfR4 = await store.insert({ kind: 'k', resourceGuid: 'r4' }, at(10_000));
    for (const job of [oldDone, newestOfR1, onlyOfR3])
      await db.knex('jobs').where({ guid: job.guid }).update({ state: 'succeeded' });
    for (const job of [oldFailed, recent, recentOfR4])
      await db.knex('jobs').where({ guid: job.guid }).update({ state: 'failed' });
    expect(await store.prune(at(5000))).toBe(2);
    const left: Array<{ guid: string }> = await db.knex('jobs').select('guid');
    expect(left.map((r) => r.guid).sort()).toEqual(
      [newestOfR1, oldPending, onlyOfR3, recent, recentOfR4].map((j) => j.guid).sort(),
    );
  });
});
