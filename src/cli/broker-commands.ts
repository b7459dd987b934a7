import type { Command } from 'commander';
import type { Wharf } from '../app';
import type { WharfConfig } from '../config';
import type { RegisteredBroker } from '../broker-registry';

type WithWharf = <T>(work: (wharf: Wharf, config: WharfConfig) => Promise<T>) => Promise<T>;
type Out = (line: string) => void;

async function brokerGuid(wharf: Wharf, name: string): Promise<string> {
  const broker = await wharf.brokers.findByName(name);
  if (!broker) throw new Error(`no service broker named ${name}`);
  return broker.guid;
}

/** `--timeout <seconds>`: a whole number of seconds, at least 1. */
function timeoutOption(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1)
    throw new Error(`--timeout must be a whole number of seconds, at least 1 (got ${value})`);
  return seconds;
}

function syncText(b: RegisteredBroker): string {
  if (b.lastSync === null) return 'never synced';
  const at = b.lastSync.at.toISOString().replace(/\.\d{3}Z$/, 'Z');
  return b.lastSync.ok ? `synced ${at}` : `sync failed ${at}: ${b.lastSync.error ?? ''}`;
}

function printWarnings(out: Out, warnings: readonly string[]): void {
  for (const w of warnings) out(`warning: ${w}`);
}

/** `wharf broker …` and `wharf rotate-key`: the same services the API uses, as the operator (admin). */
export function registerBrokerCommands(program: Command, withWharf: WithWharf, out: Out): void {
  const broker = program.command('broker').description('manage service brokers');
  broker
    .command('add <name> <url> <username> <password>')
    .option('--space <guid>', 'scope the broker to one space')
    .option(
      '--timeout <seconds>',
      "this broker's request timeout (default WHARF_BROKER_TIMEOUT_SECONDS)",
    )
    .action(
      async (
        name: string,
        url: string,
        username: string,
        password: string,
        opts: { space?: string; timeout?: string },
      ) => {
        const timeoutSeconds = timeoutOption(opts.timeout);
        await withWharf(async (wharf) => {
          const result = await wharf.brokers.register(
            null,
            {
              name,
              brokerUrl: url,
              authUsername: username,
              authPassword: password,
              ...(opts.space ? { spaceGuid: opts.space } : {}),
              ...(timeoutSeconds === undefined ? {} : { timeoutSeconds }),
            },
            {},
          );
          printWarnings(out, result.warnings);
          out(`${result.broker.guid}\t${result.broker.name}\t${result.broker.brokerUrl}`);
        });
      },
    );
  broker.command('list').action(async () => {
    await withWharf(async (wharf) => {
      for (const b of await wharf.brokers.all())
        out(
          `${b.guid}\t${b.name}\t${b.brokerUrl}\t${b.spaceGuid ?? '-'}\t${b.timeoutSeconds === null ? 'default' : `${b.timeoutSeconds}s`}\t${syncText(b)}`,
        );
    });
  });
  broker
    .command('update <name>')
    .option('--name <newName>')
    .option('--url <url>')
    .option('--username <username>')
    .option('--password <password>')
    .option('--timeout <seconds>', "this broker's request timeout ('default' to clear)")
    .action(
      async (
        name: string,
        opts: {
          name?: string;
          url?: string;
          username?: string;
          password?: string;
          timeout?: string;
        },
      ) => {
        const timeoutSeconds = opts.timeout === 'default' ? null : timeoutOption(opts.timeout);
        await withWharf(async (wharf) => {
          const guid = await brokerGuid(wharf, name);
          const result = await wharf.brokers.update(
            null,
            guid,
            {
              name: opts.name,
              brokerUrl: opts.url,
              authUsername: opts.username,
              authPassword: opts.password,
              timeoutSeconds,
            },
            {},
          );
          printWarnings(out, result.warnings);
          out(`updated ${result.broker.name}`);
        });
      },
    );
  broker.command('remove <name>').action(async (name: string) => {
    await withWharf(async (wharf) => {
      await wharf.brokers.remove(null, await brokerGuid(wharf, name));
      out(`removed ${name}`);
    });
  });
  broker
    .command('sync <name>')
    .description("refetch the broker's catalog")
    .action(async (name: string) => {
      await withWharf(async (wharf) => {
        const result = await wharf.brokers.sync(await brokerGuid(wharf, name), {});
        printWarnings(out, result.warnings);
        out(`synced ${name}`);
      });
    });
  program
    .command('rotate-key')
    .description(
      'rotate the token signing key and the encryption key, and re-seal every stored secret (running processes follow without a restart)',
    )
    .action(async () => {
      await withWharf(async (wharf) => {
        const { kid, keyId, resealed } = await wharf.rotateKeys();
        out(`new signing key ${kid}; new key ${keyId}; re-sealed ${resealed} stored secret(s)`);
      });
    });
}
