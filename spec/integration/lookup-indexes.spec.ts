import * as lookupIndexes from '../../db/migrations/20261201222500_lookup_indexes';
import { testDatabaseKind } from '../support/test-database';
import { startTestWharf } from '../support/test-wharf';
import type { TestWharf } from '../support/test-wharf';

/** Issue 10 item 7: the `q` lookups clients send most are index lookups on both databases. */
const INDEXES = [
  'services_label_lookup',
  'services_unique_id_lookup',
  'service_plans_unique_id_lookup',
  'organizations_lower_name',
  'spaces_lower_name',
];

let w: TestWharf;

beforeAll(async () => {
  w = await startTestWharf();
});
afterAll(async () => {
  await w.stop();
});

async function indexNames(): Promise<string[]> {
  if (testDatabaseKind() === 'postgres') {
    const result: { rows: { indexname: string }[] } = await w.knex.raw(
      'SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()',
    );
    return result.rows.map((r) => r.indexname);
  }
  const rows: { name: string }[] = await w
    .knex('sqlite_master')
    .where({ type: 'index' })
    .select('name');
  return rows.map((r) => r.name);
}

/** The plan the database picks for a statement, as text (SQLite's EXPLAIN QUERY PLAN). */
async function sqlitePlan(sql: string, binding: string): Promise<string> {
  const rows: { detail: string }[] = await w.knex.raw(`EXPLAIN QUERY PLAN ${sql}`, [binding]);
  return rows.map((r) => r.detail).join('\n');
}

describe('lookup indexes', () => {
  it('exist after migrating', async () => {
    expect(await indexNames()).toEqual(expect.arrayContaining(INDEXES));
  });

  it('go with their migration down and come back with it up', async () => {
    await lookupIndexes.down(w.knex);
    const without = await indexNames();
    for (const name of INDEXES) expect(without).not.toContain(name);
    await lookupIndexes.up(w.knex);
    expect(await indexNames()).toEqual(expect.arrayContaining(INDEXES));
  });

  const sqliteOnly = testDatabaseKind() === 'postgres' ? it.skip : it;
  // PostgreSQL's planner prefers a scan of a near-empty table, so only SQLite's choice is fixed.
  sqliteOnly.each([
    ['q=label:', 'SELECT * FROM services WHERE services.label = ?', 'services_label_lookup'],
    [
      'q=unique_id: on plans',
      'SELECT * FROM service_plans WHERE service_plans.unique_id = ?',
      'service_plans_unique_id_lookup',
    ],
    [
      'q=name: on organizations, any case',
      'SELECT * FROM organizations WHERE lower(`organizations`.`name`) = lower(?)',
      'organizations_lower_name',
    ],
  ])('serve %s without scanning the table', async (_name, sql, index) => {
    expect(await sqlitePlan(sql, 'x')).toContain(`USING INDEX ${index}`);
  });
});
