import type { SharedSpace } from '../instances';

/** `{space_guid, space_name, organization_name}`: the v2 `shared_from` body and `shared_to` rows. */
export function presentSharedSpace(space: SharedSpace): Record<string, string> {
  return {
    space_guid: space.spaceGuid,
    space_name: space.spaceName,
    organization_name: space.organizationName,
  };
}

/** A v3 to-many relationship: the CLI decodes `data[].guid`. */
export function presentSharedSpaces(
  base: string,
  instanceGuid: string,
  spaceGuids: readonly string[],
): { data: { guid: string }[]; links: { self: { href: string } } } {
  return {
    data: spaceGuids.map((guid) => ({ guid })),
    links: {
      self: { href: `${base}/v3/service_instances/${instanceGuid}/relationships/shared_spaces` },
    },
  };
}
