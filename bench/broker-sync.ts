import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildWharf } from '../src/app';
import { ADMIN_SCOPES } from '../src/auth/types';
import type { OsbCatalog } from '../src/osb-catalog';
import { loadConfig } from '../src/config';
import type { Knex } from '../src/db/knex';
import { createLogger } from '../src/logger';
import { createTestDatabase } from '../spec/support/test-database';
import { FakeBroker, generateCatalog } from '../spec/support/fake-broker';

const PLANS_PER_SERVICE = 10;
/** Issue 4's scale, plus smaller and larger ones to show statements per service stay flat. */
const SCALES = (process.env.BENCH_BROKER_SERVICES ?? '100,1000,2000').split(',').map(Number);
const TARGET_SERVICES = 1000;
const TARGET_MS = 2000;

interface SyncMeasurement {
  services: number;
  registerMs: number;
  registerStatements: number;
  updateMs: number;
  updateStatements: number;
  /** Time inside SQL statements (knex query → query-response); the rest is HTTP, fetch and validation. */
  updateSqlMs: number;
  warnings: boolean;
}

/** The broker's next catalog: every other service changed (descriptions, maintenance_info), the last tenth gone. */
function nextCatalog(services: number): OsbCatalog {
  const before = generateCatalog(services, PLANS_PER_SERVICE);
  const changed = generateCatalog(services, PLANS_PER_SERVICE, { revision: 1 });
  const kept = services - Math.floor(services / 10);
  return {
    services: before.services
      .slice(0, kept)
      .map((s, i) => (i % 2 === 0 ? (changed.services[i] ?? s) : s)),
  };
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = process.hrtime.bigint();
  const value = await work();
  return { ms: Number(process.hrtime.bigint() - started) / 1e6, value };
}

/** One fresh Wharf on a fresh test database (see test-database.ts): register a broker of `services` × 10, then sync its next catalog over HTTP. */
async function measureScale(services: number): Promise<SyncMeasurement> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-bench-brokers-'));
  const database = await createTestDatabase(dataDir);
  const knex = database.connect();
  const config = loadConfig({ WHARF_DATA_DIR: dataDir, WHARF_LOG_LEVEL: 'silent' });
  const wharf = await buildWharf({ config, logger: createLogger('silent'), knex });
  const admin = await wharf.users.addUser('bench-admin', 'bench-password', ADMIN_SCOPES);
  const token = wharf.tokens.issue(
    {
      userGuid: admin.guid,
      userName: admin.username ?? undefined,
      email: undefined,
      origin: 'uaa',
      clientId: 'cf',
      scopes: admin.scopes,
    },
    'password',
    false,
  ).access_token;
  const headers = { Authorization: `bearer ${token}`, 'Content-Type': 'application/json' };
  const server = wharf.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The old broker and the same broker after a credential rotation: a new password forces a refetch.
  const first = await FakeBroker.start({
    catalog: generateCatalog(services, PLANS_PER_SERVICE),
    username: 'bench',
    password: 'first-password',
  });
  const second = await FakeBroker.start({
    catalog: nextCatalog(services),
    username: 'bench',
    password: 'rotated-password',
  });
  let statements = 0;
  let sqlMs = 0;
  const startedAt = new Map<string, bigint>();
  knex.on('query', (q: { __knexQueryUid: string }) => {
    statements++;
    startedAt.set(q.__knexQueryUid, process.hrtime.bigint());
  });
  const finished = (_res: unknown, q: { __knexQueryUid: string }): void => {
    const started = startedAt.get(q.__knexQueryUid);
    if (started !== undefined) sqlMs += Number(process.hrtime.bigint() - started) / 1e6;
    startedAt.delete(q.__knexQueryUid);
  };
  knex.on('query-response', finished);
  knex.on('query-error', finished);
  try {
    const register = await timed(() =>
      fetch(`${base}/v2/service_brokers`, {
        method: 'POST',
        headers,
        body: JSON.stringify({
          name: 'bench-broker',
          broker_url: first.url,
          auth_username: 'bench',
          auth_password: 'first-password',
        }),
      }),
    );
    const registerStatements = statements;
    if (register.value.status !== 201)
      throw new Error(`register: ${register.value.status} ${await register.value.text()}`);
    const guid = ((await register.value.json()) as { metadata: { guid: string } }).metadata.guid;
    statements = 0;
    sqlMs = 0;
    const update = await timed(async () => {
      const res = await fetch(`${base}/v2/service_brokers/${guid}`, {
        method: 'PUT',
        headers,
        body: JSON.stringify({ broker_url: second.url, auth_password: 'rotated-password' }),
      });
      await res.arrayBuffer();
      return res;
    });
    const updateStatements = statements;
    const updateSqlMs = sqlMs;
    if (update.value.status !== 200) throw new Error(`update: ${update.value.status}`);
    await checkResult(knex, services);
    return {
      services,
      registerMs: register.ms,
      registerStatements,
      updateMs: update.ms,
      updateStatements,
      updateSqlMs,
      warnings: update.value.headers.get('x-cf-warnings') !== null,
    };
  } finally {
    server.close();
    await Promise.all([first.close(), second.close()]);
    await wharf.close();
    await database.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The sync must have done the work it is timed for: a tenth gone, half rewritten. */
async function checkResult(knex: Knex, services: number): Promise<void> {
  const kept = services - Math.floor(services / 10);
  const count = async (table: string, where: Record<string, unknown> = {}): Promise<number> => {
    const row = (await knex(table).where(where).count({ n: '*' }).first()) as
      { n: number | string } | undefined;
    return Number(row?.n ?? 0);
  };
  const revised = Number(
    (
      (await knex('service_plans')
        .where('description', 'like', '%(revision 1)')
        .count({ n: '*' })
        .first()) as { n: number | string } | undefined
    )?.n ?? 0,
  );
  const expected = {
    services: kept,
    plans: kept * PLANS_PER_SERVICE,
    revisedPlans: Math.ceil(kept / 2) * PLANS_PER_SERVICE,
  };
  const actual = {
    services: await count('services'),
    plans: await count('service_plans', { active: true }),
    revisedPlans: revised,
  };
  if (JSON.stringify(actual) !== JSON.stringify(expected))
    throw new Error(`sync result ${JSON.stringify(actual)}, expected ${JSON.stringify(expected)}`);
}

function row(m: SyncMeasurement): string {
  const perService = (n: number): string => (n / m.services).toFixed(3);
  return (
    `${String(m.services).padStart(5)} services x ${PLANS_PER_SERVICE} plans  ` +
    `register ${m.registerMs.toFixed(0).padStart(6)} ms ${String(m.registerStatements).padStart(4)} SQL (${perService(m.registerStatements)}/service)  ` +
    `PUT sync ${m.updateMs.toFixed(0).padStart(6)} ms ${String(m.updateStatements).padStart(4)} SQL (${perService(m.updateStatements)}/service), ${m.updateSqlMs.toFixed(0)} ms in SQL` +
    (m.warnings ? '  (warnings!)' : '')
  );
}

/** Issue 4's benchmark: re-syncing a 1,000 × 10 broker whose catalog changed by half and lost a tenth. */
export async function benchBrokerSync(): Promise<void> {
  const results: SyncMeasurement[] = [];
  for (const services of SCALES) {
    const m = await measureScale(services);
    results.push(m);
    process.stdout.write(`${row(m)}\n`);
  }
  const target = results.find((m) => m.services === TARGET_SERVICES);
  if (target) {
    process.stdout.write(
      `PUT sync at ${TARGET_SERVICES} x ${PLANS_PER_SERVICE}: ${target.updateMs.toFixed(0)} ms (target < ${TARGET_MS} ms) ${target.updateMs < TARGET_MS ? 'OK' : 'OVER'}\n`,
    );
  }
  const perService = results.map((m) => m.updateStatements / m.services);
  const smallest = results[0];
  const largest = results[results.length - 1];
  if (smallest && largest && smallest !== largest) {
    process.stdout.write(
      `SQL statements per service from ${smallest.services} to ${largest.services} services: ${perService.map((n) => n.toFixed(3)).join(' -> ')} ` +
        `(bounded, no per-service statement: ${largest.updateStatements <= smallest.updateStatements * (largest.services / smallest.services) ? 'OK' : 'GROWS'})\n`,
    );
  }
}
