import { loadKeyRing } from '../src/secrets/key-ring';
import { SecretBox } from '../src/secrets/secret-box';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { buildWharf } from '../src/app';
import type { Wharf } from '../src/app';
import { ADMIN_SCOPES } from '../src/auth/types';
import { loadConfig } from '../src/config';
import type { WireService } from '../src/containers';
import { createContainersModule } from '../src/containers';
import { toTar } from '../src/containers/drivers/docker/tar';
import { createLogger } from '../src/logger';
import { createTestDatabase } from '../spec/support/test-database';
import { formatRow, measure } from './http-measure';
import type { Measurement } from './http-measure';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);

export const TEST_IMAGES = {
  httpd: 'wharf-test/httpd:latest',
  haproxy: 'wharf-test/haproxy:latest',
} as const;

/** Health settings of every benched service: HTTP check each second, UP after one pass. */
export const BENCH_HEALTH = { HealthCheckInterval: 1, HealthCheckFall: 2, HealthCheckRise: 1 };

/** Builds the test images from the host's busybox and haproxy (no registry); idempotent. */
export function buildTestImages(): void {
  const script = path.resolve(__dirname, '../../fixtures/images/build.sh');
  execFileSync('sh', [script], { stdio: 'pipe', timeout: 120000 });
}

/** Removes every container, network and volume carrying the label `key=value`. */
export async function removeLabelled(docker: Docker, key: string, value: string): Promise<void> {
  const filters = JSON.stringify({ label: [`${key}=${value}`] });
  for (const c of await docker.listContainers({ all: true, filters })) {
    await docker
      .getContainer(c.Id)
      .remove({ force: true, v: true })
      .catch(() => undefined);
  }
  for (const n of await docker.listNetworks({ filters })) {
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined);
  }
  const { Volumes: volumes } = await docker.listVolumes({ filters });
  for (const v of volumes ?? [])
    await docker
      .getVolume(v.Name)
      .remove()
      .catch(() => undefined);
}

export interface BenchWharf {
  wharf: Wharf;
  /** http://127.0.0.1:<port> of the API. */
  base: string;
  /** Admin bearer header. */
  auth: Record<string, string>;
  /** wharf.owner of every object its container engine makes. */
  owner: string;
  close(): Promise<void>;
}

/**
 * A started Wharf on a private SQLite file, serving on 127.0.0.1, with the test LB image and its
 * own owner label; the reconciler keeps its production timings (resync 5 s, busy 300 ms).
 */
export async function startBenchWharf(env: Record<string, string> = {}): Promise<BenchWharf> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-bench-'));
  const config = loadConfig({
    WHARF_DATA_DIR: dir,
    WHARF_LOG_LEVEL: 'silent',
    WHARF_LB_IMAGE: TEST_IMAGES.haproxy,
    ...env,
  });
  const logger = createLogger('silent');
  const owner = `bench-${randomUUID()}`;
  const database = await createTestDatabase(dir);
  const knex = database.connect();
  const containers = createContainersModule({
    knex,
    owner,
    logger,
    config: config.containers,
    // The same key ring file buildWharf loads from the data directory.
    secrets: new SecretBox(loadKeyRing(dir, undefined)),
  });
  const wharf = await buildWharf({ config, logger, knex, containers });
  await wharf.start();
  const admin = await wharf.users.addUser('bench-admin', 'bench-password', ADMIN_SCOPES);
  const token = wharf.tokens.issue(
    {
      userGuid: admin.guid,
      userName: 'bench-admin',
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
  return {
    wharf,
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    auth: { Authorization: `bearer ${token}`, 'Content-Type': 'application/json' },
    owner,
    async close() {
      await new Promise((resolve) => server.close(resolve));
      await wharf.close();
      await database.drop();
      await removeLabelled(new Docker(), 'wharf.owner', owner);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Calls `probe` every `everyMs` until it returns a value; throws after `timeoutMs`. */
export async function pollUntil<T>(
  probe: () => Promise<T | undefined>,
  what: string,
  timeoutMs = 120000,
  everyMs = 25,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

export async function api(
  w: BenchWharf,
  method: string,
  url: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${w.base}${url}`, {
    method,
    headers: w.auth,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(30000),
  });
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : (JSON.parse(text) as unknown) };
}

/** Polls GET /services/:name until `accept`; fails at once on `failed`. */
export async function waitService(
  w: BenchWharf,
  name: string,
  accept: (s: WireService) => boolean,
): Promise<WireService> {
  return pollUntil(async () => {
    const { status, json } = await api(w, 'GET', `/services/${name}`);
    if (status !== 200) throw new Error(`GET /services/${name}: ${status} ${JSON.stringify(json)}`);
    const s = json as WireService;
    if (s.Status === 'failed') throw new Error(`service ${name} failed: ${s.Message}`);
    return accept(s) ? s : undefined;
  }, `service ${name}`);
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
};

export const ms = (x: number): string => `${x.toFixed(0)} ms`;
export const allUp = (n: number) => (s: WireService) =>
  s.Status === 'active' && s.Backends.filter((b) => b.Health === 'UP').length === n;

/**
 * The three objects Wharf makes for a 2-replica http service, made by hand with the Docker API:
 * network, then each container created and started in turn as `docker create` + `docker start`
 * would; with `parallel`, the three containers at once (the floor for the engine itself).
 */
async function plainDocker(
  docker: Docker,
  label: Record<string, string>,
  id: string,
  parallel: boolean,
): Promise<{ createStartMs: number; servingMs: number; replicaPort: number }> {
  const net = `wharf-bench-${id}`;
  const published = { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] };
  const replica = async (i: number): Promise<void> => {
    const c = await docker.createContainer({
      name: `${net}-${i}`,
      Image: TEST_IMAGES.httpd,
      Labels: label,
      ExposedPorts: { '80/tcp': {} },
      // Replica 0 is also published: the "straight to one replica" target of the throughput run.
      HostConfig: { NetworkMode: net, ...(i === 0 ? { PortBindings: published } : {}) },
    });
    await c.start();
  };
  const lb = async (): Promise<void> => {
    const c = await docker.createContainer({
      name: `${net}-lb`,
      Image: TEST_IMAGES.haproxy,
      Labels: label,
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { NetworkMode: net, PortBindings: published },
    });
    await c.putArchive(
      toTar([
        { path: 'usr/local/etc/haproxy/haproxy.cfg', content: minimalLbConfig(net), mode: 0o644 },
      ]),
      { path: '/' },
    );
    await c.start();
  };
  const t0 = performance.now();
  await docker.createNetwork({ Name: net, Labels: label });
  if (parallel) {
    await Promise.all([replica(0), replica(1), lb()]);
  } else {
    await replica(0);
    await replica(1);
    await lb();
  }
  const createStartMs = performance.now() - t0;
  const lbPort = await hostPort(docker, `${net}-lb`);
  await pollUntil(async () => {
    const res = await fetch(`http://127.0.0.1:${lbPort}/`, {
      signal: AbortSignal.timeout(2000),
    }).catch(() => undefined);
    return res?.status === 200 ? true : undefined;
  }, 'the hand-made LB to answer');
  const servingMs = performance.now() - t0;
  return { createStartMs, servingMs, replicaPort: await hostPort(docker, `${net}-0`) };
}

/** Two servers by container name, resolved at start and again at run time (parallel start). */
function minimalLbConfig(net: string): string {
  return [
    'global',
    '    maxconn 4096',
    'resolvers docker',
    '    nameserver docker 127.0.0.11:53',
    'defaults',
    '    mode http',
    '    timeout connect 5s',
    '    timeout client 50s',
    '    timeout server 50s',
    '    option http-server-close',
    'frontend service',
    '    bind :80',
    '    default_backend replicas',
    'backend replicas',
    '    balance roundrobin',
    '    default-server check inter 1s resolvers docker init-addr last,libc,none',
    `    server r0 ${net}-0:80`,
    `    server r1 ${net}-1:80`,
    '',
  ].join('\n');
}

async function hostPort(docker: Docker, name: string): Promise<number> {
  const info = await docker.getContainer(name).inspect();
  const port = info.NetworkSettings.Ports['80/tcp']?.[0]?.HostPort;
  if (port === undefined) throw new Error(`${name} publishes no port`);
  return Number(port);
}

export async function wharfCreate(
  w: BenchWharf,
  name: string,
  replicas: number,
): Promise<WireService> {
  const body = {
    Name: name,
    Image: TEST_IMAGES.httpd,
    ContainerPort: 80,
    ServicePort: 80,
    Protocol: 'http',
    Replicas: replicas,
    ...BENCH_HEALTH,
  };
  const created = await api(w, 'POST', '/services/create', body);
  if (created.status !== 201) throw new Error(`create ${name}: ${JSON.stringify(created.json)}`);
  return waitService(w, name, allUp(replicas));
}

/** Issue 5's benchmark: create-to-active vs plain Docker, scale 1→10, throughput through the LB. */
export async function benchContainers(): Promise<void> {
  buildTestImages();
  const docker = new Docker();
  const run = randomUUID().slice(0, 8);
  const label = { 'wharf.bench': run };
  const w = await startBenchWharf();
  out(
    `engine: real Docker; images ${TEST_IMAGES.httpd}, ${TEST_IMAGES.haproxy}; health ${JSON.stringify(BENCH_HEALTH)}`,
  );
  out(`reconciler: production timings (busy pass every 300 ms); ${ROUNDS} round(s), medians`);
  try {
    const plain: number[] = [];
    const parallel: number[] = [];
    const serving: number[] = [];
    const wharf: number[] = [];
    let replicaPort = 0;
    let endpoint = '';
    for (let round = 1; round <= ROUNDS; round++) {
      const last = round === ROUNDS;
      const par = await plainDocker(docker, label, `${run}-${round}p`, true);
      parallel.push(par.createStartMs);
      await removeLabelled(docker, 'wharf.bench', run);
      const p = await plainDocker(docker, label, `${run}-${round}`, false);
      plain.push(p.createStartMs);
      serving.push(p.servingMs);
      replicaPort = p.replicaPort;
      const t0 = performance.now();
      const s = await wharfCreate(w, `bench-${round}`, 2);
      wharf.push(performance.now() - t0);
      endpoint = s.Endpoint;
      out(
        `  round ${round}: docker create+start ${ms(p.createStartMs)} (LB answering at ` +
          `${ms(p.servingMs)}), all at once ${ms(par.createStartMs)}; ` +
          `Wharf create→active ${ms(wharf[wharf.length - 1] ?? 0)}`,
      );
      if (!last) {
        await api(w, 'DELETE', `/services/bench-${round}`);
        await removeLabelled(docker, 'wharf.bench', run);
      }
    }
    const ratioA = median(wharf) / median(plain);
    out(`(a) plain docker: network + 2 httpd + haproxy, create+start:  ${ms(median(plain))}`);
    out(`    same, until its LB answers HTTP 200:                       ${ms(median(serving))}`);
    out(`    same, the three containers created+started at once:        ${ms(median(parallel))}`);
    out(`    Wharf POST /services/create (2 replicas) → active:         ${ms(median(wharf))}`);
    out(
      `    ratio Wharf / docker create+start: ${ratioA.toFixed(2)}× (target ≤ 1.5×) ${verdict(ratioA <= 1.5)}`,
    );
    out(`    ratio Wharf / docker all at once:  ${(median(wharf) / median(parallel)).toFixed(2)}×`);

    const direct = await measureRps(
      'straight to one replica (published)',
      `http://127.0.0.1:${replicaPort}/`,
    );
    const viaLb = await measureRps('through the Wharf LB (2 replicas)', `http://${endpoint}/`);
    const ratioC = viaLb.requestsPerSecond / direct.requestsPerSecond;
    out(`(c) ${formatRow(direct)}`);
    out(`    ${formatRow(viaLb)}`);
    out(
      `    ratio LB / one replica: ${ratioC.toFixed(2)}× (target ≥ 0.8×) ${verdict(ratioC >= 0.8)}`,
    );
    out(
      '    (busybox httpd closes every connection: autocannon latencies straight to it are not meaningful)',
    );
    await api(w, 'DELETE', `/services/bench-${ROUNDS}`);
    await removeLabelled(docker, 'wharf.bench', run);

    await benchScaleOneToTen(w);
  } finally {
    await w.close();
    await removeLabelled(docker, 'wharf.bench', run);
  }
}

/** Case (b) of both container benches: POST update 1→10 until all ten backends are UP. */
export async function benchScaleOneToTen(w: BenchWharf): Promise<void> {
  const scale: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const name = `bench-scale-${round}`;
    await wharfCreate(w, name, 1);
    const t0 = performance.now();
    const scaled = await api(w, 'POST', `/services/${name}/update`, { Replicas: 10 });
    if (scaled.status !== 200) throw new Error(`scale: ${JSON.stringify(scaled.json)}`);
    await waitService(w, name, allUp(10));
    scale.push(performance.now() - t0);
    await api(w, 'DELETE', `/services/${name}`);
  }
  out(
    `(b) scale 1→10 (POST update → active, 10 backends UP): ${ms(median(scale))} (rounds: ${scale.map(ms).join(', ')})`,
  );
}

export async function measureRps(name: string, url: string): Promise<Measurement> {
  await measure(`${name} (warm-up)`, url, {}, 1);
  return measure(name, url, {}, SECONDS);
}

export function verdict(ok: boolean): string {
  return ok ? 'OK' : 'MISSED';
}

export function out(line: string): void {
  process.stdout.write(`${line}\n`);
}
