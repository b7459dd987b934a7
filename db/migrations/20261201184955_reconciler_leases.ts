import type { Knex } from 'knex';

/**
 * Leadership leases (issue 10 item 4): one row per role (today `containers`, the reconciler).
 * The process named in `holder` is the leader until `expires_at` (milliseconds since the epoch)
 * unless it renews; another process takes the row over with a conditional update, which both
 * databases apply to one writer at a time.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('leadership_leases', (t) => {
    t.string('name', 64).primary();
    t.string('holder', 255).notNullable();
    t.bigInteger('expires_at').notNullable();
    t.bigInteger('acquired_at').notNullable();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('leadership_leases');
}
