import type { Knex } from '../db/knex';
import { databaseUnavailability } from '../db/unavailable';

export type CheckResult = 'ok' | 'read-only' | 'full' | 'locked' | 'unreachable' | 'timeout';

export interface Readiness {
  ready: boolean;
  checks: { database: CheckResult; engine: CheckResult };
}

export interface ReadinessProbes {
  /** Resolves when the database accepts a write. */
  database(): Promise<void>;
  /** Resolves when the container engine answers. */
  engine(): Promise<void>;
}

/**
 * A real write that changes nothing: it takes the write lock, so a read-only, full or locked
 * database fails it (a `select 1` succeeds on all three). knex keeps this one-row table.
 */
export function databaseWriteProbe(knex: Knex): () => Promise<void> {
  return async () => {
    await knex('knex_migrations_lock').update({ is_locked: knex.ref('is_locked') });
  };
}

function withTimeout(work: Promise<void>, ms: number): Promise<CheckResult> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      resolve('timeout');
    }, ms);
    work.then(
      () => {
        clearTimeout(timer);
        resolve('ok');
      },
      (err: unknown) => {
        clearTimeout(timer);
        resolve(databaseUnavailability(err) ?? 'unreachable');
      },
    );
  });
}

/** `/readyz`: ready when the database takes writes and the engine answers (DESIGN.md). */
export async function checkReadiness(
  probes: ReadinessProbes,
  timeoutMs: number,
): Promise<Readiness> {
  const [database, engine] = await Promise.all([
    withTimeout(probes.database(), timeoutMs),
    withTimeout(probes.engine(), timeoutMs),
  ]);
  return { ready: database === 'ok' && engine === 'ok', checks: { database, engine } };
}
