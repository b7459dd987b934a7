import type { Knex } from '../db/knex';
import type { KeyMaterialStore } from './key-material-store';
import { addStoredKey, makeStoredKeyCurrent } from './key-ring';
import { resealAll } from './reseal-store';
import type { SecretBox } from './secret-box';

/**
 * Rotates the encryption key of an installation of many processes. The new key is published
 * first and made current only after every running process has re-read the ring (one refresh
 * interval plus a margin), so no process ever meets a value sealed under a key it lacks; then every
 * stored secret is re-sealed with it. Returns the new key id and how many values were re-sealed.
 */
export async function rotateEncryptionKey(deps: {
  store: KeyMaterialStore;
  box: SecretBox;
  knex: Knex;
  /** How long the other processes may take to re-read the ring (their refresh interval). */
  propagationMs: number;
  sleep?: (ms: number) => Promise<void>;
}): Promise<{ keyId: string; resealed: number }> {
  const sleep = deps.sleep ?? ((ms) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const keyId = await addStoredKey(deps.store);
  await sleep(deps.propagationMs);
  deps.box.useRing(await makeStoredKeyCurrent(deps.store, keyId));
  return { keyId, resealed: await resealAll(deps.knex, deps.box) };
}
