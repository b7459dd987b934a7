import { randomUUID } from 'node:crypto';

/**
 * The owner label value older Wharfs put on everything. No installation may take it as its id:
 * objects carrying it are adopted only by the installation whose database knows their service.
 */
export const LEGACY_OWNER = 'wharf';

/** A Docker label value fit for filters: short, no `=` or commas, readable in `docker ps`. */
const PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export type InstallationIdCheck = { ok: true } | { ok: false; reason: string };

export function checkInstallationId(value: string): InstallationIdCheck {
  if (!PATTERN.test(value)) {
    return {
      ok: false,
      reason: 'must be 1-64 characters of letters, digits, ".", "_" or "-", starting alphanumeric',
    };
  }
  if (value === LEGACY_OWNER) {
    return { ok: false, reason: `"${LEGACY_OWNER}" is the label of older Wharfs and is reserved` };
  }
  return { ok: true };
}

export function newInstallationId(): string {
  return randomUUID();
}
