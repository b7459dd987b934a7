import { randomUUID } from 'node:crypto';
import type { Db } from '../db/knex';

const TABLE = 'service_instance_names';

/** Who holds a name in a space: an instance of either kind, or a share of a managed instance. */
export type NameHolder =
  | { kind: 'managed'; id: number }
  | { kind: 'user-provided'; id: number }
  | { kind: 'share'; id: number };

function holderColumn(holder: NameHolder): string {
  switch (holder.kind) {
    case 'managed':
      return 'service_instance_id';
    case 'user-provided':
      return 'user_provided_service_instance_id';
    case 'share':
      return 'service_instance_share_id';
  }
}

/**
 * Claims `name` in the space for its holder, inside the holder's own insert transaction. The
 * unique (space, name) index is the race-proof guard across managed, user-provided and shared-in
 * instances: a second claim fails with a unique violation (`isUniqueViolation`), which its caller
 * reports as CC's name-taken error. The claim goes with its holder (ON DELETE CASCADE).
 */
export async function claimInstanceName(
  db: Db,
  spaceId: number,
  name: string,
  holder: NameHolder,
): Promise<void> {
  await db(TABLE).insert({
    guid: randomUUID(),
    space_id: spaceId,
    name,
    [holderColumn(holder)]: holder.id,
  });
}

/**
 * Moves the holder's claim to a new name (a rename), inside the rename's transaction. A holder
 * without a claim (a clash the old read check let in, left unclaimed by the migration) claims now.
 */
export async function renameInstanceClaim(
  db: Db,
  spaceId: number,
  holder: NameHolder,
  name: string,
): Promise<void> {
  const moved = await db(TABLE).where(holderColumn(holder), holder.id).update({ name });
  if (moved === 0) await claimInstanceName(db, spaceId, name, holder);
}
