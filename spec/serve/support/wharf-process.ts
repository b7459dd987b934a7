import { execFileSync, spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../../..');
const ENTRY = path.join(ROOT, 'dist', 'src', 'main.js');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    const t = entry.isDirectory() ? newestMtime(full) : fs.statSync(full).mtimeMs;
    if (t > newest) newest = t;
  }
  return newest;
}

/** Builds dist/ when a source is newer, as `npm start` does: these specs run the real binary. */
export function ensureBuilt(): void {
  const sources = Math.max(newestMtime(path.join(ROOT, 'src')), newestMtime(path.join(ROOT, 'db')));
  if (fs.existsSync(ENTRY) && fs.statSync(ENTRY).mtimeMs >= sources) return;
  execFileSync(
    process.execPath,
    [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    {
      cwd: ROOT,
      stdio: 'inherit',
    },
  );
}

export { freePort } from '../../support/free-port';

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface WharfProcess {
  child: ChildProcess;
  port: number;
  dataDir: string;
  stdout(): string;
  stderr(): string;
  exited: Promise<Exit>;
  /** Resolves once stdout holds a line matching `pattern`; rejects if the process exits first. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<string>;
  url(pathname: string): string;
  /** Kills the process if it still runs and removes its data directory. */
  cleanUp(): Promise<void>;
}

/**
 * Spawns `node dist/src/main.js serve` with a clean environment: a temp data dir, the given port,
 * a Docker host that does not exist (these specs must never touch the shared engine), and `env`.
 */
export function spawnWharf(
  port: number,
  env: Record<string, string> = {},
  dataDir: string = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-serve-')),
): WharfProcess {
  const child = spawn(process.execPath, [ENTRY, 'serve'], {
    cwd: dataDir,
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dataDir,
      WHARF_DATA_DIR: dataDir,
      WHARF_PORT: String(port),
      WHARF_ADMIN_PASSWORD: 'serve-spec-admin',
      WHARF_LOG_LEVEL: 'warn',
      DOCKER_HOST: `unix://${path.join(dataDir, 'no-docker.sock')}`,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  let done = false;
  void exited.then(() => {
    done = true;
  });
  return {
    child,
    port,
    dataDir,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    url: (pathname) => `http://127.0.0.1:${port}${pathname}`,
    waitForOutput: (pattern, timeoutMs = 30_000) =>
      new Promise((resolve, reject) => {
        const deadline = Date.now() + timeoutMs;
        const check = (): void => {
          const line = stdout.split('\n').find((l) => pattern.test(l));
          if (line !== undefined) resolve(line);
          else if (done) reject(new Error(`exited first; stdout: ${stdout} stderr: ${stderr}`));
          else if (Date.now() > deadline)
            reject(new Error(`timed out; stdout: ${stdout} stderr: ${stderr}`));
          else setTimeout(check, 50);
        };
        check();
      }),
    cleanUp: async () => {
      if (!done) {
        child.kill('SIGKILL');
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Exits within `ms`, or the spec fails with what the process printed. */
export async function exitWithin(wharf: WharfProcess, ms: number): Promise<Exit> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`still running; stdout: ${wharf.stdout()} stderr: ${wharf.stderr()}`));
    }, ms);
  });
  try {
    return await Promise.race([wharf.exited, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
