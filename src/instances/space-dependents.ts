import type { SpaceDependent } from '../orgs';
import { countOf } from '../db/paging';

/** Instances keep their space from being deleted (CC's AssociationNotEmpty); the orgs store asks. */
export const instancesInSpaces: SpaceDependent = {
  association: 'service_instances',
  countIn: async (db, spaceIds) =>
    countOf(await db('service_instances').whereIn('space_id', spaceIds).count({ n: '*' }).first()),
};
