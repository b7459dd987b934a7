import type { Knex } from 'knex';

/**
 * One row naming this installation. An installation is one database (several processes may share
 * it), so its id lives here and not in the data dir. The primary key is pinned to 1: the table can
 * never hold two rows, and the first writer of two racing processes wins (insert-or-ignore).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('installation', (t) => {
    t.integer('id').primary();
    t.string('installation_id', 64).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('installation');
}
