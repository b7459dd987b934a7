import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from '../../../src/db/knex';
import { migrateToLatest } from '../../../src/db/migrate';
import { orgsVisibleTo, orgsWithRole, spacesVisibleTo, spacesWithRole } from '../../../src/orgs';
import type { Member } from '../../../src/orgs';
import { createTestDatabase } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';

let dir: string;
let knex: Knex;
let database: TestDatabase;
const ids: Record<string, number> = {};

async function insert(table: string, row: Record<string, unknown>): Promise<number> {
  const [inserted] = await knex(table).insert(row).returning<{ id: number }[]>('id');
  if (inserted === undefined) throw new Error(`no id for ${table}`);
  return inserted.id;
}

const stamp = { created_at: '2026-01-01T00:00:00Z', updated_at: '2026-01-01T00:00:00Z' };

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-membership-'));
  database = await createTestDatabase(dir);
  knex = database.connect();
  await migrateToLatest(knex);
  for (const user of ['alice', 'bob']) ids[user] = await insert('users', { guid: `g-${user}` });
  for (const org of ['o1', 'o2', 'o3']) {
    ids[org] = await insert('organizations', { guid: `g-${org}`, name: org, ...stamp });
  }
  for (const [space, org] of [
    ['s1a', 'o1'],
    ['s1b', 'o1'],
    ['s2a', 'o2'],
    ['s3a', 'o3'],
  ] as const) {
    ids[space] = await insert('spaces', {
      guid: `g-${space}`,
      name: space,
      organization_id: ids[org],
      ...stamp,
    });
  }
  await knex('organization_roles').insert([
    { organization_id: ids.o1, user_id: ids.alice, role: 'users' },
    { organization_id: ids.o2, user_id: ids.alice, role: 'managers' },
    { organization_id: ids.o3, user_id: ids.bob, role: 'auditors' },
  ]);
  await knex('space_roles').insert([
    { space_id: ids.s1a, user_id: ids.alice, role: 'developers' },
    { space_id: ids.s3a, user_id: ids.alice, role: 'auditors' },
    { space_id: ids.s1b, user_id: ids.bob, role: 'managers' },
  ]);
});

afterAll(async () => {
  await knex.destroy();
  await database.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The names behind the ids a piece selects, sorted. */
async function namesOf(piece: Knex.QueryBuilder, table: string): Promise<string[]> {
  const rows: { name: string }[] = await knex(table).select('name').whereIn('id', piece);
  return rows.map((r) => r.name).sort();
}

const ALICE: Member = { userGuid: 'g-alice' };

describe('membership query pieces', () => {
  it.each<[string, () => Knex.QueryBuilder, string, string[]]>([
    [
      'orgs where alice holds any role',
      () => orgsWithRole(knex, ALICE),
      'organizations',
      ['o1', 'o2'],
    ],
    ['orgs alice manages', () => orgsWithRole(knex, ALICE, ['managers']), 'organizations', ['o2']],
    ['orgs alice sees', () => orgsVisibleTo(knex, ALICE), 'organizations', ['o1', 'o2']],
    [
      'spaces where alice holds any role',
      () => spacesWithRole(knex, ALICE),
      'spaces',
      ['s1a', 's3a'],
    ],
    [
      'spaces where alice develops',
      () => spacesWithRole(knex, ALICE, ['developers']),
      'spaces',
      ['s1a'],
    ],
    [
      'spaces alice sees: her roles, plus every space of an org she manages',
      () => spacesVisibleTo(knex, ALICE),
      'spaces',
      ['s1a', 's2a', 's3a'],
    ],
    [
      'spaces bob sees: an org auditor sees no spaces through the org',
      () => spacesVisibleTo(knex, { userGuid: 'g-bob' }),
      'spaces',
      ['s1b'],
    ],
    [
      'spaces of an unknown user',
      () => spacesVisibleTo(knex, { userGuid: 'nobody' }),
      'spaces',
      [],
    ],
    [
      'orgs of an unknown user',
      () => orgsVisibleTo(knex, { userGuid: 'nobody' }),
      'organizations',
      [],
    ],
  ])('%s', async (_name, piece, table, expected) => {
    expect(await namesOf(piece(), table)).toEqual(expected);
  });

  it('answers the same for a member given by row id', async () => {
    const byId: Member = { userId: ids.alice ?? -1 };
    expect(await namesOf(spacesVisibleTo(knex, byId), 'spaces')).toEqual(['s1a', 's2a', 's3a']);
    expect(await namesOf(orgsWithRole(knex, byId, ['users']), 'organizations')).toEqual(['o1']);
  });
});
