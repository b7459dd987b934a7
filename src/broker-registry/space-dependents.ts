import type { SpaceDependent } from '../orgs';
import { countOf } from '../db/paging';

/** Space-scoped brokers keep their space from being deleted; the orgs store asks. */
export const brokersInSpaces: SpaceDependent = {
  association: 'service_brokers',
  countIn: async (db, spaceIds) =>
    countOf(await db('service_brokers').whereIn('space_id', spaceIds).count({ n: '*' }).first()),
};
