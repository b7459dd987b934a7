import type { Knex } from 'knex';

/**
 * Dashboard sessions live in the database, not in process memory, so any Wharf process of an
 * installation can serve the next page and a logout ends the session everywhere. Only a hash of
 * the cookie value is stored: a read of this table cannot be replayed as a cookie. The user's
 * tokens are sealed with the key ring like every other secret at rest.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('ui_sessions', (t) => {
    t.increments('id').primary();
    t.string('session_hash', 64).notNullable().unique();
    t.string('user_guid', 255).notNullable().index();
    t.string('user_name', 255).notNullable();
    t.string('csrf_token', 64).notNullable();
    t.text('access_token_sealed').notNullable();
    t.text('refresh_token_sealed');
    t.timestamp('access_expires_at', { useTz: true }).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('last_seen_at', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable().index();
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('ui_sessions');
}
