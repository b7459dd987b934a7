import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createTestDatabase } from '../spec/support/test-database';
import { formatRow, freePort, measure, spawnUntil, stop } from './http-measure';

/**
 * Issue 9 §2: a flood of wrong passwords must not starve the API. The real server (`wharf serve`,
 * built in dist/) runs as its own process; admin `GET /v2/service_instances` is loaded from this
 * process alone, then again while a third process (autocannon's CLI) has 20 connections post
 * wrong passwords to `/oauth/token` (each a full scrypt check, or a 503 when the hashing queue
 * refuses it), and once more alone. The goal: during the flood, at least 50% of the better quiet
 * run.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const FLOOD_CONNECTIONS = 20;
const MAIN_JS = path.resolve(__dirname, '../src/main.js');
const AUTOCANNON_CLI = require.resolve('autocannon/autocannon.js');
const ADMIN_PASSWORD = 'bench-admin-password';
const GOAL = 0.5;

interface FloodResult {
  requestsPerSecond: number;
  statusCodes: Record<string, number>;
}

/** Runs the flood in its own process, so the list's load generator keeps its own event loop. */
function flood(url: string, seconds: number): Promise<FloodResult> {
  const child = spawn(
    process.execPath,
    [
      AUTOCANNON_CLI,
      '--json',
      '--no-progress',
      '-c',
      String(FLOOD_CONNECTIONS),
      '-d',
      String(seconds),
      '-m',
      'POST',
      '-H',
      'Authorization=Basic Y2Y6',
      '-H',
      'Content-Type=application/x-www-form-urlencoded',
      '-b',
      'grant_type=password&username=admin&password=wrong',
      url,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      if (code !== 0) {
        reject(new Error(`flood exited with ${String(code)}: ${stderr}`));
        return;
      }
      // Parse boundary: autocannon's JSON report.
      const report = JSON.parse(stdout) as {
        requests: { average: number };
        statusCodeStats?: Record<string, { count: number }>;
      };
      const statusCodes: Record<string, number> = {};
      for (const [code, stat] of Object.entries(report.statusCodeStats ?? {}))
        statusCodes[code] = stat.count;
      resolve({ requestsPerSecond: report.requests.average, statusCodes });
    });
  });
}

interface CpuSeconds {
  main: number;
  others: number;
}

/** CPU seconds a process spent so far: its main (event loop) thread, and all its other threads. */
function cpuSeconds(pid: number): CpuSeconds | undefined {
  const taskDir = `/proc/${pid}/task`;
  if (!fs.existsSync(taskDir)) return undefined;
  let main = 0;
  let others = 0;
  for (const tid of fs.readdirSync(taskDir)) {
    let stat: string;
    try {
      stat = fs.readFileSync(path.join(taskDir, tid, 'stat'), 'utf8');
    } catch {
      continue; // the thread ended meanwhile
    }
    // Fields after the parenthesised name start at field 3; utime and stime are 14 and 15 (ticks).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const seconds = (Number(fields[11]) + Number(fields[12])) / 100;
    if (tid === String(pid)) main += seconds;
    else others += seconds;
  }
  return { main, others };
}

function cpuLine(
  label: string,
  before: CpuSeconds | undefined,
  after: CpuSeconds | undefined,
  seconds: number,
): string {
  if (!before || !after) return `${label}: server CPU not measured (no /proc)`;
  const share = (a: number, b: number): string => `${(((b - a) / seconds) * 100).toFixed(0)}%`;
  return `${label.padEnd(6)} server CPU: main thread ${share(before.main, after.main)} of a core, other threads (hashing, database, GC) ${share(before.others, after.others)}`;
}

export async function benchLoginFlood(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-bench-login-'));
  const database = await createTestDatabase(dataDir, { migrated: false });
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await spawnUntil(
    [MAIN_JS, 'serve'],
    {
      PATH: process.env.PATH ?? '',
      WHARF_DATA_DIR: dataDir,
      WHARF_HOST: '127.0.0.1',
      WHARF_PORT: String(port),
      WHARF_EXTERNAL_URL: base,
      WHARF_MASTER_KEY: randomBytes(32).toString('base64'),
      WHARF_ADMIN_PASSWORD: ADMIN_PASSWORD,
      WHARF_LOG_LEVEL: 'warn',
      WHARF_BROKER_RESYNC_SECONDS: '0',
      // The flood comes from one address; the limiters would otherwise refuse it (429) before
      // any hashing, which is what they are for but not what this case measures.
      WHARF_LOGIN_MAX_FAILURES: '1000000000',
      WHARF_LOGIN_MAX_ADDRESS_FAILURES: '1000000000',
      ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
    },
    'Wharf listening',
  );
  const pid = server.pid ?? 0;
  try {
    const login = await fetch(`${base}/oauth/token`, {
      method: 'POST',
      headers: {
        Authorization: 'Basic Y2Y6',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: `grant_type=password&username=admin&password=${ADMIN_PASSWORD}`,
    });
    if (login.status !== 200) throw new Error(`admin login: ${login.status}`);
    // Parse boundary: the token endpoint's JSON.
    const { access_token: token } = (await login.json()) as { access_token: string };
    const list = `${base}/v2/service_instances`;
    const auth = { Authorization: `bearer ${token}` };

    let before = cpuSeconds(pid);
    const quiet = await measure('GET /v2/service_instances, quiet', list, auth, SECONDS);
    const quietCpu = cpuLine('quiet', before, cpuSeconds(pid), SECONDS + 1);
    process.stdout.write(`${formatRow(quiet)}\n`);

    // The flood starts first and outlasts the measurement (whose 1 s warm-up it covers).
    const flooding = flood(`${base}/oauth/token`, SECONDS + 2);
    before = cpuSeconds(pid);
    const during = await measure('GET /v2/service_instances, login flood', list, auth, SECONDS);
    const floodCpu = cpuLine('flood', before, cpuSeconds(pid), SECONDS + 1);
    const attack = await flooding;
    // Checks the flood left queued end within the wait limit; then the quiet value once more, so
    // the flood is compared with the better of a quiet run before it and one after it (the first
    // may still be warming up).
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const after = await measure('GET /v2/service_instances, quiet again', list, auth, SECONDS);
    process.stdout.write(`${formatRow(during)}\n${formatRow(after)}\n`);
    const codes = Object.entries(attack.statusCodes)
      .map(([code, count]) => `${count} x ${code}`)
      .join(', ');
    process.stdout.write(
      `login flood (${FLOOD_CONNECTIONS} connections, own process): ${attack.requestsPerSecond.toFixed(0)} token req/s (${codes})\n`,
    );
    process.stdout.write(`${quietCpu}\n${floodCpu}\n`);
    const baseline = Math.max(quiet.requestsPerSecond, after.requestsPerSecond, 1);
    const ratio = during.requestsPerSecond / baseline;
    process.stdout.write(
      `${ratio >= GOAL ? 'MET   ' : 'MISSED'} list throughput during a login flood: ${(ratio * 100).toFixed(1)}% of quiet (${baseline.toFixed(0)} req/s, the better quiet run; target >= ${GOAL * 100}%)\n`,
    );
  } finally {
    await stop(server);
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
