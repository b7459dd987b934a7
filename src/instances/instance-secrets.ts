import crypto from 'node:crypto';
import { z } from 'zod';
import type { SecretBox } from '../secrets';
import type { InstancesStore } from './store';

const secretsSchema = z.record(z.string());

/** Random secrets generated once per instance (`${secret:NAME}`), kept sealed in its row. */
export class InstanceSecrets {
  constructor(
    private readonly store: InstancesStore,
    private readonly box: SecretBox,
  ) {}

  async ensure(instanceGuid: string, names: readonly string[]): Promise<Record<string, string>> {
    const sealed = await this.store.readSecrets(instanceGuid);
    const current =
      sealed === null ? {} : secretsSchema.parse(JSON.parse(this.box.decrypt(sealed)));
    const missing = names.filter((n) => current[n] === undefined);
    if (missing.length === 0) return current;
    const next = {
      ...current,
      ...Object.fromEntries(missing.map((n) => [n, crypto.randomBytes(18).toString('base64url')])),
    };
    await this.store.writeSecrets(instanceGuid, this.box.encrypt(JSON.stringify(next)));
    return next;
  }
}
