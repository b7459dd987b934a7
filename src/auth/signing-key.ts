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
