import type { Knex } from 'knex';
import { addStandardColumns } from './common';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('service_instances', (t) => {
    t.string('dashboard_url', 2048);
    t.text('tags').notNullable().defaultTo('[]');
    // What the user asked for (CC returns it from /parameters); sealed: it may hold secrets.
    t.text('parameters_encrypted');
    t.text('maintenance_info');
    t.string('last_operation_type', 16);
    t.string('last_operation_state', 16);
    t.text('last_operation_description');
    t.string('last_operation_created_at', 32);
    t.string('last_operation_updated_at', 32);
    // The broker's `operation` token, passed back to last_operation (OSB §5).
    t.text('broker_operation');
    // A plan change proposed by an async update, applied when it succeeds.
    t.integer('proposed_service_plan_id');
    // Container-backed instances: secrets generated once (`${secret:NAME}`), sealed.
    t.text('secrets_encrypted');
    t.unique(['space_id', 'name']);
  });
  await knex.schema.alterTable('service_keys', (t) => {
    t.text('credentials_encrypted').notNullable().defaultTo('');
    t.text('parameters_encrypted');
  });
  await knex.schema.createTable('jobs', (t) => {
    addStandardColumns(knex, t);
    t.string('kind', 64).notNullable();
    t.string('resource_guid', 64).notNullable();
    t.text('payload').notNullable().defaultTo('{}');
    t.string('state', 16).notNullable().defaultTo('pending');
    t.string('run_at', 32).notNullable();
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.index(['state', 'run_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('jobs');
  await knex.schema.alterTable('service_keys', (t) => {
    t.dropColumn('credentials_encrypted');
    t.dropColumn('parameters_encrypted');
  });
  await knex.schema.alterTable('service_instances', (t) => {
    t.dropUnique(['space_id', 'name']);
    for (const c of [
      'dashboard_url',
      'tags',
      'parameters_encrypted',
      'maintenance_info',
      'last_operation_type',
      'last_operation_state',
      'last_operation_description',
      'last_operation_created_at',
      'last_operation_updated_at',
      'broker_operation',
      'proposed_service_plan_id',
      'secrets_encrypted',
    ])
      t.dropColumn(c);
  });
}
