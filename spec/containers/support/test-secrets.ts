import { randomBytes } from 'node:crypto';
import { SecretBox } from '../../../src/secrets/secret-box';

/** A box over a fresh in-memory key ring, for module specs that have no data directory. */
export function testSecretBox(): SecretBox {
  return new SecretBox({ current: 'spec-key', keys: new Map([['spec-key', randomBytes(32)]]) });
}
