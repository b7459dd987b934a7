import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { addStandardColumns } from './common';

const TABLE = 'service_instance_names';

/**
 * One row per instance name in a space, whoever holds it: a managed instance, a user-provided
 * one, or a managed instance shared into the space. CC keeps all of them in one table with one
 * unique (space, name) index; Wharf's three tables get the same race-proof guarantee from the
 * unique index here (two concurrent creates of one name: the second insert fails). Each row goes
 * with its holder or its space (ON DELETE CASCADE).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable(TABLE, (t) => {
    addStandardColumns(knex, t);
    t.integer('space_id').notNullable().references('id').inTable('spaces').onDelete('CASCADE');
    t.string('name', 255).notNullable();
    t.integer('service_instance_id')
      .unique()
      .references('id')
      .inTable('service_instances')
      .onDelete('CASCADE');
    t.integer('user_provided_service_instance_id')
      .unique()
      .references('id')
      .inTable('user_provided_service_instances')
      .onDelete('CASCADE');
    t.integer('service_instance_share_id')
      .unique()
      .references('id')
      .inTable('service_instance_shares')
      .onDelete('CASCADE');
    t.unique(['space_id', 'name']);
  });
  const holders: { space_id: number; name: string; column: string; id: number }[] = [
    ...(await knex('service_instances').select('space_id', 'name', 'id')).map(
      (r: { space_id: number; name: string; id: number }) => ({
        ...r,
        column: 'service_instance_id',
      }),
    ),
    ...(await knex('user_provided_service_instances').select('space_id', 'name', 'id')).map(
      (r: { space_id: number; name: string; id: number }) => ({
        ...r,
        column: 'user_provided_service_instance_id',
      }),
    ),
    ...(
      await knex('service_instance_shares')
        .join(
          'service_instances',
          'service_instances.id',
          'service_instance_shares.service_instance_id',
        )
        .select(
          'service_instance_shares.space_id',
          'service_instances.name',
          'service_instance_shares.id',
        )
    ).map((r: { space_id: number; name: string; id: number }) => ({
      ...r,
      column: 'service_instance_share_id',
    })),
  ];
  // A clash left by the old read check (a race) keeps the first holder's claim; the other row
  // stays as it is, only without a claim.
  for (const holder of holders) {
    await knex(TABLE)
      .insert({
        guid: randomUUID(),
        space_id: holder.space_id,
        name: holder.name,
        [holder.column]: holder.id,
      })
      .onConflict(['space_id', 'name'])
      .ignore();
  }
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable(TABLE);
}
