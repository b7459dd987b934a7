import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from '../../../src/db/knex';
import { migrateToLatest } from '../../../src/db/migrate';
import { JobRunner } from '../../../src/jobs/runner';
import type { JobHandler, JobResult } from '../../../src/jobs/runner';
import { JobsStore } from '../../../src/jobs/store';
import type { Job } from '../../../src/jobs/store';
import { createLogger } from '../../../src/logger';
import { createTestDatabase } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';

const TICK_MS = 10;
const logger = createLogger('silent');

let dir: string;
let database: TestDatabase;
let knex: Knex;
let store: JobsStore;
const runners: JobRunner[] = [];

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-jobs-'));
  database = await createTestDatabase(dir);
  knex = database.connect();
  await migrateToLatest(knex);
  store = new JobsStore(knex);
});
afterEach(async () => {
  for (const runner of runners.splice(0)) await runner.stop();
  await knex.destroy();
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

function runner(): JobRunner {
  const r = new JobRunner(store, logger, TICK_MS);
  runners.push(r);
  return r;
}

interface JobRow {
  state: string;
  attempts: number;
  last_error: string | null;
  payload: string;
  run_at: string;
}

async function row(guid: string): Promise<JobRow> {
  const found: JobRow | undefined = await knex('jobs').where({ guid }).first();
  if (!found) throw new Error(`no job ${guid}`);
  return found;
}

async function until(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

const finished = (guid: string) => async (): Promise<boolean> =>
  ['done', 'failed'].includes((await row(guid)).state);

describe('JobRunner', () => {
  it.each<[string, JobResult, Partial<JobRow>]>([
    ['done', { kind: 'done' }, { state: 'done', attempts: 0, last_error: null }],
    [
      'failed',
      { kind: 'failed', reason: 'gave up' },
      { state: 'failed', attempts: 0, last_error: 'gave up' },
    ],
  ])('when the handler answers %s, the job ends that way', async (_label, result, expected) => {
    const r = runner();
    r.register('k', () => Promise.resolve(result), { maxAttempts: 3, delayMs: () => 10 });
    const guid = await store.enqueue('k', 'res-1', {}, new Date());
    await r.start();
    await until(finished(guid));
    expect(await row(guid)).toMatchObject(expected);
  });

  it('when the handler asks to run again, the job runs again at that time with the new payload and its attempts untouched', async () => {
    const r = runner();
    const seen: Array<{ payload: Record<string, unknown>; at: number }> = [];
    r.register(
      'poll',
      (job: Job) => {
        seen.push({ payload: job.payload, at: Date.now() });
        const n = Number(job.payload.n ?? 0);
        return Promise.resolve(
          n < 2
            ? { kind: 'again', at: new Date(Date.now() + 100), payload: { n: n + 1 } }
            : { kind: 'done' },
        );
      },
      { maxAttempts: 1, delayMs: () => 10 },
    );
    const guid = await store.enqueue('poll', 'res-1', { n: 0 }, new Date());
    await r.start();
    await until(finished(guid));
    expect(seen.map((s) => s.payload)).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }]);
    expect(seen[1]!.at - seen[0]!.at).toBeGreaterThanOrEqual(95);
    expect(seen[2]!.at - seen[1]!.at).toBeGreaterThanOrEqual(95);
    expect(await row(guid)).toMatchObject({ state: 'done', attempts: 0, payload: '{"n":2}' });
  });

  it('when the handler throws, retries with the back-off of its kind, then fails for good after maxAttempts', async () => {
    const r = runner();
    const at: number[] = [];
    r.register(
      'flaky',
      () => {
        at.push(Date.now());
        return Promise.reject(new Error(`attempt ${at.length} failed`));
      },
      { maxAttempts: 4, delayMs: (n) => 20 * 2 ** n },
    );
    const guid = await store.enqueue('flaky', 'res-1', {}, new Date());
    await r.start();
    await until(finished(guid));
    expect(at).toHaveLength(4);
    const gaps = at.slice(1).map((t, i) => t - at[i]!);
    // delayMs(1..3) = 40, 80, 160 ms
    expect(gaps[0]).toBeGreaterThanOrEqual(38);
    expect(gaps[1]).toBeGreaterThanOrEqual(78);
    expect(gaps[2]).toBeGreaterThanOrEqual(158);
    expect(await row(guid)).toMatchObject({ state: 'failed', last_error: 'attempt 4 failed' });
  });

  it('when a throwing handler then succeeds, the job is done and keeps the count of failed attempts', async () => {
    const r = runner();
    let calls = 0;
    r.register(
      'once-flaky',
      () =>
        ++calls === 1 ? Promise.reject(new Error('first')) : Promise.resolve({ kind: 'done' }),
      { maxAttempts: 3, delayMs: () => 10 },
    );
    const guid = await store.enqueue('once-flaky', 'res-1', {}, new Date());
    await r.start();
    await until(finished(guid));
    expect(await row(guid)).toMatchObject({ state: 'done', attempts: 1 });
  });

  it('when no handler is registered for the kind, fails the job naming the kind', async () => {
    const r = runner();
    const guid = await store.enqueue('unknown.kind', 'res-1', {}, new Date());
    await r.start();
    await until(finished(guid));
    expect(await row(guid)).toMatchObject({
      state: 'failed',
      last_error: 'no handler for unknown.kind',
    });
  });

  it('when a job is not due yet, it waits for its time', async () => {
    const r = runner();
    let ranAt = 0;
    r.register(
      'later',
      () => {
        ranAt = Date.now();
        return Promise.resolve({ kind: 'done' });
      },
      { maxAttempts: 1, delayMs: () => 0 },
    );
    const start = Date.now();
    const guid = await store.enqueue('later', 'res-1', {}, new Date(start + 150));
    await r.start();
    await until(finished(guid));
    expect(ranAt - start).toBeGreaterThanOrEqual(145);
  });

  it('when never started, runs nothing, even when kicked', async () => {
    const r = runner();
    let calls = 0;
    r.register(
      'k',
      () => {
        calls++;
        return Promise.resolve({ kind: 'done' });
      },
      { maxAttempts: 1, delayMs: () => 0 },
    );
    const guid = await store.enqueue('k', 'res-1', {}, new Date());
    r.kick();
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(calls).toBe(0);
    expect(await row(guid)).toMatchObject({ state: 'pending' });
  });

  it('when stopped, waits for the job in flight and runs nothing more', async () => {
    const r = runner();
    let release: () => void = () => undefined;
    const started: string[] = [];
    const handler: JobHandler = (job) => {
      started.push(job.resourceGuid);
      return new Promise((resolve) => {
        release = () => {
          resolve({ kind: 'done' });
        };
      });
    };
    r.register('slow', handler, { maxAttempts: 1, delayMs: () => 0 });
    const first = await store.enqueue('slow', 'first', {}, new Date());
    await r.start();
    await until(() => Promise.resolve(started.length === 1));
    const second = await store.enqueue('slow', 'second', {}, new Date());
    let stopped = false;
    const stopping = r.stop().then(() => {
      stopped = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(stopped).toBe(false);
    release();
    await stopping;
    expect(await row(first)).toMatchObject({ state: 'done' });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(started).toEqual(['first']);
    expect(await row(second)).toMatchObject({ state: 'pending' });
  });

  it('when started, puts back jobs a stopped process left running and runs them', async () => {
    const guid = await store.enqueue('k', 'res-1', {}, new Date());
    await knex('jobs').where({ guid }).update({ state: 'running' });
    const r = runner();
    let calls = 0;
    r.register(
      'k',
      () => {
        calls++;
        return Promise.resolve({ kind: 'done' });
      },
      { maxAttempts: 1, delayMs: () => 0 },
    );
    await r.start();
    await until(finished(guid));
    expect(calls).toBe(1);
  });

  it('when two runners share the jobs table, each due job runs once', async () => {
    const calls = new Map<string, number>();
    const handler: JobHandler = async (job) => {
      calls.set(job.resourceGuid, (calls.get(job.resourceGuid) ?? 0) + 1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { kind: 'done' };
    };
    const guids = [];
    for (let i = 0; i < 10; i++)
      guids.push(await store.enqueue('shared', `res-${i}`, {}, new Date()));
    const a = runner();
    const b = runner();
    a.register('shared', handler, { maxAttempts: 1, delayMs: () => 0 });
    b.register('shared', handler, { maxAttempts: 1, delayMs: () => 0 });
    await Promise.all([a.start(), b.start()]);
    for (const guid of guids) await until(finished(guid));
    expect([...calls.values()]).toEqual(Array.from({ length: 10 }, () => 1));
  });
});

describe('JobsStore', () => {
  it('counts the pending and running jobs of a resource', async () => {
    await store.enqueue('k', 'res-1', {}, new Date());
    const running = await store.enqueue('k', 'res-1', {}, new Date());
    const done = await store.enqueue('k', 'res-1', {}, new Date());
    await store.enqueue('k', 'res-2', {}, new Date());
    await knex('jobs').where({ guid: running }).update({ state: 'running' });
    await knex('jobs').where({ guid: done }).update({ state: 'done' });
    expect(await store.pendingFor('res-1')).toBe(2);
    expect(await store.pendingFor('res-3')).toBe(0);
  });

  it('lists due jobs oldest first and claims each once', async () => {
    const now = Date.now();
    await store.enqueue('k', 'late', {}, new Date(now - 1000));
    await store.enqueue('k', 'early', {}, new Date(now - 5000));
    await store.enqueue('k', 'future', {}, new Date(now + 60_000));
    const due = await store.due(new Date(now), 10);
    expect(due.map((j) => j.resourceGuid)).toEqual(['early', 'late']);
    expect(await store.claim(due[0]!.id)).toBe(true);
    expect(await store.claim(due[0]!.id)).toBe(false);
  });
});
