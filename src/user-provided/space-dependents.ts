import type { SpaceDependent } from '../orgs';
import { countOf } from '../db/paging';

/** User-provided instances keep their space from a non-recursive delete, as managed ones do (CC: one table). */
export const userProvidedInSpaces: SpaceDependent = {
  association: 'service_instances',
  countIn: async (db, spaceIds) =>
    countOf(
      await db('user_provided_service_instances')
        .whereIn('space_id', spaceIds)
        .count({ n: '*' })
        .first(),
    ),
};
