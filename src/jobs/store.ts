import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/knex';
import { countOf } from '../db/paging';
import { currentTimestamp } from '../db/timestamps';

export interface Job {
  id: number;
  guid: string;
  kind: string;
  resourceGuid: string;
  payload: Record<string, unknown>;
  attempts: number;
  createdAt: string;
}

interface JobRow {
  id: number;
  guid: string;
  kind: string;
  resource_guid: string;
  payload: string;
  attempts: number;
  created_at: string;
}

const payloadSchema = z.record(z.unknown());

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    guid: row.guid,
    kind: row.kind,
    resourceGuid: row.resource_guid,
    payload: payloadSchema.parse(JSON.parse(row.payload)),
    attempts: row.attempts,
    createdAt: row.created_at,
  };
}

/** Persisted jobs: they survive a restart of Wharf and resume (DESIGN.md, src/jobs). */
export class JobsStore {
  constructor(private readonly db: Db) {}

  async enqueue(
    kind: string,
    resourceGuid: string,
    payload: Record<string, unknown>,
    runAt: Date,
  ): Promise<string> {
    const guid = randomUUID();
    const now = currentTimestamp();
    await this.db('jobs').insert({
      guid,
      kind,
      resource_guid: resourceGuid,
      payload: JSON.stringify(payload),
      state: 'pending',
      run_at: runAt.toISOString(),
      attempts: 0,
      created_at: now,
      updated_at: now,
    });
    return guid;
  }

  async find(
    guid: string,
  ): Promise<(Job & { state: string; lastError: string | null }) | undefined> {
    const row: (JobRow & { state: string; last_error: string | null }) | undefined = await this.db(
      'jobs',
    )
      .where({ guid })
      .first();
    return row ? { ...toJob(row), state: row.state, lastError: row.last_error } : undefined;
  }

  async due(now: Date, limit: number): Promise<Job[]> {
    const rows: JobRow[] = await this.db('jobs')
      .where('state', 'pending')
      .where('run_at', '<=', now.toISOString())
      .orderBy('run_at')
      .limit(limit);
    return rows.map(toJob);
  }

  /** Takes a job for this process; false when another runner took it first. */
  async claim(id: number): Promise<boolean> {
    return (
      (await this.db('jobs')
        .where({ id, state: 'pending' })
        .update({ state: 'running', updated_at: currentTimestamp() })) > 0
    );
  }

  async reschedule(
    id: number,
    runAt: Date,
    attempts: number,
    lastError: string | null,
    payload?: Record<string, unknown>,
  ): Promise<void> {
    await this.db('jobs')
      .where({ id })
      .update({
        state: 'pending',
        run_at: runAt.toISOString(),
        attempts,
        last_error: lastError,
        ...(payload ? { payload: JSON.stringify(payload) } : {}),
        updated_at: currentTimestamp(),
      });
  }

  async finish(id: number, state: 'done' | 'failed', lastError: string | null): Promise<void> {
    await this.db('jobs')
      .where({ id })
      .update({ state, last_error: lastError, updated_at: currentTimestamp() });
  }

  /** Jobs a stopped process left running go back to the queue at start-up. */
  async releaseRunning(): Promise<number> {
    return this.db('jobs')
      .where('state', 'running')
      .update({ state: 'pending', updated_at: currentTimestamp() });
  }

  async pendingFor(resourceGuid: string): Promise<number> {
    const row: unknown = await this.db('jobs')
      .where({ resource_guid: resourceGuid })
      .whereIn('state', ['pending', 'running'])
      .count({ n: '*' })
      .first();
    return countOf(row);
  }

  /** Jobs per kind and state, for the wharf_jobs gauge. */
  async countsByKindAndState(): Promise<{ kind: string; state: string; count: number }[]> {
    const rows: { kind: string; state: string; count: string | number }[] = await this.db('jobs')
      .select('kind', 'state')
      .count({ count: '*' })
      .groupBy('kind', 'state');
    return rows.map((r) => ({ kind: r.kind, state: r.state, count: Number(r.count) }));
  }
}
