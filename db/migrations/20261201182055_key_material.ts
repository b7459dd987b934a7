import type { Knex } from 'knex';

/**
 * Key material shared by every process of an installation (issue 10 item 2): the token signing
 * keys, the encryption key ring and the generated broker password, each sealed under
 * WHARF_MASTER_KEY. The primary key on `name` makes first creation race-free: processes starting
 * at once all insert-or-ignore, then all read the one row that won.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('key_material', (t) => {
    t.string('name', 64).primary();
    t.text('sealed').notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('key_material');
}
