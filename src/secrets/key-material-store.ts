import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type { SecretBox } from './secret-box';

/** The installation's key material, by name; each value is text (PEM, JSON). */
export type KeyMaterialName = 'signing-keys' | 'encryption-keys' | 'broker-password';

export class MasterKeyMismatch extends Error {}

/**
 * Where an installation keeps its keys: sealed rows in the database under WHARF_MASTER_KEY (every
 * process on any host shares them), or files in the data directory (the embedded default, one
 * host). Values are created at most once (`ensure`) and replaced only by `wharf rotate-key`.
 */
export interface KeyMaterialStore {
  /** True when the keys live in the database (shared by processes on different hosts). */
  readonly shared: boolean;
  read(name: KeyMaterialName): Promise<string | undefined>;
  /**
   * The stored value, or `create()`'s when none is stored yet. Processes racing here all end up
   * with the one value stored first.
   */
  ensure(name: KeyMaterialName, create: () => string): Promise<string>;
  /** Read-modify-write of a stored value; returns the new value. */
  update(name: KeyMaterialName, change: (current: string) => string): Promise<string>;
}

/** The sealed `key_material` rows. */
export class DatabaseKeyMaterial implements KeyMaterialStore {
  readonly shared = true;

  constructor(
    private readonly knex: Knex,
    private readonly master: SecretBox,
  ) {}

  async read(name: KeyMaterialName): Promise<string | undefined> {
    const row: { sealed: string } | undefined = await this.knex('key_material')
      .where({ name })
      .first('sealed');
    return row === undefined ? undefined : this.unseal(row.sealed);
  }

  async ensure(name: KeyMaterialName, create: () => string): Promise<string> {
    const existing = await this.read(name);
    if (existing !== undefined) return existing;
    await this.knex('key_material')
      .insert({ name, sealed: this.master.encrypt(create()) })
      .onConflict('name')
      .ignore();
    const stored = await this.read(name);
    if (stored === undefined) throw new Error(`key material ${name} vanished while being created`);
    return stored;
  }

  async update(name: KeyMaterialName, change: (current: string) => string): Promise<string> {
    return this.knex.transaction(async (trx) => {
      // One rotation at a time: PostgreSQL locks the row; SQLite's writer lock is taken by the
      // no-op update first, so a second rotation waits rather than overwriting this one.
      await trx('key_material').where({ name }).update({ name });
      const row: { sealed: string } | undefined = await trx('key_material')
        .where({ name })
        .first('sealed');
      if (row === undefined) throw new Error(`key material ${name} is missing`);
      const next = change(this.unseal(row.sealed));
      await trx('key_material')
        .where({ name })
        .update({ sealed: this.master.encrypt(next), updated_at: trx.fn.now() });
      return next;
    });
  }

  /** Whether any key material is sealed in this database (then WHARF_MASTER_KEY is required). */
  static async anyIn(knex: Knex): Promise<boolean> {
    return (await knex('key_material').first('name')) !== undefined;
  }

  private unseal(sealed: string): string {
    try {
      return this.master.decrypt(sealed);
    } catch {
      // Never the key or the value in the message: it reaches the operator's terminal and logs.
      throw new MasterKeyMismatch(
        "WHARF_MASTER_KEY does not open this database's key material: it was sealed under another master key (every process of an installation needs the same WHARF_MASTER_KEY)",
      );
    }
  }
}

const FILES: Record<KeyMaterialName, string> = {
  'signing-keys': 'signing-key.pem',
  'encryption-keys': 'encryption-keys.json',
  'broker-password': 'broker-password',
};

/** Files in the data directory (mode 0600), as Wharf kept them before the master key existed. */
export class DataDirKeyMaterial implements KeyMaterialStore {
  readonly shared = false;

  constructor(private readonly dataDir: string) {}

  static fileOf(name: KeyMaterialName): string {
    return FILES[name];
  }

  read(name: KeyMaterialName): Promise<string | undefined> {
    const file = this.pathOf(name);
    return Promise.resolve(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
  }

  async ensure(name: KeyMaterialName, create: () => string): Promise<string> {
    const existing = await this.read(name);
    if (existing !== undefined) return existing;
    fs.mkdirSync(this.dataDir, { recursive: true });
    try {
      // 'wx' fails if another process created the file meanwhile: then theirs wins.
      fs.writeFileSync(this.pathOf(name), create(), { mode: 0o600, flag: 'wx' });
    } catch (err) {
      if (!fs.existsSync(this.pathOf(name))) throw err;
    }
    return fs.readFileSync(this.pathOf(name), 'utf8');
  }

  async update(name: KeyMaterialName, change: (current: string) => string): Promise<string> {
    const current = await this.read(name);
    if (current === undefined) throw new Error(`key material ${name} is missing`);
    const next = change(current);
    const file = this.pathOf(name);
    const tmp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, next, { mode: 0o600 });
    fs.renameSync(tmp, file);
    return next;
  }

  private pathOf(name: KeyMaterialName): string {
    return path.join(this.dataDir, FILES[name]);
  }
}
