import type { Knex } from '../db/knex';
import { loadStoredSigningKeys, parseSigningKeys, rotateSigningKey, SigningKeys } from '../auth';
import type { WharfConfig } from '../config';
import type { Logger } from '../logger';
import { loadOrCreateBrokerCredentials, loadStoredBrokerCredentials } from '../osb-server';
import type { LoadedBrokerCredentials } from '../osb-server';
import {
  DatabaseKeyMaterial,
  DataDirKeyMaterial,
  KeyRefresher,
  loadStoredKeyRing,
  masterBox,
  parseMasterKey,
  parseRing,
  rotateEncryptionKey,
  SecretBox,
  serializeRing,
  withConfiguredKey,
} from '../secrets';
import type { KeyMaterialStore } from '../secrets';

/** Every key of an installation, as one process holds them (kept fresh by `refresher`). */
export interface InstallationKeys {
  store: KeyMaterialStore;
  signingKeys: SigningKeys;
  secrets: SecretBox;
  brokerCredentials: LoadedBrokerCredentials;
  /** Re-reads the stored keys periodically and on an unknown key id; start/stop with the app. */
  refresher: KeyRefresher;
}

/**
 * Where the keys live: with WHARF_MASTER_KEY, sealed in the database (processes on any host
 * share them); without it, in the data directory as before. A database whose keys are sealed
 * must not be opened without the master key: that process would make keys of its own.
 */
async function openStore(knex: Knex, config: WharfConfig): Promise<KeyMaterialStore> {
  if (config.masterKey === undefined) {
    if (await DatabaseKeyMaterial.anyIn(knex)) {
      throw new Error(
        "this database's key material is sealed under WHARF_MASTER_KEY: start every process of the installation with the same WHARF_MASTER_KEY",
      );
    }
    return new DataDirKeyMaterial(config.dataDir);
  }
  const key = parseMasterKey(config.masterKey);
  if (key === undefined) throw new Error('WHARF_MASTER_KEY must be 32 bytes in base64');
  return new DatabaseKeyMaterial(knex, masterBox(key));
}

export async function loadInstallationKeys(
  knex: Knex,
  config: WharfConfig,
  logger: Logger,
): Promise<InstallationKeys> {
  const store = await openStore(knex, config);
  const signing = await loadStoredSigningKeys(store, config.dataDir);
  const signingKeys = new SigningKeys(signing.keys);
  const ring = await loadStoredKeyRing(store, config.dataDir, config.encryptionKey);
  const secrets = new SecretBox(ring);
  const brokerCredentials = store.shared
    ? await loadStoredBrokerCredentials(store, config.dataDir, {
        username: config.brokerUsername,
        password: config.brokerPassword,
      })
    : loadOrCreateBrokerCredentials(config.dataDir, {
        username: config.brokerUsername,
        password: config.brokerPassword,
      });

  const refresher = new KeyRefresher(store, config.keyRefreshMs, logger);
  refresher.watch('signing-keys', signing.text, (text) => {
    const keys = parseSigningKeys(text);
    signingKeys.replace(keys);
    logger.info({ kids: keys.map((k) => k.kid) }, 'token signing keys reloaded');
  });
  refresher.watch('encryption-keys', serializeRing(ring), (text) => {
    const next = withConfiguredKey(parseRing(text), config.encryptionKey);
    secrets.useRing(next);
    logger.info({ current: next.current }, 'encryption key ring reloaded');
  });
  secrets.onUnknownKey(() => {
    void refresher.refreshOnDemand();
  });
  return { store, signingKeys, secrets, brokerCredentials, refresher };
}

/**
 * `wharf rotate-key`: a new token signing key (current at once; the others reload on its unknown
 * kid) and a new encryption key (made current once every process has had time to load it), then
 * every stored secret re-sealed. Other processes need no restart.
 */
export async function rotateInstallationKeys(
  keys: InstallationKeys,
  knex: Knex,
  config: WharfConfig,
  sleep?: (ms: number) => Promise<void>,
): Promise<{ kid: string; keyId: string; resealed: number }> {
  if (config.encryptionKey !== undefined)
    throw new Error(
      'WHARF_DB_ENCRYPTION_KEY is set: rotate by changing it (old keys stay in the key ring)',
    );
  const signing = await rotateSigningKey(keys.store);
  keys.signingKeys.replace(signing);
  const { keyId, resealed } = await rotateEncryptionKey({
    store: keys.store,
    box: keys.secrets,
    knex,
    // One refresh interval of the others, plus a margin for a slow read.
    propagationMs: config.keyRefreshMs + 1000,
    ...(sleep ? { sleep } : {}),
  });
  return { kid: keys.signingKeys.current.kid, keyId, resealed };
}
