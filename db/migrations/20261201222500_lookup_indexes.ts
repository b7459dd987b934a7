import type { Knex } from 'knex';

/**
 * Indexes for the `q` lookups clients send most (issue 10 item 7): `q=label:` and `q=unique_id:`
 * on services (the unique indexes cover only broker-less entries, or lead with the broker), plans
 * by `unique_id`, and the case-insensitive `q=name:` on organizations and spaces, which compares
 * `lower(name)` (src/db/apply-filters.ts) and so needs an index on that expression. Without them
 * each lookup scanned the whole table: ~11 ms for one label among 10,000 services.
 */
const PLAIN: readonly (readonly [table: string, column: string])[] = [
  ['services', 'label'],
  ['services', 'unique_id'],
  ['service_plans', 'unique_id'],
];

const LOWER_NAME: readonly string[] = ['organizations', 'spaces'];

export async function up(knex: Knex): Promise<void> {
  for (const [table, column] of PLAIN) {
    await knex.schema.alterTable(table, (t) => {
      t.index([column], `${table}_${column}_lookup`);
    });
  }
  // Both databases accept an index on an expression with this syntax.
  for (const table of LOWER_NAME)
    await knex.raw(`CREATE INDEX ${table}_lower_name ON ${table} (lower(name))`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of LOWER_NAME) await knex.raw(`DROP INDEX ${table}_lower_name`);
  for (const [table, column] of PLAIN) {
    await knex.schema.alterTable(table, (t) => {
      t.dropIndex([column], `${table}_${column}_lookup`);
    });
  }
}
