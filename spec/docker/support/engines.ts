import { execFileSync } from 'node:child_process';
import type Docker from 'dockerode';
import type { ContainerEngine } from '../../../src/config';
import { dockerStatus } from './docker-available';

/**
 * The real-engine container specs run once per engine of WHARF_TEST_ENGINES (a comma list,
 * default `docker`; `.ci/run` adds `swarm` on one database run). The same tests, not copies: each
 * gets an `EngineUnderTest` for the few facts that differ between engines.
 */
export function testEngines(env: NodeJS.ProcessEnv = process.env): ContainerEngine[] {
  const names = (env.WHARF_TEST_ENGINES ?? 'docker')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const engines: ContainerEngine[] = [];
  for (const name of names) {
    if (name !== 'docker' && name !== 'swarm')
      throw new Error(`WHARF_TEST_ENGINES: unknown engine ${name} (expected docker or swarm)`);
    if (!engines.includes(name)) engines.push(name);
  }
  return engines;
}

export interface EngineUnderTest {
  engine: ContainerEngine;
  /** Containers of replicas the engine runs now (Swarm keeps exited ones of old tasks a while). */
  runningReplicaIds(docker: Docker, owner: string): Promise<string[]>;
  /** Everything carrying `wharf.owner=<owner>`: containers, networks, volumes, Swarm objects. */
  countOwned(docker: Docker, owner: string): Promise<Record<string, number>>;
  /** Removes every object carrying `wharf.owner=<owner>` that the engine keeps beyond containers. */
  removeOwned(docker: Docker, owner: string): Promise<void>;
}

export function engineUnderTest(engine: ContainerEngine): EngineUnderTest {
  const ownerFilter = (owner: string, ...more: string[]): string =>
    JSON.stringify({ label: [`wharf.owner=${owner}`, ...more] });
  return {
    engine,
    async runningReplicaIds(docker, owner) {
      const all = engine === 'docker';
      const list = await docker.listContainers({
        all,
        filters: ownerFilter(owner, 'wharf.role=replica'),
      });
      return list.map((c) => c.Id);
    },
    async countOwned(docker, owner) {
      const filters = ownerFilter(owner);
      const counts: Record<string, number> = {
        containers: (await docker.listContainers({ all: true, filters })).length,
        networks: (await docker.listNetworks({ filters })).length,
        volumes: ((await docker.listVolumes({ filters })).Volumes ?? []).length,
      };
      if (engine === 'swarm') {
        counts.services = (await docker.listServices({ filters })).length;
        counts.configs = (await docker.listConfigs({ filters })).length;
        counts.secrets = (await docker.listSecrets({ filters })).length;
      }
      return counts;
    },
    async removeOwned(docker, owner) {
      if (engine !== 'swarm') return;
      const filters = ownerFilter(owner);
      for (const s of await docker.listServices({ filters }))
        await docker
          .getService(s.ID)
          .remove()
          .catch(() => undefined);
      // Configs and networks stay in use until the tasks are gone.
      for (let i = 0; i < 60; i++) {
        if ((await docker.listContainers({ all: true, filters })).length === 0) break;
        await new Promise((r) => setTimeout(r, 250));
      }
      for (const c of await docker.listConfigs({ filters }))
        await docker
          .getConfig(c.ID)
          .remove()
          .catch(() => undefined);
      for (const s of await docker.listSecrets({ filters }))
        await docker
          .getSecret(s.ID)
          .remove()
          .catch(() => undefined);
    },
  };
}

/** Whether the engine the docker CLI points at is an active Swarm manager, and if not why. */
function swarmStatus(): { ok: true } | { ok: false; reason: string } {
  const docker = dockerStatus();
  if (!docker.ok) return docker;
  try {
    const out = execFileSync(
      'docker',
      ['info', '--format', '{{.Swarm.LocalNodeState}} {{.Swarm.ControlAvailable}}'],
      { encoding: 'utf8', stdio: 'pipe', timeout: 10000 },
    ).trim();
    if (out === 'active true') return { ok: true };
    return { ok: false, reason: `not a Swarm manager (${out}); run docker swarm init` };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : 'docker info failed' };
  }
}

/**
 * `describe` once per engine of WHARF_TEST_ENGINES, named `<name> [<engine>]`. An engine that
 * cannot run here is skipped with the reason, or fails under WHARF_REQUIRE_DOCKER=1 (CI).
 */
export function describeEachEngine(name: string, body: (e: EngineUnderTest) => void): void {
  describeEachEngineOf(testEngines(), name, body);
}

function describeEachEngineOf(
  engines: ContainerEngine[],
  name: string,
  body: (e: EngineUnderTest) => void,
): void {
  for (const engine of engines) {
    const title = `${name} [${engine}]`;
    const status = engine === 'swarm' ? swarmStatus() : dockerStatus();
    if (status.ok) {
      describe(title, () => {
        body(engineUnderTest(engine));
      });
    } else if (process.env.WHARF_REQUIRE_DOCKER === '1') {
      describe(title, () => {
        it(`needs a reachable ${engine} engine (WHARF_REQUIRE_DOCKER=1)`, () => {
          throw new Error(`${engine} engine unavailable: ${status.reason}`);
        });
      });
    } else {
      console.warn(`${title}: skipped, ${engine} engine unavailable (${status.reason})`);
      describe.skip(title, () => {
        it(`skipped: ${engine} engine unavailable (${status.reason})`, () => undefined);
      });
    }
  }
}

/**
 * `describe` for specs of one engine only: run when WHARF_TEST_ENGINES lists it, skipped with the
 * reason otherwise (CI lists swarm on one database run).
 */
export function describeOnEngine(
  engine: ContainerEngine,
  name: string,
  body: (e: EngineUnderTest) => void,
): void {
  if (testEngines().includes(engine)) {
    describeEachEngineOf([engine], name, body);
    return;
  }
  describe.skip(`${name} [${engine}]`, () => {
    it(`skipped: ${engine} is not in WHARF_TEST_ENGINES`, () => undefined);
  });
}
