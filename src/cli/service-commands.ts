import fs from 'node:fs';
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import type { Wharf } from '../app';
import type { WharfConfig } from '../config';
import { ContainerServiceError, presentService, toTenant } from '../containers';
import type { ContainerService, Scope, ServiceView, WireService } from '../containers';

type WithWharf = <T>(work: (wharf: Wharf, config: WharfConfig) => Promise<T>) => Promise<T>;
type Out = (line: string) => void;

/** Some of several services could not be handled: each was reported on stderr already. */
export class SomeServicesFailed extends Error {
  constructor(failed: number, total: number, what: string) {
    super(`${what} failed for ${failed} of ${total} service(s)`);
    this.name = 'SomeServicesFailed';
  }
}

/** A malformed argument of one service (e.g. `scale web=x`): reported, the others go on. */
class ArgumentError extends Error {}

/** How long a failed create may stay failed before `create` gives up waiting (see waitActive). */
const FAILED_GRACE_MS = 5000;

export interface CreateOptions {
  name?: string;
  replicas: number;
  servicePort: number;
  containerPort: number;
  protocol: string;
  algorithm: string;
  sessionAffinity?: boolean;
  healthCheckInterval: number;
  healthCheckFall: number;
  healthCheckRise: number;
  sslCert?: string;
  size: string;
  serviceSize?: string;
  label: string[];
  labelFile: string[];
  env: string[];
  envFile: string[];
  volume: string[];
  sg: string[];
  entrypoint?: string;
  workdir?: string;
  stopSignal: string;
  tty?: boolean;
  interactive?: boolean;
  detach?: boolean;
  timeout?: number;
  tenant?: string;
}

/**
 * `wharf service …`: Hyper's `hyper service` verbs, flags and output (container-service reference
 * §7) over the same ContainerService the API uses, acting as admin. Changes are stored as desired
 * state and converged by a reconciler: `wharf serve`'s, and, while `create` waits, the CLI's own.
 */
export function registerServiceCommands(
  program: Command,
  withWharf: WithWharf,
  out: Out,
  err: Out = (line) => process.stderr.write(`${line}\n`),
): void {
  // Positional options let `create IMAGE COMMAND ARG...` pass the replica's own flags through.
  const service = program
    .command('service')
    .description('manage container services (the Hyper services API)')
    .enablePositionalOptions();

  tenantOption(
    service
      .command('create')
      .description('create a service: replicas of IMAGE behind a load balancer')
      .argument('<image>', 'image of every replica')
      .argument('[command...]', 'command and arguments of every replica')
      .passThroughOptions()
      .option('--name <name>', 'service name')
      .option('--replicas <n>', 'number of replicas (must be > 0)', integer, -1)
      .option('--service-port <port>', 'port the load balancer listens on', integer, 0)
      .option('--container-port <port>', 'port of each replica (default: service port)', integer, 0)
      .option('--protocol <protocol>', 'http, https, tcp or httpsTerm', 'tcp')
      .option('--algorithm <algorithm>', 'roundrobin, leastconn or source', 'roundrobin')
      .option('--session-affinity', 'sticky sessions')
      .option('--health-check-interval <seconds>', 'seconds between checks', integer, 3)
      .option('--health-check-fall <n>', 'failed checks before a replica is DOWN', integer, 3)
      .option('--health-check-rise <n>', 'passed checks before a replica is UP', integer, 2)
      .option('--ssl-cert <file>', 'PEM certificate chain and key (httpsTerm)')
      .option('--size <size>', 'size of each replica (s1…l3)', 's4')
      .option('--service-size <size>', 'size of the load balancer (Wharf extension)')
      .option('-l, --label <key=value>', 'label of the replicas', collect, [])
      .option('--label-file <file>', 'line-delimited file of labels', collect, [])
      .option('-e, --env <key=value>', 'environment variable', collect, [])
      .option('--env-file <file>', 'line-delimited file of environment variables', collect, [])
      .option('-v, --volume <volume:path[:ro]>', 'volume of each replica', collect, [])
      .option('--sg <name>', 'security group (stored, not enforced)', collect, [])
      .option('--entrypoint <command>', 'overwrite the image entrypoint')
      .option('-w, --workdir <dir>', 'working directory in the replicas')
      .option('--stop-signal <signal>', 'signal that stops a replica', 'SIGTERM')
      .option('-t, --tty', 'allocate a pseudo-TTY')
      .option('-i, --interactive', 'keep STDIN open')
      .option('-d, --detach', 'return at once instead of waiting for the service to be active')
      .option(
        '--timeout <seconds>',
        'how long to wait for active (default: sync timeout)',
        integer,
      ),
  ).action(async (image: string, command: string[], opts: CreateOptions) => {
    if (opts.replicas <= 0) throw new Error('replicas must be bigger than 0');
    const body = toCreateBody(image, command, opts);
    await withWharf(async (wharf, config) => {
      const scope = await scopeOf(wharf, opts.tenant, true);
      const created = await wharf.containers.service.create(scope, body);
      const name = created.record.spec.name;
      out(`Service ${name} is created.`);
      if (opts.detach === true) return;
      const timeoutMs = (opts.timeout ?? config.operations.containerSyncTimeoutMs / 1000) * 1000;
      // Nothing else may be converging (no `wharf serve`): the CLI runs the reconciler as it waits.
      await wharf.containers.start();
      try {
        await waitActive(wharf.containers.service, scope, name, timeoutMs);
      } finally {
        await wharf.containers.stop();
      }
    });
  });

  tenantOption(
    service
      .command('ls')
      .description('list services (every tenant, unless --tenant)')
      .option('-f, --filter <key=value>', 'name=NAME or label=KEY[=VALUE]', collect, []),
  ).action(async (opts: { filter: string[]; tenant?: string }) => {
    const filter = toListFilter(opts.filter);
    await withWharf(async (wharf) => {
      const scope = await scopeOf(wharf, opts.tenant);
      // The admin sees every tenant; an explicit --tenant narrows the list to that one.
      const views = await wharf.containers.service.list(
        opts.tenant === undefined ? scope : { ...scope, admin: false },
        filter,
      );
      for (const line of formatServiceTable(views.map(presentService))) out(line);
    });
  });

  tenantOption(
    service
      .command('inspect')
      .description('show services as JSON, or formatted with a template')
      .argument('<service...>')
      .option('-f, --format <template>', 'e.g. {{.Endpoint}} or {{json .Backends}}'),
  ).action(async (names: string[], opts: { format?: string; tenant?: string }) => {
    await withWharf(async (wharf) => {
      const scope = await scopeOf(wharf, opts.tenant);
      const found: WireService[] = [];
      const failed = await eachService(names, err, async (name) => {
        found.push(presentService(await wharf.containers.service.get(scope, name)));
      });
      const format = opts.format;
      if (format === undefined) out(JSON.stringify(found, null, 4));
      else for (const s of found) out(renderTemplate(format, s));
      if (failed > 0) throw new SomeServicesFailed(failed, names.length, 'inspect');
    });
  });

  tenantOption(
    service
      .command('scale')
      .description('set the number of replicas')
      .argument('<service=replicas...>'),
  ).action(async (pairs: string[], opts: { tenant?: string }) => {
    await withWharf(async (wharf) => {
      const scope = await scopeOf(wharf, opts.tenant);
      const failed = await eachService(pairs, err, async (pair) => {
        const eq = pair.indexOf('=');
        const replicas = pair.slice(eq + 1);
        if (eq < 0 || !/^\d+$/.test(replicas)) {
          throw new ArgumentError('invalid argument');
        }
        const view = await wharf.containers.service.update(scope, pair.slice(0, eq), {
          Replicas: Number(replicas),
        });
        out(view.record.spec.name);
      });
      if (failed > 0) throw new SomeServicesFailed(failed, pairs.length, 'scale');
    });
  });

  tenantOption(
    service
      .command('rolling-update')
      .description('replace the replicas one at a time with a new image')
      .argument('<service...>')
      .option('--image <image>', 'new image of the replicas'),
  ).action(async (names: string[], opts: { image?: string; tenant?: string }) => {
    const image = opts.image;
    if (image === undefined || image === '')
      throw new Error('image is required for rolling-update');
    await updateEach(withWharf, names, opts.tenant, err, { Image: image }, (name) => {
      out(`Rolling-update is requested for service ${name}.`);
    });
  });

  tenantOption(
    service
      .command('attach-fip')
      .description('publish ServicePort on an address of WHARF_FIP_POOL')
      .argument('<service>')
      .option('--fip <ip>', 'the address to attach'),
  ).action(async (name: string, opts: { fip?: string; tenant?: string }) => {
    const fip = opts.fip;
    if (fip === undefined || fip === '')
      throw new Error('please provide the attached FIP via --fip');
    await updateEach(withWharf, [name], opts.tenant, err, { FIP: fip }, out);
  });

  tenantOption(
    service.command('detach-fip').description('unpublish the FIP').argument('<service...>'),
  ).action(async (names: string[], opts: { tenant?: string }) => {
    await updateEach(withWharf, names, opts.tenant, err, { FIP: '' }, out);
  });

  tenantOption(
    service
      .command('rm')
      .description('remove services')
      .argument('<service...>')
      .option('--keep', 'keep the replicas running, unmanaged'),
  ).action(async (names: string[], opts: { keep?: boolean; tenant?: string }) => {
    await withWharf(async (wharf) => {
      const scope = await scopeOf(wharf, opts.tenant);
      const failed = await eachService(names, err, async (name) => {
        await wharf.containers.service.remove(scope, name, opts.keep === true);
        out(name);
      });
      if (failed > 0) throw new SomeServicesFailed(failed, names.length, 'rm');
    });
  });
}

function tenantOption(command: Command): Command {
  return command.option(
    '--tenant <id>',
    "tenant (32 hex chars, or a user or space guid); default: the admin user's",
  );
}

/**
 * The CLI is the operator: admin, in the tenant given or the `admin` user's. Only `create` needs
 * a tenant; the other verbs find any tenant's service (the scope's own tenant wins a name tie).
 */
async function scopeOf(
  wharf: Wharf,
  tenant: string | undefined,
  forCreate = false,
): Promise<Scope> {
  if (tenant !== undefined) {
    return {
      tenant: /^[0-9a-f]{32}$/i.test(tenant) ? tenant.toLowerCase() : toTenant(tenant),
      admin: true,
    };
  }
  const admin = (await wharf.users.list()).find((u) => u.username === 'admin');
  if (admin !== undefined) return { tenant: toTenant(admin.guid), admin: true };
  if (forCreate) throw new Error('no user "admin" yet (`wharf serve` creates it): pass --tenant');
  return { tenant: '', admin: true };
}

/**
 * Runs `work` for every argument; an expected failure (unknown service, bad value) is printed on
 * stderr and the rest go on, as `hyper service rm` does. Returns how many failed.
 */
async function eachService(
  args: readonly string[],
  err: Out,
  work: (arg: string) => Promise<void>,
): Promise<number> {
  let failed = 0;
  for (const arg of args) {
    try {
      await work(arg);
    } catch (e) {
      if (!(e instanceof ContainerServiceError || e instanceof ArgumentError)) throw e;
      err(e.message);
      failed++;
    }
  }
  return failed;
}

async function updateEach(
  withWharf: WithWharf,
  names: readonly string[],
  tenant: string | undefined,
  err: Out,
  change: Record<string, unknown>,
  done: (name: string) => void,
): Promise<void> {
  await withWharf(async (wharf) => {
    const scope = await scopeOf(wharf, tenant);
    const failed = await eachService(names, err, async (name) => {
      done((await wharf.containers.service.update(scope, name, change)).record.spec.name);
    });
    if (failed > 0) throw new SomeServicesFailed(failed, names.length, 'update');
  });
}

/**
 * Waits for `active`. `failed` ends the wait only once it has lasted FAILED_GRACE_MS: a conflict
 * with another reconciler (a running `wharf serve`) is retried after 1 s and clears by itself,
 * while a missing image or a taken port stays failed.
 */
async function waitActive(
  service: ContainerService,
  scope: Scope,
  name: string,
  timeoutMs: number,
): Promise<ServiceView> {
  let failedSince: number | undefined;
  const view = await service.waitFor(
    scope,
    name,
    (v) => {
      if (v.record.status === 'active') return true;
      if (v.record.status !== 'failed') {
        failedSince = undefined;
        return false;
      }
      failedSince ??= Date.now();
      return Date.now() - failedSince >= FAILED_GRACE_MS;
    },
    timeoutMs,
  );
  if (view.record.status === 'failed') {
    throw new Error(
      `service ${name} failed: ${view.record.message}; it is kept and retried while Wharf runs ` +
        `(remove it with \`wharf service rm ${name}\`)`,
    );
  }
  return view;
}

/** Flags → the create body of reference §2.1 (the mapping of §7.1); the server validates it. */
export function toCreateBody(
  image: string,
  command: readonly string[],
  o: CreateOptions,
): Record<string, unknown> {
  const labels = [...o.labelFile.flatMap(readKvFile), ...o.label];
  return {
    Name: o.name,
    Image: image,
    Cmd: command.length > 0 ? [...command] : null,
    Entrypoint: o.entrypoint === undefined ? null : [o.entrypoint],
    Env: [...o.envFile.flatMap(readKvFile), ...o.env],
    WorkingDir: o.workdir ?? '',
    Volumes: toSet(o.volume),
    Labels: Object.fromEntries(labels.map(splitKv)),
    Tty: o.tty === true,
    Stdin: o.interactive === true,
    NetMode: 'bridge',
    StopSignal: o.stopSignal,
    SecurityGroups: toSet(o.sg),
    ServicePort: o.servicePort,
    // Hyper's CLI sends 0 for "same as the service port"; the API spells that as absent.
    ...(o.containerPort === 0 ? {} : { ContainerPort: o.containerPort }),
    ContainerSize: o.size,
    ...(o.serviceSize === undefined ? {} : { ServiceSize: o.serviceSize }),
    Replicas: o.replicas,
    Protocol: o.protocol,
    SSLCert: o.sslCert === undefined ? '' : fs.readFileSync(o.sslCert, 'utf8'),
    HealthCheckInterval: o.healthCheckInterval,
    HealthCheckFall: o.healthCheckFall,
    HealthCheckRise: o.healthCheckRise,
    Algorithm: o.algorithm,
    SessionAffinity: o.sessionAffinity === true,
  };
}

/** Docker's env/label files: one KEY=value a line; blank lines and `#` comments are skipped. */
function readKvFile(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

function splitKv(entry: string): [string, string] {
  const eq = entry.indexOf('=');
  return eq < 0 ? [entry, ''] : [entry.slice(0, eq), entry.slice(eq + 1)];
}

function toSet(members: readonly string[]): Record<string, Record<string, never>> {
  return Object.fromEntries(members.map((m) => [m, {}]));
}

/** `-f name=web -f label=app=web` → the list filter; only name and label exist (reference §3.2). */
export function toListFilter(flags: readonly string[]): {
  names: string[];
  labels: Array<{ key: string; value: string | undefined }>;
} {
  const names: string[] = [];
  const labels: Array<{ key: string; value: string | undefined }> = [];
  for (const flag of flags) {
    const [key, value] = splitKv(flag);
    if (!flag.includes('=')) throw new Error(`Bad format of filter (expected name=value): ${flag}`);
    if (key === 'name') names.push(value);
    else if (key === 'label') {
      const [k, v] = splitKv(value);
      labels.push({ key: k, value: value.includes('=') ? v : undefined });
    } else throw new Error(`Invalid filter '${key}'`);
  }
  return { names, labels };
}

/**
 * hypercli's `service ls` table: Go's tabwriter with min width 20 and padding 3; container ids cut
 * to 12 characters, at most two, then `...` (reference §7.2).
 */
export function formatServiceTable(services: readonly WireService[]): string[] {
  const rows = [
    ['Name', 'FIP', 'Containers', 'Status', 'Message'],
    ...services.map((s) => [s.Name, s.FIP, containersCell(s.Containers), s.Status, s.Message]),
  ];
  const widths = [0, 1, 2, 3].map((col) =>
    Math.max(20, ...rows.map((r) => (r[col] ?? '').length + 3)),
  );
  return rows.map((r) =>
    r.map((cell, col) => (col < widths.length ? cell.padEnd(widths[col] ?? 0) : cell)).join(''),
  );
}

function containersCell(ids: readonly string[]): string {
  const short = ids.map((id) => id.slice(0, 12));
  return (short.length > 2 ? [short[0], short[1], '...'] : short).join(', ');
}

const ACTION = /\{\{\s*(json\s+)?\.([A-Za-z0-9_.]*)\s*\}\}/g;

/**
 * The part of Go's text/template that `inspect -f` needs: `{{.Field}}`, `{{.A.B}}`, `{{json .X}}`
 * and `{{json .}}`; anything else is refused rather than printed wrong.
 */
export function renderTemplate(template: string, value: WireService): string {
  if (template.replace(ACTION, '').includes('{{')) {
    throw new Error(`unsupported template ${template}: only {{.Field}} and {{json .Field}} are`);
  }
  return template.replace(ACTION, (_all, json: string | undefined, path: string) => {
    let v: unknown = value;
    for (const key of path.split('.').filter((k) => k !== '')) {
      if (typeof v !== 'object' || v === null || !(key in v)) {
        throw new Error(`template: can't evaluate field ${key} in {{.${path}}}`);
      }
      v = Reflect.get(v, key);
    }
    return json === undefined ? goFormat(v) : JSON.stringify(v);
  });
}

/** How Go's template prints a value: slices as [a b], maps as map[k:v] with sorted keys. */
function goFormat(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (typeof v === 'object' && v !== null) {
    const entries = Object.entries(v).sort(([a], [b]) => a.localeCompare(b));
    return `map[${entries.map(([k, x]) => `${k}:${goFormat(x)}`).join(' ')}]`;
  }
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return '<no value>';
}

function integer(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('not an integer');
  return Number(value);
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
