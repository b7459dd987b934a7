import type { Knex } from 'knex';

/** Every table has an integer id, a unique guid, created_at and updated_at (DESIGN.md). */
export function addStandardColumns(knex: Knex, t: Knex.CreateTableBuilder): void {
  t.increments('id').primary();
  t.string('guid', 36).notNullable().unique();
  t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
}
