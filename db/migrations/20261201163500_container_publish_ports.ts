import type { Knex } from 'knex';

/**
 * The host port a service's ServicePort is published on, allocated once and kept, so the LB comes
 * back on it after any recreation (issue 9 item 6). NULL until the reconciler allocates one. The
 * unique index makes allocation race-free between processes of one installation.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('container_services', (t) => {
    t.integer('publish_port');
  });
  await knex.schema.alterTable('container_services', (t) => {
    t.unique(['publish_port'], { indexName: 'container_services_publish_port_unique' });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('container_services', (t) => {
    t.dropUnique(['publish_port'], 'container_services_publish_port_unique');
  });
  await knex.schema.alterTable('container_services', (t) => {
    t.dropColumn('publish_port');
  });
}
