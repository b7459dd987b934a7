import type { Knex } from 'knex';
import { addStandardColumns } from './common';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('container_services', (t) => {
    addStandardColumns(knex, t);
    t.string('tenant', 32).notNullable();
    t.string('name', 63).notNullable();
    // The desired ServiceSpec as JSON (parsed with zod on read). Holds SSLCert for httpsTerm.
    t.text('spec').notNullable();
    // NULL when no FIP is attached; the unique index makes "address taken" race-proof.
    t.string('fip', 64).unique();
    t.string('status', 16).notNullable();
    t.text('message').notNullable();
    // Bumped on every accepted update, so the reconciler can tell a user change from a repair.
    t.integer('generation').notNullable().defaultTo(1);
    // Hyper's Created: RFC 3339 with fraction, kept verbatim (created_at loses the fraction in SQLite).
    t.string('created', 40).notNullable();
    // The name is the key of every other path, so it is unique within a tenant.
    t.unique(['tenant', 'name']);
  });
  // Replicas of a service deleted with ?keep=true keep their labels; this list stops the sweeper.
  await knex.schema.createTable('container_released', (t) => {
    t.string('container_id', 64).primary();
    t.string('service_guid', 36).notNullable();
    t.timestamp('released_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('container_released');
  await knex.schema.dropTableIfExists('container_services');
}
