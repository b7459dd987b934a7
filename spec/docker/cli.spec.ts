import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import Docker from 'dockerode';
import pino from 'pino';
import { buildWharf } from '../../src/app';
import type { Wharf } from '../../src/app';
import { ADMIN_SCOPES } from '../../src/auth/types';
import {
  formatServiceTable,
  registerServiceCommands,
  renderTemplate,
  SomeServicesFailed,
  toListFilter,
} from '../../src/cli/service-commands';
import { loadConfig } from '../../src/config';
import type { WharfConfig } from '../../src/config';
import { loadKeyRing } from '../../src/secrets/key-ring';
import { SecretBox } from '../../src/secrets/secret-box';
import { createContainersModule, presentService, toTenant } from '../../src/containers';
import type { WireService } from '../../src/containers';
import { createTestDatabase } from '../support/test-database';
import type { TestDatabase } from '../support/test-database';
import { countLabelled, removeLabelled } from './support/cleanup';
import { buildTestImages, describeWithDocker, TEST_IMAGES } from './support/docker-available';
import { eventually, hostnamesSeen } from './support/http';

/**
 * `wharf service …` is driven in-process: the commander program main.ts builds, with the same
 * registerServiceCommands, and a withWharf that (like main.ts) builds a fresh Wharf per command
 * on one data directory, so each command is a separate "process". The only difference from the
 * built CLI is the containers module's owner label: unique per run, so everything this spec makes
 * can be counted and removed by label.
 */
describeWithDocker('wharf service (the CLI) on the real engine', () => {
  const docker = new Docker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-cli-'));
  const owner = `spec-${randomUUID()}`;
  const logger = pino({ level: 'silent' });
  const config = loadConfig({
    WHARF_DATA_DIR: dir,
    WHARF_LOG_LEVEL: 'silent',
    WHARF_LB_IMAGE: TEST_IMAGES.haproxy,
    WHARF_CONTAINER_SYNC_TIMEOUT_SECONDS: '90',
  });
  let adminTenant: string;
  let database: TestDatabase;

  async function withWharf<T>(work: (w: Wharf, c: WharfConfig) => Promise<T>): Promise<T> {
    const knex = database.connect();
    const containers = createContainersModule({
      knex,
      owner,
      logger,
      // The same key ring file buildWharf loads from the data directory.
      secrets: new SecretBox(loadKeyRing(dir, undefined)),
      config: config.containers,
      resyncMs: 1000,
      busyMs: 200,
    });
    const wharf = await buildWharf({ config, logger, knex, containers });
    try {
      return await work(wharf, config);
    } finally {
      await wharf.close();
    }
  }

  interface Run {
    out: string[];
    err: string[];
    error: unknown;
  }

  async function wharf(...args: string[]): Promise<Run> {
    const run: Run = { out: [], err: [], error: undefined };
    const program = new Command('wharf')
      .exitOverride()
      .configureOutput({ writeOut: () => undefined, writeErr: (s) => run.err.push(s.trim()) });
    registerServiceCommands(
      program,
      withWharf,
      (line) => run.out.push(line),
      (line) => run.err.push(line),
    );
    try {
      await program.parseAsync(['service', ...args], { from: 'user' });
    } catch (error) {
      run.error = error;
    }
    return run;
  }

  /** What `wharf serve` would do between commands: run the reconciler until `accept` holds. */
  async function serveUntil(name: string, accept: (s: WireService) => boolean): Promise<void> {
    await withWharf(async (w) => {
      await w.containers.start();
      try {
        const scope = { tenant: adminTenant, admin: true };
        await w.containers.service.waitFor(scope, name, (v) => accept(presentService(v)), 60000);
      } finally {
        await w.containers.stop();
      }
    });
  }

  beforeAll(async () => {
    buildTestImages();
    database = await createTestDatabase(dir);
    await withWharf(async (w) => {
      const admin = await w.users.addUser('admin', 'admin-password', ADMIN_SCOPES);
      adminTenant = toTenant(admin.guid);
    });
  }, 120000);

  afterAll(async () => {
    await database.drop();
    await removeLabelled(docker, 'wharf.owner', owner);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when a service is created, listed, scaled and removed, prints Hyper output and leaves nothing', async () => {
    const created = await wharf(
      'create',
      '--name=web',
      '--replicas=2',
      '--service-port=80',
      '--protocol=http',
      '--health-check-interval=1',
      '--health-check-rise=1',
      '-l',
      'app=web',
      TEST_IMAGES.httpd,
    );
    expect(created).toEqual({ out: ['Service web is created.'], err: [], error: undefined });

    // create waited for active: the replicas answer through the Endpoint right away.
    const endpoint = await wharf('inspect', '-f', '{{.Endpoint}}', 'web');
    expect(endpoint.out).toEqual([expect.stringMatching(/^127\.0\.0\.1:\d+$/)]);
    const seen = new Set(await hostnamesSeen(`http://${endpoint.out[0]}`, 6));
    expect(seen.size).toBe(2);

    const listed = await wharf('ls', '-f', 'label=app=web');
    expect(listed.error).toBeUndefined();
    expect(listed.out[0]).toBe(
      `${'Name'.padEnd(20)}${'FIP'.padEnd(20)}${'Containers'.padEnd(29)}${'Status'.padEnd(20)}Message`,
    );
    expect(listed.out[1]).toMatch(
      /^web {17} {20}[0-9a-f]{12}, [0-9a-f]{12} {3}active {14}Scaling complete$/,
    );
    expect(listed.out).toHaveLength(2);
    expect((await wharf('ls', '-f', 'name=nope')).out).toHaveLength(1);

    const scaled = await wharf('scale', 'web=3');
    expect(scaled).toEqual({ out: ['web'], err: [], error: undefined });
    const pending = await wharf('inspect', '-f', '{{.Replicas}} {{.Status}}', 'web');
    expect(pending.out).toEqual(['3 updating']);
    // scale is asynchronous as in Hyper: the server's reconciler converges it.
    await serveUntil('web', (s) => s.Status === 'active' && s.Containers.length === 3);
    const after = await wharf('ls');
    expect(after.out[1]).toMatch(
      /^web .*[0-9a-f]{12}, [0-9a-f]{12}, \.\.\. +active +Scaling complete$/,
    );

    const json = await wharf('inspect', 'web');
    const [inspected] = JSON.parse(json.out.join('\n')) as WireService[];
    expect(inspected).toMatchObject({
      Name: 'web',
      Replicas: 3,
      Status: 'active',
      Tenant: adminTenant,
      Labels: { app: 'web' },
      SSLCert: '',
    });

    const removed = await wharf('rm', 'web');
    expect(removed).toEqual({ out: ['web'], err: [], error: undefined });
    expect((await wharf('ls')).out).toHaveLength(1);
    await eventually(
      async () => {
        const left = await countLabelled(docker, 'wharf.owner', owner);
        return left.containers + left.networks + left.volumes === 0 ? true : undefined;
      },
      30000,
      'nothing left with the owner label',
    );
  }, 180000);

  it('when an argument is malformed or a service unknown, reports it on stderr, handles the rest and fails', async () => {
    const detached = await wharf(
      'create',
      '--name=idle',
      '--service-port=80',
      '--replicas=1',
      '--detach',
      TEST_IMAGES.httpd,
    );
    expect(detached.out).toEqual(['Service idle is created.']);
    expect((await wharf('inspect', '-f', '{{.Status}}', 'idle')).out).toEqual(['created']);

    const scaled = await wharf('scale', 'idle', 'idle=x', 'nope=2', 'idle=2');
    expect(scaled.out).toEqual(['idle']);
    expect(scaled.err).toEqual(['invalid argument', 'invalid argument', 'No such service: nope']);
    expect(scaled.error).toBeInstanceOf(SomeServicesFailed);

    expect(
      (await wharf('create', '--name=zero', '--service-port=80', TEST_IMAGES.httpd)).error,
    ).toEqual(new Error('replicas must be bigger than 0'));
    expect((await wharf('rolling-update', 'idle')).error).toEqual(
      new Error('image is required for rolling-update'),
    );
    expect((await wharf('attach-fip', 'idle')).error).toEqual(
      new Error('please provide the attached FIP via --fip'),
    );
    const bad = await wharf(
      'create',
      '--name=Bad_Name',
      '--replicas=1',
      '--service-port=80',
      '-d',
      TEST_IMAGES.httpd,
    );
    expect(String(bad.error)).toContain('Name must be');

    const removed = await wharf('rm', 'nope', 'idle');
    expect(removed.out).toEqual(['idle']);
    expect(removed.err).toEqual(['No such service: nope']);
    expect(removed.error).toBeInstanceOf(SomeServicesFailed);
    const left = await countLabelled(docker, 'wharf.owner', owner);
    expect(left.containers + left.networks).toBe(0);
  }, 60000);
});

describe('wharf service output helpers', () => {
  const service = (over: Partial<WireService>): WireService =>
    ({
      Name: 'web',
      FIP: '',
      Containers: [],
      Status: 'active',
      Message: 'Scaling complete',
      ...over,
    }) as WireService;

  it.each([
    ['no container', [], ''],
    ['two, cut to 12', ['a'.repeat(64), 'b'.repeat(64)], `${'a'.repeat(12)}, ${'b'.repeat(12)}`],
    [
      'three, then ...',
      ['a'.repeat(64), 'b'.repeat(64), 'c'.repeat(64)],
      `${'a'.repeat(12)}, ${'b'.repeat(12)}, ...`,
    ],
  ])('ls shows %s', (_name, containers, cell) => {
    const [, row] = formatServiceTable([service({ Containers: containers })]);
    expect(row).toBe(
      `${'web'.padEnd(20)}${''.padEnd(20)}${cell.padEnd(Math.max(20, cell.length + 3))}${'active'.padEnd(20)}Scaling complete`,
    );
  });

  it.each([
    ['{{.Name}}', 'web'],
    ['{{ .Status }}/{{.FIP}}', 'active/'],
    ['{{json .Containers}}', '["c1"]'],
    ['{{.Containers}}', '[c1]'],
    ['{{.Labels}}', 'map[a:1 b:2]'],
    ['{{.Labels.b}}', '2'],
  ])('inspect -f %s prints %s', (template, printed) => {
    expect(
      renderTemplate(template, service({ Containers: ['c1'], Labels: { b: '2', a: '1' } })),
    ).toBe(printed);
  });

  it.each([['{{range .Containers}}{{.}}{{end}}'], ['{{.Nope}}']])(
    'inspect -f %s is refused',
    (template) => {
      expect(() => renderTemplate(template, service({}))).toThrow();
    },
  );

  it.each([
    [
      ['name=web', 'label=app=web', 'label=tier'],
      {
        names: ['web'],
        labels: [
          { key: 'app', value: 'web' },
          { key: 'tier', value: undefined },
        ],
      },
    ],
  ])('ls -f %j', (flags, filter) => {
    expect(toListFilter(flags)).toEqual(filter);
  });

  it.each([['status=active'], ['name']])('ls -f %s is refused', (flag) => {
    expect(() => toListFilter([flag])).toThrow();
  });
});
