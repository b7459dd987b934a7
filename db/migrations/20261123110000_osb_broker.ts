import type { Knex } from 'knex';
import { addStandardColumns } from './common';

/**
 * Wharf's own OSB broker (`/broker/v2`, src/osb): the instances and bindings other platforms
 * created through it, and a log of their operations. OSB ids are chosen by the platform (any
 * characters, osb-api.md §1), so they are text, unique on their own.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('osb_service_instances', (t) => {
    addStandardColumns(knex, t);
    // The unique index is the race-proof guard of two concurrent provisions with one id.
    t.string('instance_id', 1024).notNullable().unique();
    t.string('service_id', 255).notNullable();
    t.string('plan_id', 255).notNullable();
    t.string('service_guid', 36).notNullable();
    t.string('plan_guid', 36).notNullable();
    t.string('organization_guid', 255).notNullable();
    t.string('space_guid', 255).notNullable();
    t.text('context').notNullable().defaultTo('{}');
    // What the platform asked for; sealed, it may hold secrets (Env values).
    t.text('parameters_encrypted').notNullable();
    // `${secret:NAME}` values, generated once per instance, sealed.
    t.text('secrets_encrypted').notNullable();
    t.string('maintenance_info_version', 255);
    t.string('container_tenant', 32).notNullable();
    t.string('container_name', 63).notNullable();
    // provisioning | ready | updating | deprovisioning | failed
    t.string('state', 16).notNullable();
    // The operation in progress; a conditional update on it serialises mutations (OSB §5 blocking).
    t.string('operation_guid', 36);
    // An async update's target, applied when it succeeds (the plan stays the old one until then).
    t.string('pending_plan_id', 255);
    t.string('pending_plan_guid', 36);
    t.text('pending_parameters_encrypted');
    t.string('pending_maintenance_info_version', 255);
  });
  await knex.schema.createTable('osb_service_bindings', (t) => {
    addStandardColumns(knex, t);
    // Binding ids are globally unique (osb-api.md §1): one binding id, one binding.
    t.string('binding_id', 1024).notNullable().unique();
    t.string('instance_id', 1024).notNullable().index();
    t.string('service_id', 255).notNullable();
    t.string('plan_id', 255).notNullable();
    t.string('app_guid', 255);
    t.text('bind_resource').notNullable().defaultTo('{}');
    t.text('parameters').notNullable().defaultTo('{}');
    t.text('credentials_encrypted').notNullable();
  });
  // No foreign keys: finished operations outlive their instance or binding, so that polling after
  // an async deprovision still answers 200 `succeeded` (osb-api.md §6.1, Wharf note).
  await knex.schema.createTable('osb_operations', (t) => {
    addStandardColumns(knex, t);
    t.string('instance_id', 1024).notNullable();
    // NULL for instance operations.
    t.string('binding_id', 1024);
    t.string('type', 16).notNullable();
    t.string('state', 16).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.index(['instance_id', 'binding_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('osb_operations');
  await knex.schema.dropTableIfExists('osb_service_bindings');
  await knex.schema.dropTableIfExists('osb_service_instances');
}
