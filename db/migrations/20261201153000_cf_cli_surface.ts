import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { addStandardColumns } from './common';

const SCIM_SCOPES = ['scim.read', 'scim.write'];

function withScim(scopesJson: string): string {
  const parsed: unknown = JSON.parse(scopesJson);
  const scopes = Array.isArray(parsed) ? parsed.filter((s) => typeof s === 'string') : [];
  return JSON.stringify([...scopes, ...SCIM_SCOPES.filter((s) => !scopes.includes(s))]);
}

/**
 * What the cf CLI v6 needs beyond the services family: quota definitions (one default, which
 * every organization uses; Wharf enforces no quota), user-provided service instances and the
 * shares of managed instances into other spaces. Admins gain UAA's SCIM scopes, so that
 * `cf create-user` works for the admin an installation already has.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('quota_definitions', (t) => {
    addStandardColumns(knex, t);
    t.string('name', 255).notNullable().unique();
  });
  const now = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
  await knex('quota_definitions').insert({
    guid: randomUUID(),
    name: 'default',
    created_at: now,
    updated_at: now,
  });

  await knex.schema.createTable('user_provided_service_instances', (t) => {
    addStandardColumns(knex, t);
    t.string('name', 255).notNullable();
    t.integer('space_id').notNullable().references('id').inTable('spaces');
    // Sealed with the key ring: credentials are secrets (DESIGN.md).
    t.text('credentials_encrypted').notNullable();
    t.text('syslog_drain_url');
    t.text('route_service_url');
    t.text('tags').notNullable().defaultTo('[]');
    t.unique(['space_id', 'name']);
  });

  await knex.schema.createTable('service_instance_shares', (t) => {
    addStandardColumns(knex, t);
    t.integer('service_instance_id')
      .notNullable()
      .references('id')
      .inTable('service_instances')
      .onDelete('CASCADE');
    t.integer('space_id').notNullable().references('id').inTable('spaces').onDelete('CASCADE');
    // One share per (instance, space): the race-proof guard of two concurrent shares.
    t.unique(['service_instance_id', 'space_id']);
  });

  const admins: { id: number; scopes: string }[] = await knex('users')
    .select('id', 'scopes')
    .where('scopes', 'like', '%cloud_controller.admin"%');
  for (const admin of admins)
    await knex('users')
      .where({ id: admin.id })
      .update({ scopes: withScim(admin.scopes) });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('service_instance_shares');
  await knex.schema.dropTable('user_provided_service_instances');
  await knex.schema.dropTable('quota_definitions');
}
