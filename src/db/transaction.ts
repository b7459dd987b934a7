import type { Knex } from 'knex';

/** Runs `work` in one transaction; the caller builds its stores on the `trx` it is handed. */
export function inTransaction<T>(
  knex: Knex,
  work: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  return knex.transaction(work);
}
