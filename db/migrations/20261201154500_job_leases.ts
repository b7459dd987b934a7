import type { Knex } from 'knex';

/**
 * Leased jobs (issue 10 item 3): a claim names its worker and holds until `locked_until`, renewed by
 * a heartbeat, so several processes share one queue and a killed process's jobs resume elsewhere
 * once its lease runs out. The finished state is called `succeeded` from now on.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('jobs', (t) => {
    t.string('locked_by', 128);
    t.string('locked_until', 32);
    t.index(['kind', 'state', 'run_at']);
    t.index(['resource_guid']);
  });
  await knex('jobs').where({ state: 'done' }).update({ state: 'succeeded' });
  // A process before leases left these running with no owner: they go back to the queue.
  await knex('jobs').where({ state: 'running' }).update({ state: 'pending' });
}

export async function down(knex: Knex): Promise<void> {
  await knex('jobs').where({ state: 'succeeded' }).update({ state: 'done' });
  await knex.schema.alterTable('jobs', (t) => {
    t.dropIndex(['kind', 'state', 'run_at']);
    t.dropIndex(['resource_guid']);
    t.dropColumn('locked_by');
    t.dropColumn('locked_until');
  });
}
