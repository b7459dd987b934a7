import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db, Knex } from '../db/knex';
import { currentTimestamp, fromDbTimestamp } from '../db/timestamps';
import { parseJobFailure, serializeJobFailure } from './job-failure';
import { FINISHED_STATES } from './types';
import type { Job, JobOutcome, JobState, JobStore, NewJob } from './types';

interface JobRow {
  id: number;
  guid: string;
  kind: string;
  resource_guid: string;
  payload: string;
  state: string;
  run_at: string;
  attempts: number;
  last_error: string | null;
  locked_by: string | null;
  locked_until: string | null;
  created_at: unknown;
  updated_at: unknown;
}

const payloadSchema = z.record(z.unknown());
const stateSchema = z.enum(['pending', 'running', 'succeeded', 'failed']);

function toJob(row: JobRow): Job {
  return {
    id: row.id,
    guid: row.guid,
    kind: row.kind,
    resourceGuid: row.resource_guid,
    payload: payloadSchema.parse(JSON.parse(row.payload)),
    state: stateSchema.parse(row.state),
    attempts: row.attempts,
    runAt: new Date(row.run_at),
    lockedBy: row.locked_by,
    lockedUntil: row.locked_until === null ? null : new Date(row.locked_until),
    failure: parseJobFailure(row.last_error),
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}

/** knex's client is untyped; its dialect name tells PostgreSQL from SQLite. */
function isPostgres(db: Db): boolean {
  const client: unknown = db.client;
  return (
    typeof client === 'object' &&
    client !== null &&
    'dialect' in client &&
    client.dialect === 'postgresql'
  );
}

/** Due: pending and its time came, or running under a lease that ran out (its worker died). */
function whereDue(qb: Knex.QueryBuilder, now: Date, kind: string | undefined): Knex.QueryBuilder {
  const at = now.toISOString();
  qb.where((due) => {
    void due
      .where((pending) => void pending.where('state', 'pending').where('run_at', '<=', at))
      .orWhere(
        (expired) =>
          void expired
            .where('state', 'running')
            .where(
              (lease) => void lease.whereNull('locked_until').orWhere('locked_until', '<', at),
            ),
      );
  });
  if (kind !== undefined) void qb.where('kind', kind);
  return qb;
}

/** Persisted jobs (DESIGN.md, src/jobs): they survive a restart of Wharf and resume. */
export class KnexJobStore implements JobStore {
  constructor(private readonly db: Db) {}

  insert(job: NewJob, now: Date): Promise<Job> {
    return this.insertRow(job, now, {});
  }

  insertClaimed(job: NewJob, worker: string, leaseMs: number, now: Date): Promise<Job> {
    return this.insertRow(job, now, {
      state: 'running' satisfies JobState,
      locked_by: worker,
      locked_until: new Date(now.getTime() + leaseMs).toISOString(),
    });
  }

  private async insertRow(job: NewJob, now: Date, claim: Record<string, string>): Promise<Job> {
    const guid = randomUUID();
    const stamp = currentTimestamp(now);
    await this.db('jobs').insert({
      guid,
      kind: job.kind,
      resource_guid: job.resourceGuid,
      payload: JSON.stringify(job.payload ?? {}),
      state: 'pending' satisfies JobState,
      run_at: (job.runAt ?? now).toISOString(),
      attempts: 0,
      created_at: stamp,
      updated_at: stamp,
      ...claim,
    });
    const inserted = await this.find(guid);
    if (!inserted) throw new Error(`job ${guid} vanished after insert`);
    return inserted;
  }

  async find(guid: string): Promise<Job | undefined> {
    const row: JobRow | undefined = await this.db('jobs').where({ guid }).first();
    return row ? toJob(row) : undefined;
  }

  async claimDue(
    worker: string,
    limit: number,
    leaseMs: number,
    now: Date,
    kind?: string,
  ): Promise<Job[]> {
    if (limit <= 0) return [];
    const claim = {
      state: 'running' satisfies JobState,
      locked_by: worker,
      locked_until: new Date(now.getTime() + leaseMs).toISOString(),
      updated_at: currentTimestamp(now),
    };
    if (isPostgres(this.db)) {
      // Row locks skipped by concurrent claimers: each due row goes to exactly one transaction.
      const ids = whereDue(this.db('jobs').select('id'), now, kind)
        .orderBy('run_at')
        .limit(limit)
        .forUpdate()
        .skipLocked();
      const rows: JobRow[] = await this.db('jobs').whereIn('id', ids).update(claim, '*');
      return rows.map(toJob).sort((a, b) => a.runAt.getTime() - b.runAt.getTime());
    }
    // SQLite has no row locks: claim each candidate with an update that re-checks it is still due,
    // so of two claimers only the one whose update changed the row owns it.
    const candidates: JobRow[] = await whereDue(this.db('jobs'), now, kind)
      .orderBy('run_at')
      .limit(limit);
    const claimed: Job[] = [];
    for (const candidate of candidates) {
      const changed = await whereDue(this.db('jobs').where('id', candidate.id), now, kind).update(
        claim,
      );
      if (changed === 0) continue;
      claimed.push(
        toJob({
          ...candidate,
          ...claim,
          created_at: candidate.created_at,
          updated_at: claim.updated_at,
        }),
      );
    }
    return claimed;
  }

  async discard(id: number, worker: string): Promise<boolean> {
    return (await this.db('jobs').where({ id, locked_by: worker, state: 'running' }).delete()) > 0;
  }

  async heartbeat(id: number, worker: string, leaseMs: number, now: Date): Promise<boolean> {
    const changed = await this.db('jobs')
      .where({ id, locked_by: worker, state: 'running' })
      .update({
        locked_until: new Date(now.getTime() + leaseMs).toISOString(),
        updated_at: currentTimestamp(now),
      });
    return changed > 0;
  }

  async complete(id: number, worker: string, outcome: JobOutcome, now: Date): Promise<boolean> {
    const changed = await this.db('jobs')
      .where({ id, locked_by: worker, state: 'running' })
      .update({ ...toOutcomeColumns(outcome), updated_at: currentTimestamp(now) });
    return changed > 0;
  }

  async releaseExpired(now: Date): Promise<number> {
    const at = now.toISOString();
    return this.db('jobs')
      .where('state', 'running')
      .where((lease) => void lease.whereNull('locked_until').orWhere('locked_until', '<', at))
      .update({
        state: 'pending' satisfies JobState,
        locked_by: null,
        locked_until: null,
        updated_at: currentTimestamp(now),
      });
  }

  async unfinishedFor(resourceGuid: string, kinds?: readonly string[]): Promise<Job[]> {
    const query = this.db('jobs')
      .where({ resource_guid: resourceGuid })
      .whereIn('state', ['pending', 'running']);
    if (kinds !== undefined) void query.whereIn('kind', kinds);
    const rows: JobRow[] = await query.orderBy('id');
    return rows.map(toJob);
  }

  async prune(before: Date): Promise<number> {
    const newestOfEach = this.db('jobs').max('id').groupBy('resource_guid');
    return this.db('jobs')
      .whereIn('state', FINISHED_STATES)
      .where('updated_at', '<', currentTimestamp(before))
      .whereNotIn('id', newestOfEach)
      .delete();
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

function toOutcomeColumns(outcome: JobOutcome): Record<string, string | number | null> {
  const released = { locked_by: null, locked_until: null };
  switch (outcome.state) {
    case 'succeeded':
      return { ...released, state: 'succeeded', last_error: null };
    case 'failed':
      return {
        ...released,
        state: 'failed',
        last_error: serializeJobFailure(outcome.failure),
        ...(outcome.attempts !== undefined ? { attempts: outcome.attempts } : {}),
      };
    case 'pending':
      return {
        ...released,
        state: 'pending',
        run_at: outcome.runAt.toISOString(),
        attempts: outcome.attempts,
        ...(outcome.failure !== undefined
          ? { last_error: outcome.failure === null ? null : serializeJobFailure(outcome.failure) }
          : {}),
        ...(outcome.payload !== undefined ? { payload: JSON.stringify(outcome.payload) } : {}),
      };
  }
}

/**
 * A query piece for other modules' stores: the resource guids some pending or running job is
 * working on (e.g. instances whose operation is not orphaned).
 */
export function resourcesWithLiveJobs(db: Db): Knex.QueryBuilder {
  return db('jobs').select('resource_guid').whereIn('state', ['pending', 'running']);
}
