import crypto from 'node:crypto';
import type { KeyRing } from './key-ring';

const VERSION = 'v1';

export class SecretBoxError extends Error {}

/**
 * AES-256-GCM with a random 96-bit IV per value; the key id travels with the ciphertext:
 * `v1:<key id>:<iv>:<tag>:<ciphertext>` (base64 parts).
 */
export class SecretBox {
  private unknownKeyListener: ((keyId: string) => void) | undefined;

  constructor(private ring: KeyRing) {}

  /** Called when a value names a key this ring lacks (another process rotated): reload then. */
  onUnknownKey(listener: (keyId: string) => void): void {
    this.unknownKeyListener = listener;
  }

  /** Whether this ring holds the key (tells a reloader whether a re-read brought it). */
  hasKey(keyId: string): boolean {
    return this.ring.keys.has(keyId);
  }

  get currentKeyId(): string {
    return this.ring.current;
  }

  useRing(ring: KeyRing): void {
    this.ring = ring;
  }

  encrypt(plain: string): string {
    const key = this.ring.keys.get(this.ring.current);
    if (!key) throw new SecretBoxError('current encryption key is missing from the key ring');
    const iv = crypto.randomBytes(12);
    const cipher = crypto.createCipheriv('aes-256-gcm', key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      VERSION,
      this.ring.current,
      iv.toString('base64'),
      cipher.getAuthTag().toString('base64'),
      ct.toString('base64'),
    ].join(':');
  }

  decrypt(sealed: string): string {
    const [version, keyId, iv, tag, ct] = sealed.split(':');
    if (
      version !== VERSION ||
      keyId === undefined ||
      iv === undefined ||
      tag === undefined ||
      ct === undefined
    ) {
      throw new SecretBoxError('not a sealed value');
    }
    const key = this.ring.keys.get(keyId);
    if (!key) {
      this.unknownKeyListener?.(keyId);
      throw new SecretBoxError(`encryption key ${keyId} is not in the key ring`);
    }
    const decipher = crypto.createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64'));
    decipher.setAuthTag(Buffer.from(tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(ct, 'base64')), decipher.final()]).toString(
      'utf8',
    );
  }

  keyIdOf(sealed: string): string | undefined {
    return sealed.split(':')[1];
  }
}
