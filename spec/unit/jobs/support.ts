import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createKnex } from '../../../src/db/knex';
import type { Knex } from '../../../src/db/knex';
import { migrateToLatest } from '../../../src/db/migrate';

/** A migrated SQLite file in its own temp dir; `open()` gives further connections to the same file. */
export interface JobsDb {
  knex: Knex;
  open(): Knex;
  close(): Promise<void>;
}

export async function createJobsDb(): Promise<JobsDb> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-jobs-'));
  const file = path.join(dir, 'jobs.sqlite');
  const opened: Knex[] = [];
  const open = (): Knex => {
    const knex = createKnex({ databaseUrl: undefined, sqliteFile: file });
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
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
