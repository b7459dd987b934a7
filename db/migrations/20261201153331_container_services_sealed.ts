import type { Knex } from 'knex';

/**
 * Issue 9 item 4: a container service's Env values and SSLCert (a private key) leave the plaintext
 * `spec` JSON for this column, sealed with the key ring (AES-256-GCM) like broker passwords.
 * NULL marks a row written before this migration; the containers module seals those at start.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('container_services', (t) => {
    t.text('secrets_encrypted');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('container_services', (t) => {
    t.dropColumn('secrets_encrypted');
  });
}
