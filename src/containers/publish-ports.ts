/** The host ports published services may take: `WHARF_PUBLISH_PORTS`, inclusive. */
export interface PortRange {
  first: number;
  last: number;
}

/** `"30000-32767"` → range; undefined for anything else (config turns that into an error). */
export function parsePortRange(text: string): PortRange | undefined {
  const m = /^\s*(\d{1,5})\s*-\s*(\d{1,5})\s*$/.exec(text);
  if (m === null) return undefined;
  const first = Number(m[1]);
  const last = Number(m[2]);
  if (first < 1 || last > 65535 || first > last) return undefined;
  return { first, last };
}

/**
 * The ports to try for a new service, in order: every port of the range not in `taken`, starting
 * at `start` (an offset into the range, so installations sharing a host rarely try the same port
 * first) and wrapping around. Pure; the caller claims them one by one.
 */
export function candidatePorts(
  range: PortRange,
  taken: ReadonlySet<number>,
  start: number,
): number[] {
  const size = range.last - range.first + 1;
  const offset = ((Math.floor(start) % size) + size) % size;
  const ports: number[] = [];
  for (let i = 0; i < size; i++) {
    const port = range.first + ((offset + i) % size);
    if (!taken.has(port)) ports.push(port);
  }
  return ports;
}
