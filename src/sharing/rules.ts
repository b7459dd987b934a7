/**
 * CC's service-level sharing rules as pure functions (ServiceInstanceShare#create). A service's
 * `extra` is the catalog's JSON string; `shareable: true` in it is the broker's opt-in
 * (OSB `metadata.shareable`), and anything else (absent, not JSON, not `true`) keeps sharing off.
 */
export function isShareable(extra: string | null): boolean {
  if (extra === null) return false;
  let parsed: unknown;
  try {
    parsed = JSON.parse(extra);
  } catch {
    return false;
  }
  return (
    typeof parsed === 'object' &&
    parsed !== null &&
    'shareable' in parsed &&
    parsed.shareable === true
  );
}

/** Route services (`requires: ["route_forwarding"]`) are bound to routes of their own space only. */
export function isRouteService(requires: readonly string[]): boolean {
  return requires.includes('route_forwarding');
}

/** Why the instance itself cannot be shared, whatever the target; undefined when it can. */
export function instanceSharingRefusal(service: {
  label: string;
  extra: string | null;
  requires: readonly string[];
}): string | undefined {
  if (isRouteService(service.requires)) return 'Route services cannot be shared.';
  if (!isShareable(service.extra))
    return `The ${service.label} service does not support service instance sharing.`;
  return undefined;
}
