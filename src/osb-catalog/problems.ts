/** Every problem of a catalog, grouped the way CC's ValidationErrorsFormatter prints them. */
export interface PlanProblems {
  /** The plan's name as CC prints it (`to_s` of whatever the broker sent). */
  name: string;
  messages: string[];
  /** Printed under a "Schemas" line. */
  schemaMessages: string[];
}

export interface ServiceProblems {
  name: string;
  messages: string[];
  plans: PlanProblems[];
}

export interface CatalogProblemReport {
  /** Catalog-wide problems (uniqueness across services, no services at all). */
  messages: string[];
  services: ServiceProblems[];
}

const INDENT = '  ';

function planHasProblems(plan: PlanProblems): boolean {
  return plan.messages.length > 0 || plan.schemaMessages.length > 0;
}

function serviceHasProblems(service: ServiceProblems): boolean {
  return service.messages.length > 0 || service.plans.some(planHasProblems);
}

export function hasProblems(report: CatalogProblemReport): boolean {
  return report.messages.length > 0 || report.services.some(serviceHasProblems);
}

/**
 * CC's layout: a leading newline (the template reads "Service broker catalog is invalid: %s"),
 * catalog lines, then per service "Service <name>" with its lines indented once, per plan
 * "  Plan <name>" with its lines indented twice, and schema lines under "    Schemas".
 * Services and plans without problems are left out.
 */
export function formatCatalogProblems(report: CatalogProblemReport): string {
  const lines: string[] = [...report.messages];
  for (const service of report.services.filter(serviceHasProblems)) {
    lines.push(`Service ${service.name}`);
    lines.push(...service.messages.map((m) => INDENT + m));
    for (const plan of service.plans.filter(planHasProblems)) {
      lines.push(`${INDENT}Plan ${plan.name}`);
      lines.push(...plan.messages.map((m) => INDENT.repeat(2) + m));
      if (plan.schemaMessages.length > 0) {
        lines.push(`${INDENT.repeat(2)}Schemas`);
        lines.push(...plan.schemaMessages.map((m) => INDENT.repeat(3) + m));
      }
    }
  }
  return `\n${lines.map((line) => `${line}\n`).join('')}`;
}
