import type { Knex } from 'knex';

/**
 * What the reconciler knows about the change being converged, kept across restarts and leader
 * changes (issue 9 item 5, issue 16): when the change was accepted (its start timeout counts from
 * there) and how many replicas of its image exited so far (three exits fail it). Both are reset
 * by every write that stores a new generation. Rows from before get their `updated_at` as start:
 * a stable value that every process reads alike, where a per-process "first seen" would restart
 * the timeout at every restart.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('container_services', (t) => {
    t.timestamp('change_started_at', { useTz: true });
    t.integer('change_exits').notNullable().defaultTo(0);
  });
  await knex('container_services').update({ change_started_at: knex.ref('updated_at') });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('container_services', (t) => {
    t.dropColumn('change_exits');
    t.dropColumn('change_started_at');
  });
}
