import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface SigningKey {
  kid: string;
  privateKeyPem: string;
  publicKeyPem: string;
}

export const SIGNING_KEY_FILE = 'signing-key.pem';

function toSigningKey(privateKeyPem: string): SigningKey {
  const publicKeyPem = crypto
    .createPublicKey(privateKeyPem)
    .export({ type: 'spki', format: 'pem' })
    .toString();
  const kid = crypto.createHash('sha256').update(publicKeyPem).digest('hex').slice(0, 16);
  return { kid, privateKeyPem, publicKeyPem };
}

/** Loads the RS256 key from the data directory, generating it (mode 0600) on first start. */
export function loadOrCreateSigningKey(dataDir: string): SigningKey {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  if (fs.existsSync(file)) return toSigningKey(fs.readFileSync(file, 'utf8'));
  fs.mkdirSync(dataDir, { recursive: true });
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
  // 'wx' fails if another process created the file meanwhile: then we use theirs.
  try {
    fs.writeFileSync(file, pem, { mode: 0o600, flag: 'wx' });
  } catch {
    return toSigningKey(fs.readFileSync(file, 'utf8'));
  }
  return toSigningKey(pem);
}

export interface Jwk {
  kty: string;
  e: string;
  n: string;
  use: 'sig';
  kid: string;
  alg: 'RS256';
  value: string;
}

/** The public key as UAA's `/token_keys` publishes it (JWK plus the PEM `value`). */
export function toJwk(key: SigningKey): Jwk {
  const jwk = crypto.createPublicKey(key.publicKeyPem).export({ format: 'jwk' });
  return {
    kty: jwk.kty ?? 'RSA',
    e: jwk.e ?? '',
    n: jwk.n ?? '',
    use: 'sig',
    kid: key.kid,
    alg: 'RS256',
    value: key.publicKeyPem,
  };
}

/** How many earlier signing keys keep verifying after a rotation (tokens they signed stay valid). */
export const RETIRED_SIGNING_KEYS_KEPT = 3;

/**
 * The keys tokens are verified with, the first of which signs. Mutable so a process adopts a
 * rotation done by another one (`replace`); `onUnknownKid` lets it reload when a token names a
 * key it has not loaded yet.
 */
export class SigningKeys {
  private keys: readonly SigningKey[];

  constructor(keys: readonly SigningKey[]) {
    if (keys[0] === undefined) throw new Error('at least one signing key is needed');
    this.keys = keys;
  }

  get current(): SigningKey {
    const [first] = this.keys;
    if (first === undefined) throw new Error('no signing key');
    return first;
  }

  all(): readonly SigningKey[] {
    return this.keys;
  }

  find(kid: string): SigningKey | undefined {
    return this.keys.find((k) => k.kid === kid);
  }

  replace(keys: readonly SigningKey[]): void {
    if (keys[0] === undefined) throw new Error('at least one signing key is needed');
    this.keys = keys;
  }
}

const PEM_BLOCK = /-----BEGIN PRIVATE KEY-----[\s\S]+?-----END PRIVATE KEY-----/g;

/** Stored signing keys: PEM blocks, the current one first (a one-key file of an older Wharf parses). */
export function parseSigningKeys(text: string): SigningKey[] {
  const blocks = text.match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new Error('no private key in the stored signing keys');
  return blocks.map((pem) => toSigningKey(`${pem}\n`));
}

export function serializeSigningKeys(keys: readonly SigningKey[]): string {
  return keys.map((k) => k.privateKeyPem.trim()).join('\n') + '\n';
}

function newPrivateKeyPem(): string {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** What the signing-key functions need of a key material store (see src/secrets). */
export interface SigningKeyStore {
  ensure(name: 'signing-keys', create: () => string): Promise<string>;
  update(name: 'signing-keys', change: (current: string) => string): Promise<string>;
}

/**
 * The installation's signing keys from its key material store, created on first start: from the
 * data directory's key file when an older Wharf left one (its tokens stay valid), otherwise a new
 * 2048-bit RSA key.
 */
export async function loadStoredSigningKeys(
  store: SigningKeyStore,
  dataDir: string,
): Promise<{ text: string; keys: SigningKey[] }> {
  const file = path.join(dataDir, SIGNING_KEY_FILE);
  const text = await store.ensure('signing-keys', () =>
    fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : newPrivateKeyPem(),
  );
  return { text, keys: parseSigningKeys(text) };
}

/**
 * A new signing key becomes current at once (every process verifies it: they reload on an
 * unknown `kid`); the last RETIRED_SIGNING_KEYS_KEPT keys keep verifying. Returns the new keys.
 */
export async function rotateSigningKey(store: SigningKeyStore): Promise<SigningKey[]> {
  const text = await store.update('signing-keys', (current) =>
    serializeSigningKeys([
      toSigningKey(newPrivateKeyPem()),
      ...parseSigningKeys(current).slice(0, RETIRED_SIGNING_KEYS_KEPT),
    ]),
  );
  return parseSigningKeys(text);
}
