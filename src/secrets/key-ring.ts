import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const KEY_RING_FILE = 'encryption-keys.json';

/** AES-256 keys by id; `current` encrypts, every key decrypts (so keys can rotate). */
export interface KeyRing {
  current: string;
  keys: ReadonlyMap<string, Buffer>;
}

const keyRingFile = z.object({ current: z.string(), keys: z.record(z.string()) });

function keyIdOf(key: Buffer): string {
  return crypto.createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** `WHARF_DB_ENCRYPTION_KEY`: 32 bytes as base64 or hex, or any passphrase (hashed to 32 bytes). */
export function keyFromSetting(setting: string): Buffer {
  if (/^[0-9a-fA-F]{64}$/.test(setting)) return Buffer.from(setting, 'hex');
  const b64 = Buffer.from(setting, 'base64');
  if (b64.length === 32 && b64.toString('base64').replace(/=+$/, '') === setting.replace(/=+$/, ''))
    return b64;
  return crypto.createHash('sha256').update(setting).digest();
}

function readRing(file: string): KeyRing | undefined {
  if (!fs.existsSync(file)) return undefined;
  const parsed = keyRingFile.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
  const keys = new Map(
    Object.entries(parsed.keys).map(([id, b64]) => [id, Buffer.from(b64, 'base64')]),
  );
  return { current: parsed.current, keys };
}

function writeRing(file: string, ring: KeyRing): void {
  const body = JSON.stringify(
    {
      current: ring.current,
      keys: Object.fromEntries([...ring.keys].map(([id, k]) => [id, k.toString('base64')])),
    },
    null,
    2,
  );
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, body, { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/**
 * The key ring: the configured key (if any) is current; otherwise keys live in the data directory
 * (mode 0600), generated on first use. Old keys stay so values encrypted before a rotation decrypt.
 */
export function loadKeyRing(dataDir: string, setting: string | undefined): KeyRing {
  const file = path.join(dataDir, KEY_RING_FILE);
  const stored = readRing(file);
  const keys = new Map(stored?.keys ?? []);
  if (setting !== undefined) {
    const key = keyFromSetting(setting);
    const id = keyIdOf(key);
    keys.set(id, key);
    return { current: id, keys };
  }
  if (stored) return stored;
  fs.mkdirSync(dataDir, { recursive: true });
  const key = crypto.randomBytes(32);
  const ring = { current: keyIdOf(key), keys: new Map([[keyIdOf(key), key]]) };
  writeRing(file, ring);
  return ring;
}

/** Adds a fresh key as current (persisted); returns the new ring. */
export function addKeyToRing(dataDir: string, ring: KeyRing): KeyRing {
  const key = crypto.randomBytes(32);
  const id = keyIdOf(key);
  const next = { current: id, keys: new Map([...ring.keys, [id, key]]) };
  fs.mkdirSync(dataDir, { recursive: true });
  writeRing(path.join(dataDir, KEY_RING_FILE), next);
  return next;
}

/** The ring as text: the same JSON as the key ring file, so a file left by an older Wharf parses. */
export function serializeRing(ring: KeyRing): string {
  return JSON.stringify(
    {
      current: ring.current,
      keys: Object.fromEntries([...ring.keys].map(([id, k]) => [id, k.toString('base64')])),
    },
    null,
    2,
  );
}

export function parseRing(text: string): KeyRing {
  const parsed = keyRingFile.parse(JSON.parse(text));
  const keys = new Map(
    Object.entries(parsed.keys).map(([id, b64]) => [id, Buffer.from(b64, 'base64')]),
  );
  if (!keys.has(parsed.current)) throw new Error('the key ring names a current key it lacks');
  return { current: parsed.current, keys };
}

function freshRing(): KeyRing {
  const key = crypto.randomBytes(32);
  return { current: keyIdOf(key), keys: new Map([[keyIdOf(key), key]]) };
}

/** The configured WHARF_DB_ENCRYPTION_KEY (if any) is current; the stored keys still decrypt. */
export function withConfiguredKey(stored: KeyRing, setting: string | undefined): KeyRing {
  if (setting === undefined) return stored;
  const key = keyFromSetting(setting);
  const id = keyIdOf(key);
  return { current: id, keys: new Map([...stored.keys, [id, key]]) };
}

/** What the key-ring functions need of a key material store (see key-material.ts). */
interface RingStore {
  ensure(name: 'encryption-keys', create: () => string): Promise<string>;
  update(name: 'encryption-keys', change: (current: string) => string): Promise<string>;
}

/**
 * The installation's key ring from its key material store, created on first start: from the data
 * directory's key ring file when an older Wharf left one (its sealed values stay readable),
 * otherwise a fresh key.
 */
export async function loadStoredKeyRing(
  store: RingStore,
  dataDir: string,
  setting: string | undefined,
): Promise<KeyRing> {
  const text = await store.ensure('encryption-keys', () =>
    serializeRing(readRing(path.join(dataDir, KEY_RING_FILE)) ?? freshRing()),
  );
  return withConfiguredKey(parseRing(text), setting);
}

/** Adds a fresh key to the stored ring, for decryption only (not yet current); returns its id. */
export async function addStoredKey(store: RingStore): Promise<string> {
  const key = crypto.randomBytes(32);
  const id = keyIdOf(key);
  await store.update('encryption-keys', (text) => {
    const ring = parseRing(text);
    return serializeRing({ current: ring.current, keys: new Map([...ring.keys, [id, key]]) });
  });
  return id;
}

/** Makes a key already in the stored ring the one that encrypts; returns the new ring. */
export async function makeStoredKeyCurrent(store: RingStore, id: string): Promise<KeyRing> {
  const text = await store.update('encryption-keys', (current) => {
    const ring = parseRing(current);
    if (!ring.keys.has(id)) throw new Error(`key ${id} is not in the key ring`);
    return serializeRing({ current: id, keys: ring.keys });
  });
  return parseRing(text);
}
