/** GETs a URL and returns status and body; network errors become status 0 (counted as failures). */
export async function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string; headers: Headers }> {
  try {
    const res = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
    return { status: res.status, body: await res.text(), headers: res.headers };
  } catch (err) {
    // fetch's errors come from Node's realm, not jest's: read properties instead of instanceof.
    const e = err as { message?: string; cause?: { code?: string; message?: string } };
    const text = `${e.message ?? 'failed'} ${e.cause?.code ?? ''} ${e.cause?.message ?? ''}`;
    return { status: 0, body: text, headers: new Headers() };
  }
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  what: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}${last instanceof Error ? `: ${last.message}` : ''}`,
  );
}

/** Hostnames seen over `n` fresh requests. */
export async function hostnamesSeen(base: string, n: number, path = '/'): Promise<string[]> {
  const seen: string[] = [];
  for (let i = 0; i < n; i++) {
    const { status, body } = await get(`${base}${path}`);
    const m = /hostname=(\w+)/.exec(body);
    if (status === 200 && m?.[1]) seen.push(m[1]);
  }
  return seen;
}

/**
 * Requests `base` until every expected hostname has answered, and returns the hostnames seen.
 * Health checks in these specs are deliberately fast (Fall 1), so on a loaded machine one replica
 * may miss a check and sit out a few requests; what matters is that each of them serves.
 */
export async function hostnamesUntilAllServe(
  base: string,
  expected: Set<string>,
  timeoutMs = 20000,
): Promise<Set<string>> {
  const seen = new Set<string>();
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const h of await hostnamesSeen(base, expected.size)) seen.add(h);
    if ([...expected].every((h) => seen.has(h))) return seen;
    await new Promise((r) => setTimeout(r, 200));
  }
  return seen;
}
