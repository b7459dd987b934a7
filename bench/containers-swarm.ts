import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import Docker from 'dockerode';
import { parseTask } from '../src/containers/drivers/swarm/tasks';
import {
  api,
  BENCH_HEALTH,
  benchScaleOneToTen,
  buildTestImages,
  measureRps,
  median,
  ms,
  out,
  pollUntil,
  startBenchWharf,
  TEST_IMAGES,
  verdict,
  wharfCreate,
} from './containers';
import { formatRow } from './http-measure';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SECOND_NS = 1e9;

/**
 * Issue 11's benchmark, on the swarm the local engine manages: Wharf's create→active against the
 * same objects made by hand with the Swarm API, requests through the LB against one task, and
 * scale 1→10.
 */
export async function benchContainersSwarm(): Promise<void> {
  buildTestImages();
  const docker = new Docker();
  const state = await docker.info().then((i: { Swarm?: { LocalNodeState?: string } }) => i.Swarm);
  if (state?.LocalNodeState !== 'active') {
    out('skipped: the local engine is in no swarm (docker swarm init --advertise-addr 127.0.0.1)');
    return;
  }
  const run = randomUUID().slice(0, 8);
  const label = { 'wharf.bench': run };
  const w = await startBenchWharf({ WHARF_CONTAINER_ENGINE: 'swarm' });
  out(`engine: single-node Docker Swarm; images ${TEST_IMAGES.httpd}, ${TEST_IMAGES.haproxy}`);
  out(`health ${JSON.stringify(BENCH_HEALTH)}; ${ROUNDS} round(s), medians`);
  try {
    const byHand: number[] = [];
    const wharf: number[] = [];
    let taskPort = 0;
    let endpoint = '';
    for (let round = 1; round <= ROUNDS; round++) {
      const last = round === ROUNDS;
      const hand = await handMade(docker, label, `${run}-${round}`, 33000 + round);
      byHand.push(hand.servingMs);
      taskPort = hand.taskPort;
      const t0 = performance.now();
      const s = await wharfCreate(w, `bench-${round}`, 2);
      wharf.push(performance.now() - t0);
      endpoint = s.Endpoint;
      out(
        `  round ${round}: by hand (network, config, 2 services) → both replicas answering ${ms(hand.servingMs)}; ` +
          `Wharf create→active ${ms(wharf[wharf.length - 1] ?? 0)}`,
      );
      if (!last) {
        await api(w, 'DELETE', `/services/bench-${round}`);
        await removeSwarmObjects(docker, 'wharf.bench', run);
      }
    }
    const ratioA = median(wharf) / median(byHand);
    out(
      `(a) by hand with the Swarm API, until both replicas answered via the LB: ${ms(median(byHand))}`,
    );
    out(`    Wharf POST /services/create (2 replicas) → active:        ${ms(median(wharf))}`);
    out(
      `    ratio Wharf / by hand: ${ratioA.toFixed(2)}× (target ≤ 1.5×) ${verdict(ratioA <= 1.5)}`,
    );

    const direct = await measureRps(
      'straight to one task (host-mode port)',
      `http://127.0.0.1:${taskPort}/`,
    );
    const viaLb = await measureRps('through the Wharf LB (2 tasks)', `http://${endpoint}/`);
    const ratioC = viaLb.requestsPerSecond / direct.requestsPerSecond;
    out(`(c) ${formatRow(direct)}`);
    out(`    ${formatRow(viaLb)}`);
    out(`    ratio LB / one task: ${ratioC.toFixed(2)}× (target ≥ 0.8×) ${verdict(ratioC >= 0.8)}`);
    await api(w, 'DELETE', `/services/bench-${ROUNDS}`);
    await removeSwarmObjects(docker, 'wharf.bench', run);

    await benchScaleOneToTen(w);
  } finally {
    await removeSwarmObjects(docker, 'wharf.owner', w.owner);
    await w.close();
    await removeSwarmObjects(docker, 'wharf.bench', run);
  }
}

/**
 * What Wharf makes for a 2-replica http service, by hand: an attachable overlay network, the
 * HAProxy config, the replicas as a dnsrr service (each task also publishing port 80 in host mode
 * on a port of its own: the "one task" target) and the LB service publishing `lbPort`.
 */
async function handMade(
  docker: Docker,
  label: Record<string, string>,
  id: string,
  lbPort: number,
): Promise<{ servingMs: number; taskPort: number }> {
  const name = `wharf-bench-${id}`;
  const t0 = performance.now();
  const network = await docker.createNetwork({
    Name: name,
    Driver: 'overlay',
    Attachable: true,
    Labels: label,
  });
  const config: unknown = await docker.createConfig({
    Name: `${name}-cfg`,
    Labels: label,
    Data: Buffer.from(lbConfig(name), 'utf8').toString('base64'),
  });
  const configId =
    typeof config === 'object' && config !== null && 'id' in config ? String(config.id) : '';
  const restart = { Condition: 'any', Delay: SECOND_NS };
  const replicas = await docker.createService({
    Name: name,
    Labels: label,
    TaskTemplate: {
      ContainerSpec: { Image: TEST_IMAGES.httpd, Labels: label },
      RestartPolicy: restart,
      Networks: [{ Target: network.id }],
    },
    Mode: { Replicated: { Replicas: 2 } },
    EndpointSpec: {
      Mode: 'dnsrr',
      Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishMode: 'host' }],
    },
  });
  await docker.createService({
    Name: `${name}-lb`,
    Labels: label,
    TaskTemplate: {
      ContainerSpec: {
        Image: TEST_IMAGES.haproxy,
        Labels: label,
        Configs: [
          {
            File: { Name: '/usr/local/etc/haproxy/haproxy.cfg', UID: '0', GID: '0', Mode: 0o444 },
            ConfigID: configId,
            ConfigName: `${name}-cfg`,
          },
        ],
      },
      RestartPolicy: restart,
      Networks: [{ Target: network.id }],
    },
    Mode: { Replicated: { Replicas: 1 } },
    EndpointSpec: {
      Mode: 'dnsrr',
      Ports: [{ Protocol: 'tcp', TargetPort: 80, PublishedPort: lbPort, PublishMode: 'host' }],
    },
  });
  // Wharf's "active" means every replica serves through the LB, so the hand-made side is timed
  // to the same point: both replicas have answered through its LB (not just the first 200).
  const hostnames = new Set<string>();
  await pollUntil(async () => {
    const res = await fetch(`http://127.0.0.1:${lbPort}/`, {
      signal: AbortSignal.timeout(2000),
    }).catch(() => undefined);
    if (res?.status === 200) {
      const m = /hostname=(\w+)/.exec(await res.text());
      if (m?.[1] !== undefined) hostnames.add(m[1]);
    }
    return hostnames.size >= 2 ? true : undefined;
  }, 'both hand-made replicas to answer through the LB');
  const servingMs = performance.now() - t0;
  const tasks: unknown[] = await docker.listTasks({
    filters: JSON.stringify({ service: [replicas.id], 'desired-state': ['running'] }),
  });
  const port = tasks.flatMap((t) => parseTask(t)?.publishedPorts ?? [])[0];
  if (port === undefined) throw new Error('the hand-made replicas publish no port');
  return { servingMs, taskPort: port };
}

/** The same backend as Wharf renders (DNS of the tasks, checks every second), minus its extras. */
function lbConfig(service: string): string {
  return [
    'global',
    '    maxconn 4096',
    'resolvers docker',
    '    nameserver docker 127.0.0.11:53',
    '    hold valid 1s',
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
    '    default-server check inter 1s rise 1 resolvers docker init-addr none',
    `    server-template r 1-3 tasks.${service}:80`,
    '',
  ].join('\n');
}

/** Removes the Swarm services, then (once their tasks are gone) configs and networks by label. */
async function removeSwarmObjects(docker: Docker, key: string, value: string): Promise<void> {
  const filters = JSON.stringify({ label: [`${key}=${value}`] });
  for (const s of await docker.listServices({ filters }))
    await docker
      .getService(s.ID)
      .remove()
      .catch(() => undefined);
  await pollUntil(
    async () =>
      (await docker.listContainers({ all: true, filters })).length === 0 ? true : undefined,
    'tasks gone',
    30000,
    200,
  ).catch(() => undefined);
  for (const c of await docker.listConfigs({ filters }))
    await docker
      .getConfig(c.ID)
      .remove()
      .catch(() => undefined);
  for (const n of await docker.listNetworks({ filters }))
    await docker
      .getNetwork(n.Id)
      .remove()
      .catch(() => undefined);
}
