#!/usr/bin/env node
import type { Server } from 'node:http';
import { Command } from 'commander';
import { buildWharf } from './app';
import type { Wharf } from './app';
import { UserExistsError } from './auth';
import { ADMIN_SCOPES, DEFAULT_USER_SCOPES } from './auth/types';
import { loadConfig } from './config';
import type { WharfConfig } from './config';
import { createKnex } from './db/knex';
import { migrateToLatest } from './db/migrate';
import { createLogger } from './logger';
import path from 'node:path';
import { registerBrokerCommands } from './cli/broker-commands';
import { registerServiceCommands } from './cli/service-commands';

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}

async function withWharf<T>(work: (wharf: Wharf, config: WharfConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const wharf = await buildWharf({ config, logger: createLogger('warn') });
  try {
    return await work(wharf, config);
  } finally {
    await wharf.close();
  }
}

async function serve(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const wharf = await buildWharf({ config, logger });
  await wharf.start();
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
  const server: Server = wharf.app.listen(config.port, config.host, () => {
    out(`Wharf listening on ${config.externalUrl} (data in ${config.dataDir})`);
  });
  const shutdown = (): void => {
    server.close(() => {
      void wharf.close().then(() => process.exit(0));
    });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
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
      const knex = createKnex({
        databaseUrl: config.databaseUrl,
        sqliteFile: path.join(config.dataDir, 'wharf.sqlite'),
      });
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
    const message =
      err instanceof UserExistsError || err instanceof Error ? err.message : String(err);
    process.stderr.write(`wharf: ${message}\n`);
    process.exit(1);
  });
