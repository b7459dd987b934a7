/**
 * Docker's image reference grammar (distribution/reference, `reference.go` and `normalize.go`):
 *   reference := name [":" tag] ["@" digest]
 *   name      := [domain "/"] path-component ("/" path-component)*
 * Anything the grammar refuses is refused before the engine sees it, so a request can never steer
 * dockerd towards an address the operator did not allow.
 */
export interface ImageReference {
  /** Registry host (and port) in lower case; `docker.io` when the reference names none. */
  registry: string;
  repository: string;
  tag: string | undefined;
  digest: string | undefined;
}

export type ImageReferenceResult =
  { ok: true; reference: ImageReference } | { ok: false; message: string };

export const DOCKER_HUB = 'docker.io';
/** Names Docker itself treats as Docker Hub. */
const HUB_ALIASES = new Set([DOCKER_HUB, 'index.docker.io', 'registry-1.docker.io']);

const MAX_NAME_LENGTH = 255;
const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_COMPONENT = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const IPV6_HOST = /^\[[a-fA-F0-9:]+\]$/;
const PORT = /^[0-9]{1,5}$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}$/;
const IMAGE_ID = /^[a-f0-9]{64}$/;

const invalid = (ref: string, why: string): ImageReferenceResult => ({
  ok: false,
  message: `Image "${printable(ref)}" is not a valid image reference (${why})`,
});

/** Parses one reference; never throws, and looks at the string only (no I/O). */
export function parseImageReference(ref: string): ImageReferenceResult {
  if (ref.length === 0) return invalid(ref, 'empty');
  if (ref.length > MAX_NAME_LENGTH + 200) return invalid(ref, 'too long');
  const at = ref.indexOf('@');
  const withoutDigest = at < 0 ? ref : ref.slice(0, at);
  const digest = at < 0 ? undefined : ref.slice(at + 1);
  if (digest !== undefined && !DIGEST.test(digest)) return invalid(ref, 'bad digest');
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  const name = colon < 0 ? withoutDigest : withoutDigest.slice(0, colon);
  const tag = colon < 0 ? undefined : withoutDigest.slice(colon + 1);
  if (tag !== undefined && !TAG.test(tag)) return invalid(ref, 'bad tag');
  if (name.length === 0 || name.length > MAX_NAME_LENGTH) return invalid(ref, 'bad name length');
  if (IMAGE_ID.test(name)) return invalid(ref, 'an image id is not a name');
  const { domain, path } = splitDomain(name);
  if (domain !== undefined && !isDomain(domain)) return invalid(ref, 'bad registry host');
  const components = path.split('/');
  if (!components.every((c) => PATH_COMPONENT.test(c))) {
    return invalid(ref, 'repository must be lowercase letters, digits and . _ - separators');
  }
  const registry = domain === undefined ? DOCKER_HUB : domain.toLowerCase();
  return {
    ok: true,
    reference: {
      registry: HUB_ALIASES.has(registry) ? DOCKER_HUB : registry,
      repository: path,
      tag,
      digest,
    },
  };
}

/** normalize.go's rule: the first component is a registry when it has "." or ":" or is localhost. */
function splitDomain(name: string): { domain: string | undefined; path: string } {
  const slash = name.indexOf('/');
  if (slash < 0) return { domain: undefined, path: name };
  const first = name.slice(0, slash);
  const isRegistry =
    first.includes('.') ||
    first.includes(':') ||
    first === 'localhost' ||
    first !== first.toLowerCase();
  return isRegistry
    ? { domain: first, path: name.slice(slash + 1) }
    : { domain: undefined, path: name };
}

function isDomain(domain: string): boolean {
  const colon = domain.startsWith('[')
    ? domain.indexOf(':', domain.indexOf(']'))
    : domain.indexOf(':');
  const host = colon < 0 ? domain : domain.slice(0, colon);
  const port = colon < 0 ? undefined : domain.slice(colon + 1);
  if (port !== undefined && (!PORT.test(port) || Number(port) > 65535)) return false;
  if (IPV6_HOST.test(host)) return true;
  return host.split('.').every((c) => DOMAIN_COMPONENT.test(c));
}

/**
 * `WHARF_ALLOWED_REGISTRIES` entries are hosts with an optional port, compared case-insensitively;
 * Docker Hub's aliases count as Docker Hub.
 */
export function isRegistryAllowed(registry: string, allowed: readonly string[]): boolean {
  return allowed.some((entry) => {
    const wanted = entry.trim().toLowerCase();
    return (HUB_ALIASES.has(wanted) ? DOCKER_HUB : wanted) === registry;
  });
}

/** Keeps error messages one readable line whatever the client sent. */
function printable(text: string): string {
  const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
  return shown.replace(/[^\x20-\x7e]/g, '?');
}
