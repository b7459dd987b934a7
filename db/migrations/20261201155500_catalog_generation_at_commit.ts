import type { Knex } from 'knex';
import { GENERATION_TABLES } from './20261123092000_catalog_generation';

/**
 * The catalog generation without a hot row (issue 10 item 5).
 *
 * PostgreSQL: the first migration bumped `catalog_generation` from a statement trigger, so every
 * catalog write held that one row's lock until its transaction ended, and a slow transaction in
 * one process stalled every catalog write in the others. Now each write only queues a deferred
 * row trigger; at commit the first of them bumps the row once for the whole transaction (a
 * transaction-local setting remembers it), so the lock lasts from that bump to the commit, a few
 * microseconds. The bump still commits atomically with the data: a reader that sees the new
 * generation sees the change, so a page cached under a generation is never older than it.
 *
 * Both databases: instance writes no longer count. The only cached catalog page that reads
 * `service_instances` is `GET /v2/service_plans?q=service_instance_guid:…`, which depends on an
 * instance's guid and plan alone; last_operation updates, renames and polls leave both alone.
 */
const INSTANCE_TABLE = 'service_instances';
const CATALOG_TABLES = GENERATION_TABLES.filter((t) => t !== INSTANCE_TABLE);

function isPg(knex: Knex): boolean {
  return knex.client.config.client === 'pg';
}

export async function up(knex: Knex): Promise<void> {
  if (isPg(knex)) {
    for (const table of GENERATION_TABLES)
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_bump_generation ON ${table}`);
    await knex.raw('DROP FUNCTION IF EXISTS bump_catalog_generation()');
    await knex.raw(`CREATE FUNCTION bump_catalog_generation_once() RETURNS trigger AS $$
      BEGIN
        IF current_setting('wharf.catalog_generation_bumped', true) IS DISTINCT FROM 'yes' THEN
          UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1;
          PERFORM set_config('wharf.catalog_generation_bumped', 'yes', true);
        END IF;
        RETURN NULL;
      END $$ LANGUAGE plpgsql`);
    const atCommit = 'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW';
    for (const table of CATALOG_TABLES) {
      await knex.raw(
        `CREATE CONSTRAINT TRIGGER ${table}_generation_at_commit AFTER INSERT OR UPDATE OR DELETE ON ${table} ${atCommit} EXECUTE FUNCTION bump_catalog_generation_once()`,
      );
    }
    await knex.raw(
      `CREATE CONSTRAINT TRIGGER ${INSTANCE_TABLE}_generation_at_commit AFTER INSERT OR DELETE ON ${INSTANCE_TABLE} ${atCommit} EXECUTE FUNCTION bump_catalog_generation_once()`,
    );
    await knex.raw(
      `CREATE CONSTRAINT TRIGGER ${INSTANCE_TABLE}_plan_generation_at_commit AFTER UPDATE OF guid, service_plan_id ON ${INSTANCE_TABLE} ${atCommit} WHEN (OLD.guid IS DISTINCT FROM NEW.guid OR OLD.service_plan_id IS DISTINCT FROM NEW.service_plan_id) EXECUTE FUNCTION bump_catalog_generation_once()`,
    );
    return;
  }
  // SQLite has one writer at a time anyway: its triggers stay per statement, minus instance noise.
  await knex.raw(`DROP TRIGGER IF EXISTS ${INSTANCE_TABLE}_update_bump_generation`);
  await knex.raw(
    `CREATE TRIGGER ${INSTANCE_TABLE}_plan_update_bump_generation AFTER UPDATE OF guid, service_plan_id ON ${INSTANCE_TABLE} WHEN OLD.guid IS NOT NEW.guid OR OLD.service_plan_id IS NOT NEW.service_plan_id BEGIN UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1; END`,
  );
}

export async function down(knex: Knex): Promise<void> {
  if (isPg(knex)) {
    for (const table of CATALOG_TABLES)
      await knex.raw(`DROP TRIGGER IF EXISTS ${table}_generation_at_commit ON ${table}`);
    await knex.raw(
      `DROP TRIGGER IF EXISTS ${INSTANCE_TABLE}_generation_at_commit ON ${INSTANCE_TABLE}`,
    );
    await knex.raw(
      `DROP TRIGGER IF EXISTS ${INSTANCE_TABLE}_plan_generation_at_commit ON ${INSTANCE_TABLE}`,
    );
    await knex.raw('DROP FUNCTION IF EXISTS bump_catalog_generation_once()');
    await knex.raw(`CREATE FUNCTION bump_catalog_generation() RETURNS trigger AS $$
      BEGIN UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1; RETURN NULL; END $$ LANGUAGE plpgsql`);
    for (const table of GENERATION_TABLES) {
      await knex.raw(
        `CREATE TRIGGER ${table}_bump_generation AFTER INSERT OR UPDATE OR DELETE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION bump_catalog_generation()`,
      );
    }
    return;
  }
  await knex.raw(`DROP TRIGGER IF EXISTS ${INSTANCE_TABLE}_plan_update_bump_generation`);
  await knex.raw(
    `CREATE TRIGGER ${INSTANCE_TABLE}_update_bump_generation AFTER UPDATE ON ${INSTANCE_TABLE} BEGIN UPDATE catalog_generation SET generation = generation + 1 WHERE id = 1; END`,
  );
}
