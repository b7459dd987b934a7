import type { Knex } from 'knex';
import { addStandardColumns } from './common';

/**
 * Refresh tokens Wharf issued, so that they can rotate (each is used once), a reused one can
 * revoke its whole family (the chain started by one login), and a password change or a deleted
 * user ends them. `guid` is the refresh token's `jti`.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('refresh_tokens', (t) => {
    addStandardColumns(knex, t);
    t.string('family_guid', 36).notNullable().index();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('refresh_tokens');
}
