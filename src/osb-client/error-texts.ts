/** CC's text for a MaintenanceInfoConflict whose broker gave no usable description (§5.3). */
export const MAINTENANCE_INFO_CONFLICT_FALLBACK =
  'The service broker did not provide a reason for this conflict, please ensure the catalog is up to date and you are providing a version supported by this service plan';

/**
 * The broker's own `description` when its body is a JSON object with that key (CC checks the key,
 * not the type: a non-string value is shown as JSON). `raw` keeps the value for stricter callers.
 */
export function brokerDescription(body: string): { text: string; raw: unknown } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  if (!('description' in parsed)) return undefined;
  const raw: unknown = parsed.description;
  if (typeof raw === 'string') return { text: raw, raw };
  return { text: raw === null ? '' : JSON.stringify(raw), raw };
}
