import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import { buildWharf } from '../src/app';
import { ADMIN_SCOPES } from '../src/auth/types';
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { createTestDatabase } from '../spec/support/test-database';
import { seedCatalog } from './catalog-seed';
import { formatRow, measure } from './http-measure';
import type { Measurement } from './http-measure';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

/** Issue 3's benchmark: catalog reads at scale, against this HTTP stack's own ceiling. */
export async function benchCatalog(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-bench-'));
  const database = await createTestDatabase(dataDir);
  const knex = database.connect();
  const config = loadConfig({ WHARF_DATA_DIR: dataDir, WHARF_LOG_LEVEL: 'silent' });
  const wharf = await buildWharf({ config, logger: createLogger('silent'), knex });
  process.stdout.write('seeding 10,000 services x 3 plans, 7,000 orgs, 200,000 visibilities...\n');
  const seed = await seedCatalog(knex);
  const admin = await wharf.users.addUser('bench-admin', 'bench-password', ADMIN_SCOPES);
  const member = await wharf.users.findByGuid(seed.memberUserGuid);
  if (!member) throw new Error('member user missing');
  const token = (u: typeof admin): string =>
    `bearer ${wharf.tokens.issue({ userGuid: u.guid, userName: u.username ?? undefined, email: undefined, origin: 'uaa', clientId: 'cf', scopes: u.scopes }, 'password', false).access_token}`;
  const adminAuth = { Authorization: token(admin) };
  const memberAuth = { Authorization: token(member) };

  const outer = express();
  let ceilingBody = Buffer.alloc(0);
  // The ceiling: the same Express stack answering the identical bytes from memory.
  outer.get('/bench/ceiling', (_req, res) => {
    res.setHeader('Content-Type', 'application/json;charset=utf-8');
    res.end(ceilingBody);
  });
  outer.use(wharf.app);
  const server = outer.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  let queries = 0;
  knex.on('query', () => {
    queries++;
  });
  const firstPage = `${base}/v2/services?results-per-page=50`;
  const firstBody = await fetch(firstPage, { headers: adminAuth });
  ceilingBody = Buffer.from(await firstBody.arrayBuffer());
  const probe = seed.serviceGuids[4321] ?? '';
  const cases: [string, string, Record<string, string>][] = [
    ['admin GET /v2/services page 1', firstPage, adminAuth],
    [
      'admin GET /v2/services page 150',
      `${base}/v2/services?results-per-page=50&page=150`,
      adminAuth,
    ],
    [
      'admin GET /v2/service_plans?q=service_guid',
      `${base}/v2/service_plans?q=service_guid:${probe}`,
      adminAuth,
    ],
    ['member(50 orgs) GET /v2/services page 1', firstPage, memberAuth],
    [
      'member(50 orgs) GET /v2/service_plans?q=service_guid',
      `${base}/v2/service_plans?q=service_guid:${probe}`,
      memberAuth,
    ],
  ];
  const ceiling = await measure(
    'ceiling (same bytes from memory)',
    `${base}/bench/ceiling`,
    {},
    SECONDS,
  );
  process.stdout.write(`${formatRow(ceiling)}\n`);
  const results: Measurement[] = [];
  for (const [name, url, headers] of cases) {
    const before = queries;
    const m = await measure(name, url, headers, SECONDS);
    const total = m.sentRequests;
    results.push(m);
    process.stdout.write(`${formatRow(m, ceiling, total > 0 ? (queries - before) / total : 0)}\n`);
  }
  const adminPage = results[0];
  const memberPage = results[3];
  if (adminPage && memberPage) {
    process.stdout.write(
      `member page p99 / admin page p99: ${(memberPage.p99 / Math.max(adminPage.p99, 0.001)).toFixed(2)} (target <= 1.5)\n`,
    );
    process.stdout.write(
      `admin page / ceiling: ${((adminPage.requestsPerSecond / ceiling.requestsPerSecond) * 100).toFixed(1)}% (target >= 40%)\n`,
    );
  }
  server.closeAllConnections();
  await new Promise<void>((resolve) =>
    server.close(() => {
      resolve();
    }),
  );
  await wharf.close();
  await database.drop();
  fs.rmSync(dataDir, { recursive: true, force: true });
}
