import type { Knex } from 'knex';

/**
 * Every change to a table that shapes what the catalog shows bumps one counter, through triggers
 * so that no write path (API, broker sync, CLI, another process) can forget it. Catalog reads are
 * cached per generation: one primary-key read tells whether a cached page is still exact.
 */
export const GENERATION_TABLES = [
  'services',
  'service_plans',
  'service_plan_visibilities',
  'service_brokers',
  'organizations',
  'spaces',
  'organization_roles',
  'space_roles',
  'users',
  'feature_flags',
  'service_instances',
] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('catalog_generation', (t) => {
    t.integer('id').primary();
    t.bigInteger('generation').notNullable();
  });
  await knex('catalog_generation').insert({ id: 1, generation: 1 });
  if (knex.client.config.client === 'pg') {
    await knex.raw(`CREATE FUNCTION bump_catalog_generation() RETURNS trigger AS $$
      BEGIN UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1; RETURN NULL; END $$ LANGUAGE plpgsql`);
    for (const table of GENERATION_TABLES) {
      await knex.raw(
        `CREATE TRIGGER ${table}_bump_generation AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_generation()`,
      );
    }
    return;
  }
  for (const table of GENERATION_TABLES) {
    for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
      await knex.raw(
        `CREATE TRIGGER ${table}_${event.toLowerCase()}_bump_generation AFTER ${event} ON ${table} BEGIN UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1; END`,
      );
    }
  }
}

export async function down(knex: Knex): Promise<void> {
  if (knex.client.config.client === 'pg') {
    for (const table of GENERATION_TABLES)
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_bump_generation ON ${table}`);
    await knex.raw('DROP FUNCTION IF EXISTS bump_catalog_generation()');
  } else {
    for (const table of GENERATION_TABLES) {
      for (const event of ['insert', 'update', 'delete'])
        await knex.raw(`DROP TRIGGER IF EXISTS ${table}_${event}_bump_generation`);
    }
  }
  await knex.schema.dropTable('catalog_generation');
}
