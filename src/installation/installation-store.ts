import type { Knex } from '../db/knex';

const TABLE = 'installation';
/** The table's only row (its primary key); see the migration. */
const ROW_ID = 1;

/** Reads and creates the installation row; the only code that knows its columns. */
export class InstallationStore {
  constructor(private readonly knex: Knex) {}

  async read(): Promise<string | undefined> {
    const row: unknown = await this.knex(TABLE).where({ id: ROW_ID }).first('installation_id');
    if (row === undefined) return undefined;
    const value: unknown =
      typeof row === 'object' && row !== null && 'installation_id' in row
        ? row.installation_id
        : undefined;
    if (typeof value !== 'string') throw new Error('installation.installation_id: expected text');
    return value;
  }

  /**
   * Stores `candidate` unless a row exists, then reads whatever row won: two processes starting
   * at once both insert-or-ignore on the pinned primary key and so agree on one id.
   */
  async createOnce(candidate: string): Promise<string> {
    await this.knex(TABLE)
      .insert({ id: ROW_ID, installation_id: candidate })
      .onConflict('id')
      .ignore();
    const stored = await this.read();
    if (stored === undefined) throw new Error('installation row missing after insert');
    return stored;
  }
}
