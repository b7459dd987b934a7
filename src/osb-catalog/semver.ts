/**
 * Semantic Versioning 2.0.0 (semver.org), the one rule for every `maintenance_info.version`
 * Wharf reads: a broker's catalog, `POST /v2/service_plans`, an instance update. Numeric
 * identifiers have no leading zeros (§2, §9), so `1.0.0-01` is not a version. This is the
 * regular expression semver.org itself recommends.
 */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export function isSemver(input: unknown): input is string {
  return typeof input === 'string' && SEMVER.test(input);
}
