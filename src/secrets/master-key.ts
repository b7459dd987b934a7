import crypto from 'node:crypto';
import { SecretBox } from './secret-box';

export const MASTER_KEY_PROBLEM =
  'must be 32 bytes in base64 (e.g. the output of `openssl rand -base64 32`)';

/** `WHARF_MASTER_KEY`: exactly 32 bytes in canonical base64, or undefined (never echoes the value). */
export function parseMasterKey(setting: string): Buffer | undefined {
  const trimmed = setting.trim();
  const key = Buffer.from(trimmed, 'base64');
  return key.length === 32 && key.toString('base64') === trimmed ? key : undefined;
}

/** A box whose only key is the master key: it seals and unseals the key_material rows. */
export function masterBox(key: Buffer): SecretBox {
  const id = `m${crypto.createHash('sha256').update(key).digest('hex').slice(0, 11)}`;
  return new SecretBox({ current: id, keys: new Map([[id, key]]) });
}
