import type { Knex } from 'knex';

/**
 * The generation `change_started_at` and `change_exits` belong to. A Wharf from before them,
 * still running beside a newer one during an upgrade, stores new generations without touching
 * them: the tag tells the reconciler those values are another change's (it then starts the
 * timeout when it first sees the change) rather than failing a fresh change at once on an old
 * start or exit count. Existing rows are tagged with their generation: their backfilled start is
 * the best known one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('container_services', (t) => {
    t.integer('change_generation');
  });
  await knex('container_services').update({ change_generation: knex.ref('generation') });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('container_services', (t) => {
    t.dropColumn('change_generation');
  });
}
