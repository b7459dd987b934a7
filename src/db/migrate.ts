import type { Knex } from 'knex';
import { migrations } from '../../db/migrations';
import type { Migration } from '../../db/migrations';

class ListMigrationSource implements Knex.MigrationSource<readonly [string, Migration]> {
  getMigrations(): Promise<(readonly [string, Migration])[]> {
    return Promise.resolve([...migrations]);
  }
  getMigrationName(migration: readonly [string, Migration]): string {
    return migration[0];
  }
  getMigration(migration: readonly [string, Migration]): Promise<Knex.Migration> {
    return Promise.resolve(migration[1]);
  }
}

export async function migrateToLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({
    migrationSource: new ListMigrationSource(),
  })) as [number, string[]];
  return applied;
}
