import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from '../../../src/db/knex';
import { migrateToLatest } from '../../../src/db/migrate';
import { checkInstallationId, resolveInstallationId } from '../../../src/installation';
import { createTestDatabase } from '../../support/test-database';
import type { TestDatabase } from '../../support/test-database';

describe('checkInstallationId', () => {
  it.each([
    ['a uuid', '0f6c1c1e-7d7a-4b9e-9a55-1b2c3d4e5f60', true],
    ['a readable name', 'staging.eu-1_a', true],
    ['one character', 'x', true],
    ['64 characters', 'a'.repeat(64), true],
    ['65 characters', 'a'.repeat(65), false],
    ['empty', '', false],
    ['the legacy owner label of older Wharfs', 'wharf', false],
    ['a leading dash', '-prod', false],
    ['an equals sign (would break label filters)', 'a=b', false],
    ['a comma', 'a,b', false],
    ['a space', 'a b', false],
    ['a newline', 'prod\n', false],
  ])('%s (%j) → ok=%s', (_name, value, ok) => {
    expect(checkInstallationId(value).ok).toBe(ok);
  });
});

describe('resolveInstallationId', () => {
  let dir: string;
  let database: TestDatabase;
  const opened: Knex[] = [];
  const open = async (): Promise<Knex> => {
    const knex = database.connect();
    opened.push(knex);
    await migrateToLatest(knex);
    return knex;
  };

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-installation-'));
    database = await createTestDatabase(dir);
  });
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((k) => k.destroy()));
    await database.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when first started, then creates a random id and returns the same one ever after', async () => {
    const knex = await open();
    const first = await resolveInstallationId(knex, undefined);
    expect(first).toMatch(/^[0-9a-f-]{36}$/);
    expect(await resolveInstallationId(knex, undefined)).toBe(first);
    const reopened = await open();
    expect(await resolveInstallationId(reopened, undefined)).toBe(first);
  });

  it('when two processes start at once on one database, then both get the same id', async () => {
    const [a, b] = [await open(), await open()];
    const ids = await Promise.all([
      resolveInstallationId(a, undefined),
      resolveInstallationId(b, undefined),
      resolveInstallationId(a, undefined),
      resolveInstallationId(b, undefined),
    ]);
    expect(new Set(ids).size).toBe(1);
    expect(Number((await a('installation').count({ n: '*' }).first())?.n)).toBe(1);
  });

  it('when WHARF_INSTALLATION_ID is set on first start, then that id is stored', async () => {
    const knex = await open();
    expect(await resolveInstallationId(knex, 'staging')).toBe('staging');
    expect(await resolveInstallationId(knex, undefined)).toBe('staging');
    expect(await resolveInstallationId(knex, 'staging')).toBe('staging');
  });

  it('when WHARF_INSTALLATION_ID disagrees with the stored id, then refuses and keeps the stored one', async () => {
    const knex = await open();
    const stored = await resolveInstallationId(knex, undefined);
    await expect(resolveInstallationId(knex, 'production')).rejects.toThrow(
      `WHARF_INSTALLATION_ID is production but this database belongs to installation ${stored}`,
    );
    expect(await resolveInstallationId(knex, undefined)).toBe(stored);
  });

  it('when WHARF_INSTALLATION_ID is the legacy label, then refuses and stores nothing', async () => {
    const knex = await open();
    await expect(resolveInstallationId(knex, 'wharf')).rejects.toThrow(
      'Invalid WHARF_INSTALLATION_ID: "wharf" is the label of older Wharfs and is reserved',
    );
    expect(await knex('installation').select('*')).toEqual([]);
  });
});
