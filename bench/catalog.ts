import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { buildWharf } from '../src/app';
import { ADMIN_SCOPES } from '../src/auth/types';
import type { User } from '../src/auth/types';
import { loadConfig } from '../src/config';
import { migrateToLatest } from '../src/db/migrate';
import { createLogger } from '../src/logger';
import { createTestDatabase, testDatabaseKind } from '../spec/support/test-database';
import { seedCatalog } from './catalog-seed';
import { freePort, spawnUntil, stop } from './http-measure';

/**
 * Issue 10 item 7: catalog reads measured from outside. The real server (`wharf serve`, built in
 * dist/) runs as its own process on the seeded catalog; autocannon loads it from this process;
 * two ceilings, each in its own process, answer the identical bytes from memory (Express, and
 * bare node:http). Run on PostgreSQL with `scripts/with-postgres.sh env
 * WHARF_TEST_DATABASE=postgres npm run bench catalog`, which also compares 1 and 2 processes.
 */
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const CONNECTIONS = 10;
const HERE = __dirname;
const MAIN_JS = path.resolve(HERE, '../src/main.js');
const CEILING_JS = path.resolve(HERE, 'catalog-ceiling.js');
const EXTERNAL_URL = 'http://wharf.bench';

interface Case {
  name: string;
  /** A request path, random per request where the case says so. */
  next: () => string;
  auth: string;
}

interface Result {
  rps: number;
  p50: number;
  p99: number;
  non2xx: number;
}

async function load(base: string, c: Case, seconds: number): Promise<Result> {
  const options = {
    url: base,
    connections: CONNECTIONS,
    headers: { Authorization: c.auth },
    requests: [
      {
        method: 'GET' as const,
        setupRequest: (req: { path?: string }) => ({ ...req, path: c.next() }),
      },
    ],
  };
  await autocannon({ ...options, duration: 2 }); // warm-up, not recorded
  const r = await autocannon({ ...options, duration: seconds });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx };
}

/** `BENCH_PROFILE_DIR=dir` writes a CPU profile of each Wharf process there (on exit). */
function profileArgs(): string[] {
  const dir = process.env.BENCH_PROFILE_DIR;
  return dir === undefined || dir === '' ? [] : ['--cpu-prof', `--cpu-prof-dir=${dir}`];
}

/** `BENCH_CASES=substring,substring` runs only the cases whose names contain one of them. */
function selected(c: Case): boolean {
  const wanted = (process.env.BENCH_CASES ?? '').split(',').filter((w) => w !== '');
  return wanted.length === 0 || wanted.some((w) => c.name.includes(w));
}

function pick<T>(items: readonly T[]): T {
  const item = items[Math.floor(Math.random() * items.length)];
  if (item === undefined) throw new Error('empty list');
  return item;
}

function row(name: string, r: Result, express?: Result, bare?: Result): string {
  const ratios =
    express && bare
      ? `  ${pct(r.rps, express.rps)} of Express (${express.rps.toFixed(0)}), ${pct(r.rps, bare.rps)} of node:http (${bare.rps.toFixed(0)})`
      : '';
  const errors = r.non2xx > 0 ? `  (${r.non2xx} non-2xx!)` : '';
  return `${name.padEnd(44)} ${r.rps.toFixed(0).padStart(6)} req/s  p50 ${r.p50} ms  p99 ${r.p99} ms${ratios}${errors}`;
}

function pct(a: number, b: number): string {
  return `${((a / Math.max(b, 1)) * 100).toFixed(1)}%`;
}

function target(what: string, ok: boolean, measured: string, goal: string): string {
  return `${ok ? 'MET   ' : 'MISSED'} ${what}: ${measured} (target ${goal})`;
}

export async function benchCatalog(): Promise<void> {
  const kind = testDatabaseKind();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-bench-'));
  const database = await createTestDatabase(dataDir);
  const seedKnex = database.connect();
  await migrateToLatest(seedKnex);
  process.stdout.write(
    `${kind}: seeding 10,000 services x 3 plans, 7,000 orgs, 200,000 visibilities...\n`,
  );
  const seed = await seedCatalog(seedKnex);
  // A live PostgreSQL has planner statistics (autovacuum gathers them); a freshly seeded one has
  // none until autovacuum runs in the middle of a case, so gather them before measuring.
  if (kind === 'postgres') await seedKnex.raw('ANALYZE');
  await seedKnex.destroy();

  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? '',
    WHARF_DATA_DIR: dataDir,
    WHARF_HOST: '127.0.0.1',
    WHARF_EXTERNAL_URL: EXTERNAL_URL,
    WHARF_MASTER_KEY: randomBytes(32).toString('base64'),
    WHARF_ADMIN_PASSWORD: 'bench-admin-password',
    WHARF_LOG_LEVEL: 'warn',
    WHARF_BROKER_RESYNC_SECONDS: '0',
    ...(database.databaseUrl === undefined ? {} : { DATABASE_URL: database.databaseUrl }),
  };
  // Tokens from the installation's own key (in the database, sealed under the master key).
  const minting = await buildWharf({
    config: loadConfig(env),
    logger: createLogger('silent'),
    knex: database.connect(),
  });
  const admin = await minting.users.addUser('bench-admin', 'bench-password', ADMIN_SCOPES);
  const member = await minting.users.findByGuid(seed.memberUserGuid);
  if (!member) throw new Error('member user missing');
  const bearer = (u: User): string =>
    `bearer ${minting.tokens.issue({ userGuid: u.guid, userName: u.username ?? undefined, email: undefined, origin: 'uaa', clientId: 'cf', scopes: u.scopes }, 'password', false).access_token}`;
  const adminAuth = bearer(admin);
  const memberAuth = bearer(member);
  await minting.close();

  const servers: ChildProcess[] = [];
  const startServer = async (): Promise<string> => {
    const port = await freePort();
    servers.push(
      await spawnUntil(
        [...profileArgs(), MAIN_JS, 'serve'],
        { ...env, WHARF_PORT: String(port) },
        'Wharf listening',
      ),
    );
    return `http://127.0.0.1:${port}`;
  };
  const base = await startServer();

  const pages = Math.ceil(seed.serviceGuids.length / 50);
  const randomPage = (): string =>
    `/v2/services?results-per-page=50&page=${1 + Math.floor(Math.random() * pages)}`;
  const cases: Case[] = [
    { name: 'admin page 1', next: () => '/v2/services?results-per-page=50', auth: adminAuth },
    { name: 'admin random pages', next: randomPage, auth: adminAuth },
    { name: 'member (50 orgs) random pages', next: randomPage, auth: memberAuth },
    {
      name: 'admin uncached q=label:<random>',
      next: () => `/v2/services?q=label:service-${Math.floor(Math.random() * 10000)}`,
      auth: adminAuth,
    },
    {
      name: 'admin plans of a random service, depth 1',
      next: () => `/v2/services/${pick(seed.serviceGuids)}/service_plans?inline-relations-depth=1`,
      auth: adminAuth,
    },
  ];

  const results = new Map<string, Result>();
  for (const c of cases.filter(selected)) {
    // The ceilings answer one of this case's real answers, byte for byte.
    const sample = await fetch(`${base}${c.next()}`, { headers: { Authorization: c.auth } });
    if (sample.status !== 200) throw new Error(`${c.name}: ${sample.status}`);
    const bodyFile = path.join(dataDir, 'ceiling-body.json');
    fs.writeFileSync(bodyFile, Buffer.from(await sample.arrayBuffer()));
    const wharf = await load(base, c, SECONDS);
    const ceilings: Result[] = [];
    for (const ceilingKind of ['express', 'http']) {
      const port = await freePort();
      const child = await spawnUntil(
        [CEILING_JS, ceilingKind, String(port), bodyFile],
        env,
        'ceiling listening',
      );
      ceilings.push(await load(`http://127.0.0.1:${port}`, c, SECONDS));
      await stop(child);
    }
    results.set(c.name, wharf);
    process.stdout.write(`${row(c.name, wharf, ceilings[0], ceilings[1])}\n`);
    results.set(`${c.name} / express`, ceilings[0] ?? wharf);
  }

  const ratio = (name: string): number | undefined => {
    const wharf = results.get(name);
    const express = results.get(`${name} / express`);
    return wharf && express ? wharf.rps / Math.max(express.rps, 1) : undefined;
  };
  const lines: string[] = [];
  const check = (
    what: string,
    measured: number | undefined,
    ok: (v: number) => boolean,
    shown: (v: number) => string,
    goal: string,
  ): void => {
    lines.push(
      measured === undefined
        ? `NOT RUN ${what} (target ${goal})`
        : target(what, ok(measured), shown(measured), goal),
    );
  };
  check(
    'random pages vs Express',
    ratio('admin random pages'),
    (v) => v >= 0.45,
    (v) => pct(v, 1),
    '>= 45%',
  );
  check(
    'uncached label lookups vs Express',
    ratio('admin uncached q=label:<random>'),
    (v) => v >= 0.2,
    (v) => pct(v, 1),
    '>= 20%',
  );
  const memberP99 = results.get('member (50 orgs) random pages')?.p99;
  const adminP99 = results.get('admin random pages')?.p99;
  check(
    'member p99 / admin p99 (random pages)',
    memberP99 === undefined || adminP99 === undefined
      ? undefined
      : memberP99 / Math.max(adminP99, 1),
    (v) => v <= 1.5,
    (v) => v.toFixed(2),
    '<= 1.5',
  );
  // Each database's run leaves its numbers behind, so the PostgreSQL run can compare with SQLite's.
  const saved = (db: string): string => path.join(os.tmpdir(), `wharf-bench-catalog-${db}.json`);
  fs.writeFileSync(saved(kind), JSON.stringify(Object.fromEntries(results)));
  if (kind === 'postgres' && fs.existsSync(saved('sqlite'))) {
    const sqlite = new Map<string, Result>(
      Object.entries(
        JSON.parse(fs.readFileSync(saved('sqlite'), 'utf8')) as Record<string, Result>,
      ),
    );
    // Only cases both runs measured (an earlier SQLite run may have been limited by BENCH_CASES).
    const ratios = cases.flatMap((c) => {
      const onSqlite = sqlite.get(c.name);
      const onPostgres = results.get(c.name);
      if (onSqlite === undefined || onPostgres === undefined) return [];
      const r = onSqlite.rps / Math.max(onPostgres.rps, 1);
      process.stdout.write(`${c.name.padEnd(44)} SQLite / PostgreSQL: ${r.toFixed(2)}x\n`);
      return [r];
    });
    check(
      'PostgreSQL vs SQLite (slowest case, SQLite req/s / PostgreSQL req/s)',
      ratios.length === 0 ? undefined : Math.max(...ratios),
      (v) => v <= 1.5,
      (v) => `${v.toFixed(2)}x`,
      '<= 1.5x',
    );
  }

  if (kind === 'postgres') {
    // Two processes of the installation, loaded at once, against the one above alone.
    const second = await startServer();
    const c = cases[1];
    if (c !== undefined) {
      const both = await Promise.all([load(base, c, SECONDS), load(second, c, SECONDS)]);
      const sum = both.reduce((n, r) => n + r.rps, 0);
      const one = results.get(c.name)?.rps ?? 1;
      process.stdout.write(
        `${c.name.padEnd(44)} 2 processes: ${sum.toFixed(0)} req/s (${both.map((r) => r.rps.toFixed(0)).join(' + ')})\n`,
      );
      lines.push(
        target('2 processes / 1', sum / one >= 1.3, (sum / one).toFixed(2), '>= 1.3 (2 cores)'),
      );
    }
  } else {
    process.stdout.write(
      'PostgreSQL vs SQLite and 2 processes vs 1: run again under scripts/with-postgres.sh with WHARF_TEST_DATABASE=postgres\n',
    );
  }
  for (const line of lines) process.stdout.write(`${line}\n`);

  for (const child of servers) await stop(child);
  await database.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
