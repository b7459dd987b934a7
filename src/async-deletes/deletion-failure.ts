/** Why one resource inside could not be deleted: its own error's description. */
export type Leftover = string;

/**
 * CC's detail text of SpaceDeletionFailed / OrganizationDeletionFailed (SpaceDelete#delete): each
 * error's message, tab-indented, a blank line apart. Instance errors already name the instance.
 */
export function describeLeftovers(leftovers: readonly Leftover[]): string {
  return leftovers.map((l) => `\t${l}`).join('\n\n');
}
