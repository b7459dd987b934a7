import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createKnex } from '../../src/db/knex';
import { ensureBuilt, exitWithin, freePort, spawnWharf } from './support/wharf-process';
import type { WharfProcess } from './support/wharf-process';

jest.setTimeout(120_000);

const started: WharfProcess[] = [];
function serve(port: number, env: Record<string, string> = {}, dataDir?: string): WharfProcess {
  const wharf = spawnWharf(port, env, dataDir);
  started.push(wharf);
  return wharf;
}

beforeAll(() => {
  ensureBuilt();
});
afterEach(async () => {
  for (const wharf of started.splice(0)) await wharf.cleanUp();
});

function holdPort(port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      resolve(server);
    });
  });
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l.length > 0);
}

/** Sends a request whose body is held back, so it is in flight until `finish` is called. */
function slowRequest(port: number): Promise<{ finish(): void; response: Promise<string> }> {
  const body = 'grant_type=password&username=admin&password=nope';
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => {
      socket.write(
        'POST /oauth/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n' +
          'Authorization: Basic Y2Y6\r\nContent-Type: application/x-www-form-urlencoded\r\n' +
          `Content-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`,
      );
      let received = '';
      socket.setEncoding('utf8').on('data', (chunk: string) => {
        received += chunk;
      });
      const response = new Promise<string>((done) => {
        socket.on('close', () => {
          done(received);
        });
      });
      resolve({
        finish: () => {
          socket.write(body.slice(5));
        },
        response,
      });
    });
    socket.once('error', reject);
  });
}

function connectRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => {
      resolve(true);
    });
  });
}

describe('wharf serve: listening', () => {
  it('when the port is taken, prints one line, exits non-zero and never opens the database', async () => {
    const port = await freePort();
    const holder = await holdPort(port);
    try {
      const wharf = serve(port);
      const exit = await exitWithin(wharf, 30_000);
      expect(exit.code).toBe(1);
      expect(wharf.stderr()).toBe(
        `wharf: cannot listen on 127.0.0.1:${port}: address already in use\n`,
      );
      expect(wharf.stdout()).toBe('');
      // Nothing ran before the bind failed: no database, no migration, no background work.
      expect(fs.existsSync(path.join(wharf.dataDir, 'wharf.sqlite'))).toBe(false);
    } finally {
      holder.close();
    }
  });

  it.each<[string, string, string]>([
    ['an address of another host', '192.0.2.1', 'address not available on this host'],
    ['a host name that does not resolve', 'no-such-host.invalid', 'no such host'],
  ])('when WHARF_HOST is %s, prints one line and exits non-zero', async (_name, host, reason) => {
    const port = await freePort();
    const wharf = serve(port, { WHARF_HOST: host });
    const exit = await exitWithin(wharf, 30_000);
    expect(exit.code).toBe(1);
    expect(wharf.stderr()).toBe(`wharf: cannot listen on ${host}:${port}: ${reason}\n`);
  });

  it('when started, serves /healthz, reports support null and says where it listens', async () => {
    const port = await freePort();
    const wharf = serve(port);
    const line = await wharf.waitForOutput(/^Wharf listening on /);
    expect(line).toBe(`Wharf listening on http://127.0.0.1:${port} (data in ${wharf.dataDir})`);
    expect((await fetch(wharf.url('/healthz'))).status).toBe(200);
    const info = (await (await fetch(wharf.url('/v2/info'))).json()) as Record<string, unknown>;
    expect(info.support).toBeNull();
    expect(wharf.stderr()).toBe('');
  });

  it('when WHARF_SUPPORT_URL is set, /v2/info reports it', async () => {
    const port = await freePort();
    const wharf = serve(port, { WHARF_SUPPORT_URL: 'https://help.example.org/wharf' });
    await wharf.waitForOutput(/^Wharf listening on /);
    const info = (await (await fetch(wharf.url('/v2/info'))).json()) as Record<string, unknown>;
    expect(info.support).toBe('https://help.example.org/wharf');
  });
});

describe('wharf serve: settings', () => {
  it('when a WHARF_ variable is misspelt, warns once naming the closest setting and still starts', async () => {
    const port = await freePort();
    const wharf = serve(port, { WHARF_PROT: '4000' });
    await wharf.waitForOutput(/^Wharf listening on /);
    expect(lines(wharf.stderr())).toEqual([
      'wharf: warning: WHARF_PROT is not a Wharf setting and is ignored; did you mean WHARF_PORT?',
    ]);
  });

  it('when a setting is invalid, prints one line naming it and exits non-zero', async () => {
    const port = await freePort();
    const wharf = serve(port, { WHARF_SUPPORT_URL: 'not a url' });
    const exit = await exitWithin(wharf, 30_000);
    expect(exit.code).toBe(1);
    expect(lines(wharf.stderr())).toHaveLength(1);
    expect(wharf.stderr()).toMatch(/^wharf: Invalid configuration: WHARF_SUPPORT_URL: /);
  });
});

describe('wharf serve: the database', () => {
  it('when PostgreSQL cannot be reached, prints one line without the password and exits non-zero', async () => {
    const port = await freePort();
    const wharf = serve(port, { DATABASE_URL: 'postgres://u:secret@127.0.0.1:1/x' });
    const exit = await exitWithin(wharf, 60_000);
    expect(exit.code).toBe(1);
    expect(wharf.stderr()).toBe(
      'wharf: cannot connect to database postgres://u@127.0.0.1:1/x: connect ECONNREFUSED 127.0.0.1:1\n',
    );
    expect(wharf.stdout()).not.toContain('secret');
    // The port bound first is released again.
    expect(await connectRefused(port)).toBe(true);
  });

  it('when the SQLite file is not a database, prints one line naming the file and exits non-zero', async () => {
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-serve-'));
    fs.writeFileSync(path.join(dir, 'wharf.sqlite'), 'this is not sqlite');
    const wharf = serve(port, {}, dir);
    const exit = await exitWithin(wharf, 30_000);
    expect(exit.code).toBe(1);
    expect(wharf.stderr()).toBe(
      `wharf: cannot connect to SQLite database ${path.join(wharf.dataDir, 'wharf.sqlite')}: SQLITE_NOTADB: file is not a database\n`,
    );
  });

  it('when the database was migrated by a newer Wharf, prints one line and exits non-zero', async () => {
    const port = await freePort();
    const wharf = serve(port);
    await wharf.waitForOutput(/^Wharf listening on /);
    wharf.child.kill('SIGTERM');
    await exitWithin(wharf, 30_000);
    const file = path.join(wharf.dataDir, 'wharf.sqlite');
    const knex = createKnex({ databaseUrl: undefined, sqliteFile: file });
    await knex('knex_migrations').insert({
      name: '29991231235959_from_the_future',
      batch: 99,
      migration_time: new Date(),
    });
    await knex.destroy();
    const again = serve(await freePort(), {}, wharf.dataDir);
    const exit = await exitWithin(again, 30_000);
    expect(exit.code).toBe(1);
    expect(lines(again.stderr())).toHaveLength(1);
    expect(again.stderr()).toMatch(
      new RegExp(
        `^wharf: cannot migrate SQLite database ${file}: .*29991231235959_from_the_future`,
      ),
    );
  });
});

describe('wharf serve: stopping', () => {
  it('on SIGTERM, refuses new connections, finishes the request in flight, closes the database and exits 0', async () => {
    const port = await freePort();
    const wharf = serve(port);
    await wharf.waitForOutput(/^Wharf listening on /);
    const inFlight = await slowRequest(port);
    await new Promise((r) => setTimeout(r, 200));
    wharf.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 500));
    expect(await connectRefused(port)).toBe(true);
    inFlight.finish();
    expect(await inFlight.response).toMatch(/^HTTP\/1\.1 401 /);
    const exit = await exitWithin(wharf, 30_000);
    expect(exit).toEqual({ code: 0, signal: null });
    // SQLite removes the write-ahead log when the last connection closes cleanly.
    expect(fs.existsSync(path.join(wharf.dataDir, 'wharf.sqlite'))).toBe(true);
    expect(fs.existsSync(path.join(wharf.dataDir, 'wharf.sqlite-wal'))).toBe(false);
  });

  it('on SIGTERM, a request that never finishes is cut after WHARF_SHUTDOWN_TIMEOUT_SECONDS', async () => {
    const port = await freePort();
    const wharf = serve(port, { WHARF_SHUTDOWN_TIMEOUT_SECONDS: '1' });
    await wharf.waitForOutput(/^Wharf listening on /);
    const stuck = await slowRequest(port);
    wharf.child.kill('SIGTERM');
    const exit = await exitWithin(wharf, 15_000);
    expect(exit).toEqual({ code: 0, signal: null });
    expect(await stuck.response).toBe('');
  });
});
