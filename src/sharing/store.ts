import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock';
import type { Db, Knex } from '../db/knex';
import { countOf, pageOf } from '../db/paging';
import type { Paged } from '../db/paging';
import type { PageRequest } from '../db/page-request';
import { currentTimestamp } from '../db/timestamps';
import { claimInstanceName } from '../instance-names';
import { spacesVisibleTo } from '../orgs';

const TABLE = 'service_instance_shares';

/** A space an instance is shared into, as CC names it in `shared_to` and the space summary. */
export interface ShareTarget {
  spaceId: number;
  spaceGuid: string;
  spaceName: string;
  organizationName: string;
}

interface TargetRow {
  space_id: number;
  space_guid: string;
  space_name: string;
  organization_name: string;
}

function toTarget(row: TargetRow): ShareTarget {
  return {
    spaceId: row.space_id,
    spaceGuid: row.space_guid,
    spaceName: row.space_name,
    organizationName: row.organization_name,
  };
}

/**
 * Ids of the managed instances shared into `spaceIds` (a sub-select for other features' lists,
 * as orgs' `spacesVisibleTo` is): a shared instance shows in the spaces it is shared into.
 */
export function instancesSharedInto(
  db: Db,
  spaceIds: Knex.QueryBuilder | number,
): Knex.QueryBuilder {
  const qb = db(TABLE).select(`${TABLE}.service_instance_id`);
  return typeof spaceIds === 'number'
    ? qb.where(`${TABLE}.space_id`, spaceIds)
    : qb.whereIn(`${TABLE}.space_id`, spaceIds);
}

/**
 * The shares of managed instances into other spaces (`service_instance_shares`). Rows go with
 * their instance or their target space (ON DELETE CASCADE): deleting either unshares.
 */
export class SharesStore {
  constructor(
    private readonly db: Db,
    private readonly clock: Clock,
  ) {}

  private targets(instanceId: number): Knex.QueryBuilder {
    return this.db(TABLE)
      .join('spaces', 'spaces.id', `${TABLE}.space_id`)
      .join('organizations', 'organizations.id', 'spaces.organization_id')
      .where(`${TABLE}.service_instance_id`, instanceId)
      .select(
        `${TABLE}.space_id`,
        'spaces.guid as space_guid',
        'spaces.name as space_name',
        'organizations.name as organization_name',
      );
  }

  /** One page of the spaces the instance is shared into, in the order they were shared. */
  async sharedTo(instanceId: number, request: PageRequest): Promise<Paged<ShareTarget>> {
    const { total, rows } = await pageOf<TargetRow>(
      this.targets(instanceId),
      request,
      `${TABLE}.id`,
    );
    return { total, items: rows.map(toTarget) };
  }

  /** Every space the instance is shared into (a share count is small: one per space). */
  async allTargets(instanceId: number): Promise<ShareTarget[]> {
    const rows: TargetRow[] = await this.targets(instanceId).orderBy(`${TABLE}.id`);
    return rows.map(toTarget);
  }

  async count(instanceId: number): Promise<number> {
    return countOf(
      await this.db(TABLE).where('service_instance_id', instanceId).count({ n: '*' }).first(),
    );
  }

  /** Whether the user sees the instance through one of the spaces it is shared into. */
  async visibleThroughShare(instanceId: number, userGuid: string): Promise<boolean> {
    const row: unknown = await this.db(TABLE)
      .where('service_instance_id', instanceId)
      .whereIn('space_id', spacesVisibleTo(this.db, { userGuid }))
      .first('id');
    return row !== undefined;
  }

  /**
   * Shares into every space at once (one transaction); a space it is already shared into is left
   * as it is. Each new share claims the instance's name in its space: a concurrent create or share
   * of that name there makes this fail with a unique violation, and nothing is shared.
   */
  async add(instanceId: number, name: string, spaceIds: readonly number[]): Promise<void> {
    const now = currentTimestamp(this.clock.now());
    await this.db.transaction(async (trx) => {
      for (const spaceId of spaceIds) {
        const existing: unknown = await trx(TABLE)
          .where({ service_instance_id: instanceId, space_id: spaceId })
          .first('id');
        if (existing !== undefined) continue;
        const guid = randomUUID();
        await trx(TABLE).insert({
          guid,
          service_instance_id: instanceId,
          space_id: spaceId,
          created_at: now,
          updated_at: now,
        });
        const row: { id: number } | undefined = await trx(TABLE).where({ guid }).first('id');
        if (row) await claimInstanceName(trx, spaceId, name, { kind: 'share', id: row.id });
      }
    });
  }

  /** Removes one share; false when there was none. */
  async remove(instanceId: number, spaceId: number): Promise<boolean> {
    const n = await this.db(TABLE)
      .where({ service_instance_id: instanceId, space_id: spaceId })
      .delete();
    return n > 0;
  }
}
