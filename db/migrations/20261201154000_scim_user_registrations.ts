import type { Knex } from 'knex';
import { addStandardColumns } from './common';

/**
 * Users created through Wharf's UAA (`POST /Users`) that CC has not registered yet. Wharf keeps
 * one row per person for its UAA and CC sides; this remembers that `cf create-user`'s following
 * `POST /v2/users {"guid"}` is the first registration (201), not a taken guid (400).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('scim_user_registrations', (t) => {
    addStandardColumns(knex, t);
    t.integer('user_id')
      .notNullable()
      .unique()
      .references('id')
      .inTable('users')
      .onDelete('CASCADE');
    t.boolean('registered_in_cc').notNullable().defaultTo(false);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('scim_user_registrations');
}
