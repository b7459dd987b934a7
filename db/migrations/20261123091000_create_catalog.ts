import type { Knex } from 'knex';
import { addStandardColumns } from './common';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('service_brokers', (t) => {
    addStandardColumns(knex, t);
    t.string('name', 255).notNullable().unique();
    t.string('broker_url', 2048).notNullable();
    t.string('auth_username', 255).notNullable();
    // AES-256-GCM ciphertext with its key id; never the plain password (see src/brokers).
    t.text('auth_password_encrypted').notNullable();
    t.integer('space_id').references('id').inTable('spaces');
  });
  await knex.schema.createTable('services', (t) => {
    addStandardColumns(knex, t);
    t.string('label', 255).notNullable();
    t.text('description').notNullable();
    t.text('long_description');
    t.string('info_url', 2048);
    t.string('documentation_url', 2048);
    t.string('provider', 255);
    t.string('url', 2048);
    t.string('version', 255);
    t.integer('timeout');
    t.boolean('active').notNullable().defaultTo(false);
    t.boolean('bindable').notNullable().defaultTo(true);
    t.text('extra');
    t.string('unique_id', 255).notNullable();
    t.text('tags').notNullable().defaultTo('[]');
    t.text('requires').notNullable().defaultTo('[]');
    t.integer('service_broker_id').references('id').inTable('service_brokers');
    t.boolean('plan_updateable').notNullable().defaultTo(false);
    t.boolean('bindings_retrievable').notNullable().defaultTo(false);
    t.boolean('instances_retrievable').notNullable().defaultTo(false);
    t.boolean('allow_context_updates').notNullable().defaultTo(false);
    t.unique(['service_broker_id', 'unique_id']);
    t.index(['active']);
  });
  // NULLs never collide in a plain unique index, so broker-less entries get partial ones: the
  // race-proof guard behind CF-ServiceLabelTaken.
  await knex.raw(
    'CREATE UNIQUE INDEX services_brokerless_label ON services (label) WHERE service_broker_id IS NULL',
  );
  await knex.raw(
    'CREATE UNIQUE INDEX services_brokerless_unique_id ON services (unique_id) WHERE service_broker_id IS NULL',
  );
  await knex.schema.createTable('service_plans', (t) => {
    addStandardColumns(knex, t);
    t.string('name', 255).notNullable();
    t.text('description').notNullable();
    t.boolean('free').notNullable().defaultTo(true);
    t.boolean('public').notNullable().defaultTo(true);
    t.boolean('active').notNullable().defaultTo(true);
    t.boolean('bindable');
    t.boolean('plan_updateable');
    t.integer('maximum_polling_duration');
    t.text('maintenance_info');
    t.text('schemas');
    t.text('extra');
    t.string('unique_id', 255).notNullable();
    t.integer('service_id').notNullable().references('id').inTable('services');
    t.unique(['service_id', 'name']);
    t.unique(['service_id', 'unique_id']);
    t.index(['active', 'public']);
  });
  await knex.schema.createTable('service_plan_visibilities', (t) => {
    addStandardColumns(knex, t);
    t.integer('service_plan_id').notNullable().references('id').inTable('service_plans');
    t.integer('organization_id')
      .notNullable()
      .references('id')
      .inTable('organizations')
      .onDelete('CASCADE');
    t.unique(['service_plan_id', 'organization_id']);
    t.index(['organization_id']);
  });
  await knex.schema.createTable('service_instances', (t) => {
    addStandardColumns(knex, t);
    t.string('name', 255).notNullable();
    t.integer('space_id').notNullable().references('id').inTable('spaces');
    t.integer('service_plan_id').notNullable().references('id').inTable('service_plans');
    t.index(['service_plan_id']);
  });
  await knex.schema.createTable('service_keys', (t) => {
    addStandardColumns(knex, t);
    t.string('name', 255).notNullable();
    t.integer('service_instance_id').notNullable().references('id').inTable('service_instances');
    t.unique(['service_instance_id', 'name']);
  });
  await knex.schema.createTable('feature_flags', (t) => {
    t.string('name', 255).primary();
    t.boolean('enabled').notNullable();
    t.text('error_message');
    t.timestamp('updated_at', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [
    'feature_flags',
    'service_keys',
    'service_instances',
    'service_plan_visibilities',
    'service_plans',
    'services',
    'service_brokers',
  ]) {
    await knex.schema.dropTable(table);
  }
}
