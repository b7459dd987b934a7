import { z } from 'zod';
import type { SecretBox } from '../secrets';
import { parseStoredSpec } from './stored-spec';
import type { ServiceSpec } from './types';

/** The two columns a spec is stored in: plaintext JSON, and its secret parts sealed. */
export interface SpecColumns {
  spec: string;
  secrets_encrypted: string;
}

const sealedPartsSchema = z.object({ env: z.array(z.string()), sslCert: z.string() });

/**
 * Env (values rendered from `${secret:…}`, or any a user typed) and SSLCert (a private key) are
 * sealed with the key ring; the rest of the spec stays readable JSON (labels are filtered on,
 * replicas counted for quotas). `wharf rotate-key` re-seals the column like every other.
 */
export class SpecSealer {
  constructor(private readonly box: SecretBox) {}

  toColumns(spec: ServiceSpec): SpecColumns {
    const parts: z.infer<typeof sealedPartsSchema> = { env: spec.env, sslCert: spec.sslCert };
    return {
      spec: JSON.stringify({ ...spec, env: [], sslCert: '' }),
      secrets_encrypted: this.box.encrypt(JSON.stringify(parts)),
    };
  }

  /** A NULL `sealed` is a row written before sealing: its spec JSON still holds everything. */
  fromColumns(spec: string, sealed: string | null): ServiceSpec {
    const open = parseStoredSpec(spec);
    if (sealed === null) return open;
    const parts = sealedPartsSchema.parse(JSON.parse(this.box.decrypt(sealed)));
    return { ...open, env: parts.env, sslCert: parts.sslCert };
  }
}
