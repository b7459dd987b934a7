import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import autocannon from 'autocannon';

export interface Measurement {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  /** Every request sent, the warm-up's included (to divide counters kept across both). */
  sentRequests: number;
}

/** Runs autocannon against one URL on 127.0.0.1 and keeps what the report prints. */
export async function measure(
  name: string,
  url: string,
  headers: Record<string, string>,
  seconds: number,
): Promise<Measurement> {
  // A short unrecorded run first, so every case is measured warm (JIT, caches), not just the later ones.
  const warm = await autocannon({ url, headers, connections: 10, duration: 1 });
  const result = await autocannon({ url, headers, connections: 10, duration: seconds });
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    sentRequests: warm.requests.total + result.requests.total,
  };
}

export function formatRow(
  m: Measurement,
  ceiling?: Measurement,
  queriesPerRequest?: number,
): string {
  const ratio = ceiling
    ? ` ${((m.requestsPerSecond / ceiling.requestsPerSecond) * 100).toFixed(1)}% of ceiling`
    : '';
  const queries =
    queriesPerRequest === undefined ? '' : ` ${queriesPerRequest.toFixed(2)} SQL/request`;
  return `${m.name.padEnd(48)} ${m.requestsPerSecond.toFixed(0).padStart(7)} req/s  p50 ${m.p50} ms  p99 ${m.p99} ms${ratio}${queries}${m.non2xx > 0 ? `  (${m.non2xx} non-2xx!)` : ''}`;
}

export { freePort } from '../spec/support/free-port';

/** Spawns a node process and resolves once its stdout says `ready`. */
export async function spawnUntil(
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`not ready in 120 s: ${output}`));
    }, 120_000);
    const onExit = (code: number | null): void => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)}: ${output}`));
    };
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes(ready)) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve();
      }
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', onExit);
  });
  return child;
}

export async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
