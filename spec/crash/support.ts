import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Compiles Wharf into its own outDir under dist/ (inside the checkout, so node_modules resolve;
 * the regular build stays as it is) and returns main.js there.
 */
export function buildWharfOnce(): string {
  fs.mkdirSync(path.join(ROOT, 'dist'), { recursive: true });
  const outDir = fs.mkdtempSync(path.join(ROOT, 'dist', 'crash-build-'));
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir],
    { cwd: ROOT, stdio: 'inherit' },
  );
  return path.join(outDir, 'src', 'main.js');
}

export { freePort } from '../support/free-port';

/** A real `wharf serve` process on a data dir that outlives it. */
export class WharfProcess {
  private child: ChildProcess | undefined;
  readonly url: string;

  constructor(
    private readonly mainJs: string,
    readonly dataDir: string,
    readonly port: number,
    private readonly env: Record<string, string>,
  ) {
    this.url = `http://127.0.0.1:${port}`;
  }

  async start(): Promise<void> {
    const child = spawn(process.execPath, [this.mainJs, 'serve'], {
      env: {
        PATH: process.env.PATH ?? '',
        WHARF_PORT: String(this.port),
        WHARF_HOST: '127.0.0.1',
        WHARF_DATA_DIR: this.dataDir,
        WHARF_EXTERNAL_URL: this.url,
        WHARF_LOG_LEVEL: 'warn',
        ...this.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`wharf did not start: ${output}`));
      }, 60_000);
      child.stdout?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
        if (output.includes('Wharf listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => {
        output += chunk.toString();
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`wharf exited with ${String(code)}: ${output}`));
      });
    });
  }

  /** The running process's pid (undefined when stopped). */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** `kill -9`: no shutdown hook runs, whatever was in flight stays as it was. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    this.child = undefined;
  }
}

/** A small seeded generator (mulberry32), so a failing run can be replayed from its logged seed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A response of a real `wharf serve`: status and the JSON body (a list comes as `{ list }`). */
export interface Json {
  status: number;
  body: Record<string, unknown>;
}

/** One API call with a bearer token; a body that is not JSON comes back as `{ text }`. */
export async function callWharf(
  baseUrl: string,
  token: string,
  method: string,
  url: string,
  body?: unknown,
): Promise<Json> {
  const res = await fetch(`${baseUrl}${url}`, {
    method,
    headers: { Authorization: `bearer ${token}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  let parsed: unknown = {};
  try {
    parsed = text === '' ? {} : JSON.parse(text);
  } catch {
    parsed = { text };
  }
  return {
    status: res.status,
    body:
      typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
        ? Object.fromEntries(Object.entries(parsed))
        : { list: parsed },
  };
}

/** The cf CLI's password grant against Wharf's own UAA; answers the access token. */
export async function passwordLogin(
  baseUrl: string,
  username: string,
  password: string,
): Promise<string> {
  const res = await fetch(`${baseUrl}/oauth/token`, {
    method: 'POST',
    headers: {
      Authorization: `Basic ${Buffer.from('cf:').toString('base64')}`,
      'Content-Type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'password', username, password }).toString(),
  });
  const body: unknown = await res.json();
  if (typeof body !== 'object' || body === null || !('access_token' in body))
    throw new Error(`login failed: ${res.status}`);
  return String(body.access_token);
}

/** `metadata.guid` of a CC resource, or a failure naming what came back instead. */
export function guidOf(res: Json): string {
  const metadata = res.body.metadata;
  if (typeof metadata !== 'object' || metadata === null || !('guid' in metadata))
    throw new Error(`no guid in ${res.status} ${JSON.stringify(res.body)}`);
  return String(metadata.guid);
}
