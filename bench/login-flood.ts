import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import { buildWharf } from '../src/app';
import { ADMIN_SCOPES } from '../src/auth/types';
import { loadConfig } from '../src/config';
import { createKnex } from '../src/db/knex';
import { createLogger } from '../src/logger';
import { formatRow, measure } from './http-measure';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);

/**
 * Issue 9 §2: a flood of wrong passwords must not starve the API. Measures admin
 * `GET /v2/service_instances` alone, then again while 20 connections post wrong passwords to
 * `/oauth/token` (every one a scrypt check); the goal is ≥ 50% of the quiet throughput.
 */
export async function benchLoginFlood(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-bench-login-'));
  const knex = createKnex({
    databaseUrl: undefined,
    sqliteFile: path.join(dataDir, 'wharf.sqlite'),
  });
  const config = loadConfig({
    WHARF_DATA_DIR: dataDir,
    WHARF_LOG_LEVEL: 'silent',
    // The flood comes from one address; the limiter would otherwise refuse it before any hashing.
    WHARF_LOGIN_MAX_FAILURES: '1000000000',
    WHARF_LOGIN_MAX_ADDRESS_FAILURES: '1000000000',
  });
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
  const server = wharf.app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const list = `${base}/v2/service_instances`;
  const auth = { Authorization: `bearer ${token}` };
  try {
    const quiet = await measure('GET /v2/service_instances, quiet', list, auth, SECONDS);
    process.stdout.write(`${formatRow(quiet)}\n`);
    const flood = autocannon({
      url: `${base}/oauth/token`,
      method: 'POST',
      connections: 20,
      duration: SECONDS + 2,
      headers: {
        Authorization: 'Basic Y2Y6',
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=password&username=bench-admin&password=wrong',
    });
    const during = await measure('GET /v2/service_instances, login flood', list, auth, SECONDS);
    const floodResult = await flood;
    const ratio = during.requestsPerSecond / quiet.requestsPerSecond;
    process.stdout.write(`${formatRow(during)}\n`);
    process.stdout.write(
      `login flood: ${floodResult.requests.average.toFixed(0)} token req/s (401 or 503); list kept ${(ratio * 100).toFixed(1)}% of quiet (goal >= 50%)${ratio < 0.5 ? '  BELOW GOAL' : ''}\n`,
    );
  } finally {
    await new Promise<void>((resolve) => {
      server.close(() => {
        resolve();
      });
      server.closeAllConnections();
    });
    await wharf.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}
