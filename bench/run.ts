import { benchBrokerSync } from './broker-sync';
import { benchCatalog } from './catalog';
import { benchContainers } from './containers';
import { benchContainersSwarm } from './containers-swarm';
import { benchInstances } from './instances';
import { benchLoginFlood } from './login-flood';

const suites: Record<string, () => Promise<void>> = {
  catalog: benchCatalog,
  'broker-sync': benchBrokerSync,
  containers: async () => {
    await benchContainers();
    process.stdout.write('\n### containers on Docker Swarm\n');
    await benchContainersSwarm();
  },
  'containers-swarm': benchContainersSwarm,
  instances: benchInstances,
  'login-flood': benchLoginFlood,
};

async function main(): Promise<void> {
  const wanted = process.argv.slice(2);
  for (const [name, run] of Object.entries(suites)) {
    if (wanted.length > 0 && !wanted.includes(name)) continue;
    process.stdout.write(`\n## ${name}\n`);
    await run();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
