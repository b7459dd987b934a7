import { randomUUID } from 'node:crypto';
import type { Db } from '../db/knex';
import { currentTimestamp } from '../db/timestamps';

/** Which SCIM-created users CC has not registered yet (table scim_user_registrations). */
export class ScimRegistrationsStore {
  constructor(private readonly db: Db) {}

  async recordCreated(userId: number, now: Date): Promise<void> {
    const at = currentTimestamp(now);
    await this.db('scim_user_registrations').insert({
      guid: randomUUID(),
      user_id: userId,
      registered_in_cc: false,
      created_at: at,
      updated_at: at,
    });
  }

  /** Marks the first CC registration; true only for the one caller that made it. */
  async claim(userGuid: string, now: Date): Promise<boolean> {
    const changed = await this.db('scim_user_registrations')
      .whereIn('user_id', this.db('users').select('id').where({ guid: userGuid }))
      .where({ registered_in_cc: false })
      .update({ registered_in_cc: true, updated_at: currentTimestamp(now) });
    return changed > 0;
  }
}
