import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { buildWharf } from '../../src/app';
import type { Wharf } from '../../src/app';
import { loadOrCreateSigningKey } from '../../src/auth/signing-key';
import { ADMIN_SCOPES } from '../../src/auth/types';
import type { User } from '../../src/auth/types';
import { loadConfig } from '../../src/config';
import type { WharfConfig } from '../../src/config';
import { migrateToLatest } from '../../src/db/migrate';
import { createLogger } from '../../src/logger';
import { loadKeyRing } from '../../src/secrets/key-ring';
import { SecretBox } from '../../src/secrets/secret-box';
import { createTestDatabase } from '../support/test-database';
import type { TestDatabase } from '../support/test-database';
import { bearer } from '../support/test-wharf';

/**
 * Issue 10 item 2: processes of one installation on different hosts (here: different data
 * directories, one database) share every key through the database, sealed under
 * WHARF_MASTER_KEY; `wharf rotate-key` in one takes effect in the others without a restart.
 */
interface Process {
  wharf: Wharf;
  config: WharfConfig;
  dataDir: string;
}

const masterKey = randomBytes(32).toString('base64');
const dirs: string[] = [];
const running: Wharf[] = [];
/** Every log line any process of a test wrote (at trace level): none may carry a key. */
let logText = '';
let database: TestDatabase;

function newDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-keys-'));
  dirs.push(dir);
  return dir;
}

const logSink = new Writable({
  write(chunk: Buffer, _encoding, done) {
    logText += chunk.toString('utf8');
    done();
  },
});

async function start(env: Record<string, string>, dataDir = newDir()): Promise<Process> {
  const config = loadConfig({
    WHARF_DATA_DIR: dataDir,
    WHARF_LOG_LEVEL: 'trace',
    WHARF_EXTERNAL_URL: 'http://wharf.test',
    ...env,
  });
  const knex = database.connect();
  const wharf = await buildWharf({ config, logger: createLogger('trace', logSink), knex }).catch(
    async (err: unknown) => {
      await knex.destroy();
      throw err;
    },
  );
  running.push(wharf);
  return { wharf, config, dataDir };
}

function tokenOf(w: Wharf, user: User): string {
  return w.tokens.issue(
    {
      userGuid: user.guid,
      userName: user.username ?? undefined,
      email: undefined,
      origin: 'uaa',
      clientId: 'cf',
      scopes: user.scopes,
    },
    'password',
    false,
  ).access_token;
}

function kidOf(token: string): string | undefined {
  return jwt.decode(token, { complete: true })?.header.kid;
}

async function created(res: request.Test): Promise<string> {
  const answer = await res;
  if (answer.status !== 201) throw new Error(`${answer.status} ${answer.text}`);
  return String(answer.body.metadata.guid);
}

/** An org, a space and a user-provided instance whose credentials are sealed at rest. */
async function sealedInstance(w: Wharf, token: string, password: string): Promise<string> {
  const name = `ups-${randomBytes(4).toString('hex')}`;
  const org = await created(
    request(w.app).post('/v2/organizations').set(bearer(token)).send({ name }),
  );
  const space = await created(
    request(w.app).post('/v2/spaces').set(bearer(token)).send({ name, organization_guid: org }),
  );
  return created(
    request(w.app)
      .post('/v2/user_provided_service_instances')
      .set(bearer(token))
      .send({ name, space_guid: space, credentials: { password } }),
  );
}

async function credentialsOn(w: Wharf, token: string, guid: string): Promise<unknown> {
  const res = await request(w.app)
    .get(`/v2/user_provided_service_instances/${guid}`)
    .set(bearer(token));
  if (res.status !== 200) throw new Error(`${res.status} ${res.text}`);
  return res.body.entity.credentials;
}

beforeEach(async () => {
  logText = '';
  database = await createTestDatabase(newDir());
  // Migrated once up front: two processes starting at once would both migrate an empty SQLite.
  const knex = database.connect();
  await migrateToLatest(knex);
  await knex.destroy();
});
afterEach(async () => {
  for (const w of running.splice(0)) await w.close();
  await database.drop();
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('key material shared through the database under WHARF_MASTER_KEY', () => {
  it('when two processes on different hosts start at once, they agree on every key and accept each other’s tokens', async () => {
    const [a, b] = await Promise.all([
      start({ WHARF_MASTER_KEY: masterKey }),
      start({ WHARF_MASTER_KEY: masterKey }),
    ]);
    expect(b.wharf.signingKeys.current.kid).toBe(a.wharf.signingKeys.current.kid);
    expect(b.wharf.secrets.currentKeyId).toBe(a.wharf.secrets.currentKeyId);
    expect(b.wharf.brokerCredentials.credentials).toEqual(a.wharf.brokerCredentials.credentials);
    // The generated broker password is printed once, by one process only.
    expect(
      [a.wharf.brokerCredentials.generated, b.wharf.brokerCredentials.generated].sort(),
    ).toEqual([false, true]);

    const admin = await a.wharf.users.addUser('admin', 'admin-password', ADMIN_SCOPES);
    const token = tokenOf(a.wharf, admin);
    const guid = await sealedInstance(a.wharf, token, 'sealed-on-a');
    expect(await credentialsOn(b.wharf, token, guid)).toEqual({ password: 'sealed-on-a' });
    const broker = a.wharf.brokerCredentials.credentials;
    const catalog = await request(b.wharf.app)
      .get('/broker/v2/catalog')
      .auth(broker.username, broker.password)
      .set('X-Broker-API-Version', '2.17');
    expect(catalog.status).toBe(200);

    // Only the database holds the keys, sealed: no key file in any data directory, no key in
    // clear in the rows.
    for (const dir of [a.dataDir, b.dataDir]) {
      expect(fs.readdirSync(dir).filter((f) => !f.startsWith('wharf.sqlite'))).toEqual([]);
    }
    const rows: { name: string; sealed: string }[] = await a.wharf.knex('key_material').select();
    expect(rows.map((r) => r.name).sort()).toEqual([
      'broker-password',
      'encryption-keys',
      'signing-keys',
    ]);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain('PRIVATE KEY');
    expect(stored).not.toContain(broker.password);
  });

  it('after rotate-key in one process, the other verifies its new tokens and serves secrets sealed with the new key, without a restart; no key reaches a log', async () => {
    const fast = { WHARF_MASTER_KEY: masterKey, WHARF_KEY_REFRESH_SECONDS: '0.2' };
    const a = await start(fast);
    const b = await start(fast);
    const admin = await a.wharf.users.addUser('admin', 'admin-password', ADMIN_SCOPES);
    const oldToken = tokenOf(a.wharf, admin);
    const before = await sealedInstance(a.wharf, oldToken, 'sealed-before');
    const oldKid = a.wharf.signingKeys.current.kid;
    const oldKeyId = a.wharf.secrets.currentKeyId;

    const rotated = await a.wharf.rotateKeys();
    expect(rotated.kid).not.toBe(oldKid);
    expect(rotated.keyId).not.toBe(oldKeyId);
    expect(rotated.resealed).toBeGreaterThan(0);
    // Every sealed column is re-sealed, user-provided credentials included.
    const resealed = await a.wharf
      .knex('user_provided_service_instances')
      .where({ guid: before })
      .first('credentials_encrypted');
    expect(a.wharf.secrets.keyIdOf(String(resealed.credentials_encrypted))).toBe(rotated.keyId);

    const newToken = tokenOf(a.wharf, admin);
    expect(kidOf(newToken)).toBe(rotated.kid);
    const after = await sealedInstance(a.wharf, newToken, 'sealed-after');
    const row = await a.wharf
      .knex('user_provided_service_instances')
      .where({ guid: after })
      .first('credentials_encrypted');
    expect(a.wharf.secrets.keyIdOf(String(row.credentials_encrypted))).toBe(rotated.keyId);

    // b: the new token, the old one (still within its lifetime), and both secrets.
    expect(await credentialsOn(b.wharf, newToken, after)).toEqual({ password: 'sealed-after' });
    expect(await credentialsOn(b.wharf, oldToken, before)).toEqual({ password: 'sealed-before' });
    // b's periodic re-read makes the new keys its own: it signs and seals with them too.
    await eventually(() => b.wharf.secrets.currentKeyId === rotated.keyId);
    expect(b.wharf.signingKeys.current.kid).toBe(rotated.kid);
    const keys = await request(b.wharf.app).get('/token_keys');
    expect(keys.body.keys.map((k: { kid: string }) => k.kid)).toEqual([rotated.kid, oldKid]);

    // Nothing secret in any log line of either process.
    const secrets = [
      masterKey,
      'PRIVATE KEY',
      a.wharf.brokerCredentials.credentials.password,
      'sealed-before',
      'sealed-after',
      ...a.wharf.signingKeys.all().map((k) => k.privateKeyPem.split('\n')[1] ?? 'missing'),
    ];
    expect(logText.length).toBeGreaterThan(0);
    for (const secret of secrets) expect(logText).not.toContain(secret);
  });

  it('when a token names a signing key this process has not loaded, it re-reads the keys at once', async () => {
    const a = await start({ WHARF_MASTER_KEY: masterKey });
    const slow = await start({ WHARF_MASTER_KEY: masterKey, WHARF_KEY_REFRESH_SECONDS: '3600' });
    const admin = await a.wharf.users.addUser('admin', 'admin-password', ADMIN_SCOPES);
    await a.wharf.rotateKeys(() => Promise.resolve());
    const token = tokenOf(a.wharf, admin);
    expect(slow.wharf.signingKeys.find(kidOf(token) ?? '')).toBeUndefined();
    const res = await request(slow.wharf.app).get('/v2/organizations').set(bearer(token));
    expect(res.status).toBe(200);
    expect(slow.wharf.signingKeys.current.kid).toBe(kidOf(token));
    // A token signed by a key nobody stored stays rejected after the re-read.
    const forged = jwt.sign(
      jwt.decode(token, { json: true }) ?? {},
      loadOrCreateSigningKey(newDir()).privateKeyPem,
      { algorithm: 'RS256', keyid: 'not-a-key' },
    );
    const rejected = await request(slow.wharf.app).get('/v2/organizations').set(bearer(forged));
    expect(rejected.status).toBe(401);
  });

  it('when a sealed value names an encryption key this process has not loaded, it re-reads the ring', async () => {
    const a = await start({ WHARF_MASTER_KEY: masterKey });
    const slow = await start({ WHARF_MASTER_KEY: masterKey, WHARF_KEY_REFRESH_SECONDS: '3600' });
    await a.wharf.rotateKeys(() => Promise.resolve());
    const sealed = a.wharf.secrets.encrypt('new key');
    expect(() => slow.wharf.secrets.decrypt(sealed)).toThrow(/is not in the key ring/);
    await eventually(() => {
      try {
        return slow.wharf.secrets.decrypt(sealed) === 'new key';
      } catch {
        return false;
      }
    });
  });

  it('when a process has another master key, it refuses to start with a clear message that names no key', async () => {
    await start({ WHARF_MASTER_KEY: masterKey });
    const other = randomBytes(32).toString('base64');
    const failure = await start({ WHARF_MASTER_KEY: other }).then(
      () => new Error('started'),
      (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
    );
    expect(failure.message).toBe(
      "WHARF_MASTER_KEY does not open this database's key material: it was sealed under another master key (every process of an installation needs the same WHARF_MASTER_KEY)",
    );
    expect(failure.message).not.toContain(other);
    expect(failure.message).not.toContain(masterKey);
  });

  it('when a process has no master key but the database’s keys are sealed, it refuses to start', async () => {
    await start({ WHARF_MASTER_KEY: masterKey });
    await expect(start({})).rejects.toThrow(
      "this database's key material is sealed under WHARF_MASTER_KEY: start every process of the installation with the same WHARF_MASTER_KEY",
    );
  });

  it.each([
    ['too short', randomBytes(16).toString('base64')],
    ['too long', randomBytes(48).toString('base64')],
    ['not base64', '#'.repeat(44)],
    ['hex rather than base64', randomBytes(32).toString('hex')],
  ])(
    'when WHARF_MASTER_KEY is %s, the configuration is refused without echoing it',
    (_what, value) => {
      let message = '';
      try {
        loadConfig({ WHARF_MASTER_KEY: value });
      } catch (err) {
        message = err instanceof Error ? err.message : String(err);
      }
      expect(message).toBe(
        'Invalid configuration: WHARF_MASTER_KEY: must be 32 bytes in base64 (e.g. the output of `openssl rand -base64 32`)',
      );
    },
  );
});

describe('without WHARF_MASTER_KEY (the embedded default)', () => {
  it('keeps the keys in files of the data directory and nothing in the database', async () => {
    const a = await start({});
    const files = fs.readdirSync(a.dataDir).filter((f) => !f.startsWith('wharf.sqlite'));
    expect(files.sort()).toEqual([
      'broker-credentials.json',
      'encryption-keys.json',
      'signing-key.pem',
    ]);
    expect(loadOrCreateSigningKey(a.dataDir).kid).toBe(a.wharf.signingKeys.current.kid);
    expect(Number((await a.wharf.knex('key_material').count({ n: '*' }).first())?.n)).toBe(0);
  });

  it('when another Wharf left its keys in the data directory, a start with WHARF_MASTER_KEY takes them over', async () => {
    const dir = newDir();
    const oldKey = loadOrCreateSigningKey(dir);
    const oldBox = new SecretBox(loadKeyRing(dir, undefined));
    const sealedBefore = oldBox.encrypt('sealed by the file keys');
    const w = await start({ WHARF_MASTER_KEY: masterKey }, dir);
    expect(w.wharf.signingKeys.current.kid).toBe(oldKey.kid);
    expect(w.wharf.secrets.decrypt(sealedBefore)).toBe('sealed by the file keys');
  });
});

async function eventually(check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 25));
  }
}
