import { CfError } from '../http/cf-errors';

/**
 * Checks a catalog entry's `extra` (e.g. a container template, see src/instances). Returns the
 * problem, naming the field, or undefined. `serviceExtra` is the service's own when checking a plan.
 */
export type ExtraCheck = (
  extra: string | null,
  serviceExtra: string | null | undefined,
) => string | undefined;

export function assertExtra(
  check: ExtraCheck,
  error: 'ServiceInvalid' | 'ServicePlanInvalid',
  extra: string | undefined | null,
  serviceExtra: string | null | undefined,
): void {
  const problem = check(extra ?? null, serviceExtra);
  if (problem !== undefined) throw new CfError(error, problem);
}
