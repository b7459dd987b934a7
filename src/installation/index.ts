import type { Knex } from '../db/knex';
import { checkInstallationId, newInstallationId } from './installation-id';
import { InstallationStore } from './installation-store';

export { LEGACY_OWNER, checkInstallationId } from './installation-id';

/**
 * This installation's id: the one stored in the database, created on first start (from
 * `explicit` when given, else random). An explicit id that disagrees with the stored one is an
 * error, not a rename: the objects labelled with the old id would be orphaned and their names
 * would collide with the new ones.
 */
export async function resolveInstallationId(
  knex: Knex,
  explicit: string | undefined,
): Promise<string> {
  if (explicit !== undefined) {
    const check = checkInstallationId(explicit);
    if (!check.ok) throw new Error(`Invalid WHARF_INSTALLATION_ID: ${check.reason}`);
  }
  const store = new InstallationStore(knex);
  const id = (await store.read()) ?? (await store.createOnce(explicit ?? newInstallationId()));
  if (explicit !== undefined && explicit !== id) {
    throw new Error(
      `WHARF_INSTALLATION_ID is ${explicit} but this database belongs to installation ${id}; ` +
        'unset it or set it to the stored id',
    );
  }
  return id;
}
