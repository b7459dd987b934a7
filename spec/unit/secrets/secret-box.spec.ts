import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  addKeyToRing,
  KEY_RING_FILE,
  keyFromSetting,
  loadKeyRing,
} from '../../../src/secrets/key-ring';
import { SecretBox } from '../../../src/secrets/secret-box';

describe('SecretBox and the key ring', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-keys-'));
  });
  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when no key is configured, generates one into the data dir with mode 0600 and reuses it', () => {
    const first = loadKeyRing(dir, undefined);
    const file = path.join(dir, KEY_RING_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const second = loadKeyRing(dir, undefined);
    expect(second.current).toBe(first.current);
    const sealed = new SecretBox(first).encrypt('p@ss');
    expect(new SecretBox(second).decrypt(sealed)).toBe('p@ss');
  });

  it('when sealing the same value twice, the ciphertexts differ (random IV) and carry the key id', () => {
    const box = new SecretBox(loadKeyRing(dir, undefined));
    const a = box.encrypt('same');
    const b = box.encrypt('same');
    expect(a).not.toBe(b);
    expect(a).not.toContain('same');
    expect(box.keyIdOf(a)).toBe(box.currentKeyId);
  });

  it('when the ciphertext is tampered with, decryption fails (GCM authentication)', () => {
    const box = new SecretBox(loadKeyRing(dir, undefined));
    const parts = box.encrypt('secret').split(':');
    const ct = Buffer.from(parts[4] ?? '', 'base64');
    ct[0] = (ct[0] ?? 0) ^ 1;
    parts[4] = ct.toString('base64');
    expect(() => box.decrypt(parts.join(':'))).toThrow();
  });

  it('when a key is added, new values use it and values sealed before still open', () => {
    const ring = loadKeyRing(dir, undefined);
    const box = new SecretBox(ring);
    const old = box.encrypt('before');
    const next = addKeyToRing(dir, ring);
    expect(next.current).not.toBe(ring.current);
    box.useRing(loadKeyRing(dir, undefined));
    expect(box.currentKeyId).toBe(next.current);
    expect(box.decrypt(old)).toBe('before');
    expect(box.keyIdOf(box.encrypt('after'))).toBe(next.current);
  });

  it.each([
    ['64 hex characters', 'a'.repeat(64), Buffer.alloc(32, 0xaa)],
    ['base64 of 32 bytes', Buffer.alloc(32, 7).toString('base64'), Buffer.alloc(32, 7)],
  ])('when WHARF_DB_ENCRYPTION_KEY is %s, it is the key itself', (_name, setting, expected) => {
    expect(keyFromSetting(setting).equals(expected)).toBe(true);
  });

  it('when WHARF_DB_ENCRYPTION_KEY is a passphrase, it is hashed to 32 bytes', () => {
    expect(keyFromSetting('correct horse battery staple')).toHaveLength(32);
  });
});
