import type { Knex } from 'knex';
import type { SecretBox } from './secret-box';

/** Every sealed column in Wharf's schema: `wharf rotate-key` re-seals them all. */
export const SEALED_COLUMNS: ReadonlyArray<readonly [table: string, column: string]> = [
  ['service_brokers', 'auth_password_encrypted'],
  ['service_instances', 'parameters_encrypted'],
  ['service_instances', 'secrets_encrypted'],
  ['service_keys', 'credentials_encrypted'],
  ['service_keys', 'parameters_encrypted'],
  ['osb_service_instances', 'parameters_encrypted'],
  ['osb_service_instances', 'secrets_encrypted'],
  ['osb_service_instances', 'pending_parameters_encrypted'],
  ['osb_service_bindings', 'credentials_encrypted'],
  ['container_services', 'secrets_encrypted'],
  ['user_provided_service_instances', 'credentials_encrypted'],
  ['ui_sessions', 'access_token_sealed'],
  ['ui_sessions', 'refresh_token_sealed'],
];

/** Re-seals, in one transaction, every value not sealed with the current key. Returns how many. */
export async function resealAll(knex: Knex, box: SecretBox): Promise<number> {
  return knex.transaction(async (trx) => {
    let count = 0;
    for (const [table, column] of SEALED_COLUMNS) {
      const rows: { id: number; value: string | null }[] = await trx(table)
        .select('id', `${column} as value`)
        .whereNotNull(column)
        .whereNot(column, '');
      for (const row of rows) {
        if (row.value === null || box.keyIdOf(row.value) === box.currentKeyId) continue;
        await trx(table)
          .where('id', row.id)
          .update({ [column]: box.encrypt(box.decrypt(row.value)) });
        count++;
      }
    }
    return count;
  });
}
