import type { Knex } from 'knex';
import { addStandardColumns } from './common';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    // A client-credentials identity's guid is its client id, which may be longer than a uuid.
    t.increments('id').primary();
    t.string('guid', 255).notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // Users of an external UAA are created on first sight, without a username or password here.
    t.string('username', 255).unique();
    t.string('email', 255);
    t.string('origin', 64).notNullable().defaultTo('uaa');
    t.string('password_hash', 255);
    t.text('scopes').notNullable().defaultTo('[]');
  });
  await knex.schema.createTable('oauth_clients', (t) => {
    addStandardColumns(knex, t);
    t.string('client_id', 255).notNullable().unique();
    t.string('secret_hash', 255).notNullable();
    t.text('scopes').notNullable().defaultTo('[]');
  });
  await knex.schema.createTable('organizations', (t) => {
    addStandardColumns(knex, t);
    t.string('name', 255).notNullable().unique();
    t.string('status', 16).notNullable().defaultTo('active');
    t.boolean('billing_enabled').notNullable().defaultTo(false);
  });
  await knex.schema.createTable('spaces', (t) => {
    addStandardColumns(knex, t);
    t.string('name', 255).notNullable();
    t.integer('organization_id').notNullable().references('id').inTable('organizations');
    t.boolean('allow_ssh').notNullable().defaultTo(true);
    t.unique(['organization_id', 'name']);
  });
  await knex.schema.createTable('organization_roles', (t) => {
    t.integer('organization_id')
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('role', 32).notNullable();
    t.primary(['organization_id', 'user_id', 'role']);
    t.index(['user_id', 'role']);
  });
  await knex.schema.createTable('space_roles', (t) => {
    t.integer('space_id').notNullable().references('id').inTable('spaces').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.string('role', 32).notNullable();
    t.primary(['space_id', 'user_id', 'role']);
    t.index(['user_id', 'role']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('space_roles');
  await knex.schema.dropTable('organization_roles');
  await knex.schema.dropTable('spaces');
  await knex.schema.dropTable('organizations');
  await knex.schema.dropTable('oauth_clients');
  await knex.schema.dropTable('users');
}
