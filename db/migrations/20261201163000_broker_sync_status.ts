import type { Knex } from 'knex';

/**
 * Brokers that stay fresh: each broker keeps the outcome of its last catalog sync (shown in the
 * dashboard, `wharf broker list` and the wharf_broker_last_sync_success gauge) and its own request
 * timeout. `schedule_slots` lets exactly one process of an installation run a periodic task per
 * period: whoever inserts (name, slot) first runs it; the primary key turns everyone else away.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('service_brokers', (t) => {
    t.timestamp('last_sync_at', { useTz: true });
    t.boolean('last_sync_ok');
    t.text('last_sync_error');
    t.integer('timeout_seconds');
  });
  await knex.schema.createTable('schedule_slots', (t) => {
    t.string('name', 64).notNullable();
    t.bigInteger('slot').notNullable();
    t.string('claimed_by', 255).notNullable();
    t.timestamp('claimed_at', { useTz: true }).notNullable();
    t.primary(['name', 'slot']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('schedule_slots');
  await knex.schema.alterTable('service_brokers', (t) => {
    t.dropColumn('last_sync_at');
    t.dropColumn('last_sync_ok');
    t.dropColumn('last_sync_error');
    t.dropColumn('timeout_seconds');
  });
}
