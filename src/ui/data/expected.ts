import { ContainerServiceError } from '../../containers';
import { CfError } from '../../http/cf-errors';
import { DashboardProblem } from '../ports';

/**
 * Runs one feature call; its expected failures (CC's errors, the container API's) become a
 * DashboardProblem with the same status and words the API would give. Anything else stays a bug.
 */
export async function expected<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof CfError) throw new DashboardProblem(err.status, err.message);
    if (err instanceof ContainerServiceError) throw new DashboardProblem(err.status, err.message);
    throw err;
  }
}

/** A zod-style parse failure of a form, in the API's MessageParseError words. */
export function invalidForm(problems: string): DashboardProblem {
  return new DashboardProblem(400, `Request invalid due to parse error: ${problems}`);
}
