import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { BrokerCredentials } from './basic-auth';

export const BROKER_CREDENTIALS_FILE = 'broker-credentials.json';
export const DEFAULT_BROKER_USERNAME = 'wharf-broker';

const fileSchema = z.object({ username: z.string().min(1), password: z.string().min(1) });

export interface LoadedBrokerCredentials {
  credentials: BrokerCredentials;
  /** True on the start that generated the password: the caller prints it, once. */
  generated: boolean;
}

/**
 * The Basic auth of `/broker/v2` (DESIGN.md settings): WHARF_BROKER_USERNAME / _PASSWORD when
 * set; otherwise generated on first start and kept (mode 0600) in the data directory, because
 * platforms that registered the broker must keep working after a restart.
 */
export function loadOrCreateBrokerCredentials(
  dataDir: string,
  configured: { username: string | undefined; password: string | undefined },
): LoadedBrokerCredentials {
  const username = configured.username ?? DEFAULT_BROKER_USERNAME;
  if (configured.password !== undefined)
    return { credentials: { username, password: configured.password }, generated: false };
  const file = path.join(dataDir, BROKER_CREDENTIALS_FILE);
  if (fs.existsSync(file)) {
    const stored = fileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return { credentials: { username, password: stored.password }, generated: false };
  }
  fs.mkdirSync(dataDir, { recursive: true });
  const password = crypto.randomBytes(24).toString('base64url');
  try {
    // 'wx' fails if another process created the file meanwhile: then theirs wins.
    fs.writeFileSync(file, JSON.stringify({ username, password }), { mode: 0o600, flag: 'wx' });
  } catch {
    const stored = fileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8')));
    return { credentials: { username, password: stored.password }, generated: false };
  }
  return { credentials: { username, password }, generated: true };
}

/** What loadStoredBrokerCredentials needs of a key material store (see src/secrets). */
export interface BrokerPasswordStore {
  read(name: 'broker-password'): Promise<string | undefined>;
  ensure(name: 'broker-password', create: () => string): Promise<string>;
}

/**
 * Like loadOrCreateBrokerCredentials, but a generated password lives in the key material store
 * (sealed in the database), so every process of the installation answers `/broker/v2` with the
 * same one. A password file left by an older Wharf is taken over (registered platforms keep
 * working).
 */
export async function loadStoredBrokerCredentials(
  store: BrokerPasswordStore,
  dataDir: string,
  configured: { username: string | undefined; password: string | undefined },
): Promise<LoadedBrokerCredentials> {
  const username = configured.username ?? DEFAULT_BROKER_USERNAME;
  if (configured.password !== undefined)
    return { credentials: { username, password: configured.password }, generated: false };
  const file = path.join(dataDir, BROKER_CREDENTIALS_FILE);
  const fromFile = fs.existsSync(file)
    ? fileSchema.parse(JSON.parse(fs.readFileSync(file, 'utf8'))).password
    : undefined;
  if (fromFile === undefined && (await store.read('broker-password')) === undefined) {
    const candidate = crypto.randomBytes(24).toString('base64url');
    const password = await store.ensure('broker-password', () => candidate);
    // Printed once, by the process whose password won the race.
    return { credentials: { username, password }, generated: password === candidate };
  }
  const password = await store.ensure('broker-password', () => fromFile ?? '');
  return { credentials: { username, password }, generated: false };
}
