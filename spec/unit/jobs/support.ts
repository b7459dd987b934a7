import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from '../../../src/db/knex';
import { migrateToLatest } from '../../../src/db/migrate';
import { createTestDatabase } from '../../support/test-database';

/** A migrated test database (see test-database.ts); `open()` gives further connection pools on it. */
export interface JobsDb {
  knex: Knex;
  open(): Knex;
  close(): Promise<void>;
}

export async function createJobsDb(): Promise<JobsDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-jobs-'));
  const database = await createTestDatabase(dir);
  const opened: Knex[] = [];
  const open = (): Knex => {
    const knex = database.connect();
    opened.push(knex);
    return knex;
  };
  const knex = open();
  await migrateToLatest(knex);
  return {
    knex,
    open,
    close: async () => {
      for (const k of opened) await k.destroy();
      await database.drop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
