#!/usr/bin/env node
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { Command } from 'commander';
import { buildWharf } from './app';
import type { Wharf } from './app';
import { ADMIN_SCOPES, DEFAULT_USER_SCOPES } from './auth';
import { KNOWN_SETTINGS, loadConfig } from './config';
import type { WharfConfig } from './config';
import { migrateToLatest } from './db/migrate';
import { createLogger } from './logger';
import type { Logger } from './logger';
import { closeServer } from './startup/close-server';
import { unknownSettingWarnings } from './startup/closest-setting';
import { openDatabase } from './startup/database';
import { listenOn } from './startup/listen';
import { registerBrokerCommands } from './cli/broker-commands';
import { registerServiceCommands } from './cli/service-commands';

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function withWharf<T>(work: (wharf: Wharf, config: WharfConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const logger = createLogger('warn');
  const knex = await openDatabase(config, logger);
  const wharf = await buildWharf({ config, logger, knex });
  try {
    return await work(wharf, config);
  } finally {
    await wharf.close();
  }
}

function warnAboutUnknownSettings(): void {
  for (const line of unknownSettingWarnings(Object.keys(process.env), KNOWN_SETTINGS))
    process.stderr.write(`${line}\n`);
}

/** Answers while the database opens: the port is bound first, so a busy port fails at once. */
function startingHandler(_req: IncomingMessage, res: ServerResponse): void {
  res.writeHead(503, { 'Content-Type': 'application/json', 'Retry-After': '1' });
  res.end(JSON.stringify({ status: 'starting' }));
}

/**
 * Binds the port, then opens and migrates the database, then serves, and only then starts the
 * background work (job runner, reconciler): a process that cannot serve never touches a shared
 * database's jobs or the engine's containers. Stops in the reverse order on SIGINT/SIGTERM.
 */
async function serve(): Promise<void> {
  const config = loadConfig();
  warnAboutUnknownSettings();
  const logger = createLogger(config.logLevel);
  let handler: (req: IncomingMessage, res: ServerResponse) => void = startingHandler;
  const server = createServer((req, res) => {
    handler(req, res);
  });
  await listenOn(server, config.port, config.host);
  let wharf: Wharf;
  try {
    const knex = await openDatabase(config, logger);
    wharf = await buildWharf({ config, logger, knex }).catch(async (err: unknown) => {
      await knex.destroy();
      throw err;
    });
  } catch (err) {
    await closeServer(server, 0);
    throw err;
  }
  const admin = await wharf.users.ensureAdmin(config.adminPassword);
  if (admin.generatedPassword !== undefined) {
    // Printed once, on the very first start, on stdout only (never through the logger).
    out(`Created user "admin" with password: ${admin.generatedPassword}`);
    out('It will not be shown again; change it with `wharf user passwd admin`.');
  }
  if (wharf.brokerCredentials.generated) {
    out(
      `OSB broker at ${config.externalUrl}/broker: user "${wharf.brokerCredentials.credentials.username}", password: ${wharf.brokerCredentials.credentials.password}`,
    );
  }
  handler = wharf.app;
  await wharf.start();
  // Stop signals are handled before the line that announces readiness: a supervisor may send
  // SIGTERM as soon as it reads it, and the default action would skip the graceful stop.
  handleStopSignals(server, wharf, logger, config.shutdownTimeoutMs);
  out(`Wharf listening on ${listeningUrl(server, config.host)} (data in ${config.dataDir})`);
}

function listeningUrl(server: Server, host: string): string {
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function handleStopSignals(server: Server, wharf: Wharf, logger: Logger, graceMs: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second signal means "now": the operator does not want to wait for the grace period.
      process.exit(1);
    }
    stopping = true;
    logger.info({ signal }, 'stopping: no new connections, finishing requests in flight');
    void (async () => {
      await closeServer(server, graceMs);
      await wharf.close();
      process.exit(0);
    })().catch((err: unknown) => {
      process.stderr.write(`wharf: ${oneLine(err)}\n`);
      process.exit(1);
    });
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split('\n')[0] ?? text;
}

function scopesOption(value: string | undefined, admin: boolean | undefined): readonly string[] {
  if (value !== undefined)
    return value
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  return admin === true ? ADMIN_SCOPES : DEFAULT_USER_SCOPES;
}

function buildProgram(): Command {
  const program = new Command('wharf').description('Wharf service catalog and broker registry');
  program.command('serve').description('migrate the database and serve the API').action(serve);
  program
    .command('migrate')
    .description('apply database migrations')
    .action(async () => {
      const config = loadConfig();
      const knex = await openDatabase(config, createLogger('warn'));
      const applied = await migrateToLatest(knex);
      await knex.destroy();
      out(applied.length === 0 ? 'Already up to date' : `Applied: ${applied.join(', ')}`);
    });

  const user = program.command('user').description('manage Wharf users');
  user
    .command('add <username> <password>')
    .option('--admin', 'grant cloud_controller.admin')
    .option('--scopes <list>', 'comma-separated scopes (overrides --admin)')
    .option('--email <email>')
    .action(
      async (
        username: string,
        password: string,
        opts: { admin?: boolean; scopes?: string; email?: string },
      ) => {
        await withWharf(async (wharf) => {
          const created = await wharf.users.addUser(
            username,
            password,
            scopesOption(opts.scopes, opts.admin),
            opts.email,
          );
          out(`${created.guid}\t${username}`);
        });
      },
    );
  user.command('list').action(async () => {
    await withWharf(async (wharf) => {
      for (const u of await wharf.users.list())
        out(`${u.guid}\t${u.username ?? '-'}\t${u.scopes.join(',')}`);
    });
  });
  user
    .command('passwd <username> <password>')
    .action(async (username: string, password: string) => {
      await withWharf(async (wharf) => {
        if (!(await wharf.users.setPassword(username, password)))
          throw new Error(`no user ${username}`);
        out(`Password of ${username} changed`);
      });
    });
  program
    .command('client-add <clientId>')
    .description(
      'register an OAuth client for the client_credentials grant; prints its secret once',
    )
    .option('--scopes <list>', 'comma-separated authorities', 'cloud_controller.read')
    .action(async (clientId: string, opts: { scopes: string }) => {
      await withWharf(async (wharf) => {
        out(await wharf.users.addClient(clientId, scopesOption(opts.scopes, false)));
      });
    });
  program
    .command('token <username>')
    .description('mint an access token for a user (for scripts)')
    .action(async (username: string) => {
      await withWharf(async (wharf) => {
        const found = (await wharf.users.list()).find((u) => u.username === username);
        if (!found) throw new Error(`no user ${username}`);
        const issued = wharf.tokens.issue(
          {
            userGuid: found.guid,
            userName: username,
            email: found.email ?? undefined,
            origin: found.origin,
            clientId: 'cf',
            scopes: found.scopes,
          },
          'password',
          false,
        );
        out(`bearer ${issued.access_token}`);
      });
    });
  registerBrokerCommands(program, withWharf, out);
  registerServiceCommands(program, withWharf, out);
  return program;
}

buildProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => {
    // One line, never a stack: startup failures (port, database, settings) are the user's to fix.
    process.stderr.write(`wharf: ${oneLine(err)}\n`);
    process.exit(1);
  });
