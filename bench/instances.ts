import { performance } from 'node:perf_hooks';
import {
  api,
  BENCH_HEALTH,
  buildTestImages,
  median,
  pollUntil,
  startBenchWharf,
  TEST_IMAGES,
  waitService,
} from './containers';
import type { BenchWharf } from './containers';

// Five rounds: one engine create varies by ±250 ms (HAProxy's 1 s DNS cadence), the bridge by little.
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
/** Small on purpose: the bench measures the bridge, not the default 5 s poll or 1 s job tick. */
const POLL_INTERVAL_SECONDS = process.env.WHARF_POLL_INTERVAL_SECONDS ?? '0.1';
const JOB_TICK_MS = process.env.WHARF_JOB_TICK_MS ?? '50';

/** The container template of the benched plan: 2 httpd replicas behind an http LB. */
const TEMPLATE = {
  Image: TEST_IMAGES.httpd,
  ContainerPort: 80,
  ServicePort: 80,
  Protocol: 'http',
  Replicas: 2,
  ...BENCH_HEALTH,
};

async function created(w: BenchWharf, url: string, body: unknown): Promise<string> {
  const res = await api(w, 'POST', url, body);
  const guid = (res.json as { metadata?: { guid?: string } } | undefined)?.metadata?.guid;
  if (res.status !== 201 || guid === undefined) {
    throw new Error(`POST ${url}: ${res.status} ${JSON.stringify(res.json)}`);
  }
  return guid;
}

/** An org, a space and a public container-backed plan, through the v2 API as an operator would. */
async function containerPlan(w: BenchWharf): Promise<{ spaceGuid: string; planGuid: string }> {
  const orgGuid = await created(w, '/v2/organizations', { name: 'bench-org' });
  const spaceGuid = await created(w, '/v2/spaces', {
    name: 'bench-space',
    organization_guid: orgGuid,
  });
  const serviceGuid = await created(w, '/v2/services', {
    label: 'bench-web',
    description: 'benched container-backed service',
    active: true,
    extra: JSON.stringify({ container: TEMPLATE }),
  });
  const planGuid = await created(w, '/v2/service_plans', {
    name: 'two',
    description: 'two replicas',
    service_guid: serviceGuid,
    public: true,
  });
  return { spaceGuid, planGuid };
}

/** The engine alone: POST /services/create with the plan's template → `active`. */
async function engineRound(w: BenchWharf, round: number): Promise<number> {
  const name = `bench-engine-${round}`;
  const t0 = performance.now();
  const res = await api(w, 'POST', '/services/create', { ...TEMPLATE, Name: name });
  if (res.status !== 201) throw new Error(`create ${name}: ${JSON.stringify(res.json)}`);
  await waitService(w, name, (s) => s.Status === 'active');
  const elapsed = performance.now() - t0;
  await api(w, 'DELETE', `/services/${name}`);
  return elapsed;
}

/**
 * The bridge: POST /v2/service_instances?accepts_incomplete=true → last_operation succeeded. Also
 * notes when the instance's own container service turned active, so the bridge's share shows.
 */
async function instanceRound(
  w: BenchWharf,
  target: { spaceGuid: string; planGuid: string },
  round: number,
): Promise<{ total: number; overhead: number }> {
  const body = {
    name: `bench-${round}`,
    space_guid: target.spaceGuid,
    service_plan_guid: target.planGuid,
  };
  const t0 = performance.now();
  const res = await api(w, 'POST', '/v2/service_instances?accepts_incomplete=true', body);
  const guid = (res.json as { metadata?: { guid?: string } } | undefined)?.metadata?.guid;
  if (res.status !== 202 || guid === undefined) {
    throw new Error(`provision: ${res.status} ${JSON.stringify(res.json)}`);
  }
  let activeAt: number | undefined;
  await pollUntil(async () => {
    if (activeAt === undefined) {
      // The admin sees every tenant's services; the bridge names them si-<instance guid>.
      const own = await api(w, 'GET', `/services/si-${guid}`);
      if ((own.json as { Status?: string } | undefined)?.Status === 'active') {
        activeAt = performance.now();
      }
    }
    const got = await api(w, 'GET', `/v2/service_instances/${guid}`);
    const op = (
      got.json as { entity?: { last_operation?: { state?: string; description?: string } } }
    ).entity?.last_operation;
    if (op?.state === 'failed') throw new Error(`provision failed: ${op.description ?? ''}`);
    return op?.state === 'succeeded' ? true : undefined;
  }, `instance ${guid} to succeed`);
  const done = performance.now();
  const deleted = await api(w, 'DELETE', `/v2/service_instances/${guid}`);
  if (deleted.status !== 204) throw new Error(`deprovision: ${JSON.stringify(deleted.json)}`);
  return { total: done - t0, overhead: done - (activeAt ?? done) };
}

/** Issue 6's benchmark: async provisioning of a container-backed plan vs the engine alone. */
export async function benchInstances(): Promise<void> {
  buildTestImages();
  const w = await startBenchWharf({
    WHARF_POLL_INTERVAL_SECONDS: POLL_INTERVAL_SECONDS,
    WHARF_JOB_TICK_MS: JOB_TICK_MS,
  });
  out(
    `WHARF_POLL_INTERVAL_SECONDS=${POLL_INTERVAL_SECONDS} WHARF_JOB_TICK_MS=${JOB_TICK_MS} ` +
      `(defaults 5 and 1000: with them the poll interval, not the bridge, dominates)`,
  );
  out(`template ${JSON.stringify(TEMPLATE)}; ${ROUNDS} round(s) each, alternating, medians`);
  try {
    const target = await containerPlan(w);
    const engine: number[] = [];
    const bridge: number[] = [];
    const overhead: number[] = [];
    const instance = async (round: number): Promise<void> => {
      const r = await instanceRound(w, target, round);
      bridge.push(r.total);
      overhead.push(r.overhead);
    };
    for (let round = 1; round <= ROUNDS; round++) {
      // Alternate which goes first so neither always meets a warmer engine.
      if (round % 2 === 1) {
        engine.push(await engineRound(w, round));
        await instance(round);
      } else {
        await instance(round);
        engine.push(await engineRound(w, round));
      }
      out(
        `  round ${round}: engine create→active ${ms(engine[round - 1])}; ` +
          `instance 202→succeeded ${ms(bridge[round - 1])} ` +
          `(succeeded ${ms(overhead[round - 1])} after its service was active)`,
      );
    }
    const ratio = median(bridge) / median(engine);
    out(`engine POST /services/create → active:                          ${ms(median(engine))}`);
    out(`POST /v2/service_instances?accepts_incomplete=true → succeeded: ${ms(median(bridge))}`);
    out(`succeeded − its own service active (the bridge's share): ${ms(median(overhead))}`);
    out(
      `ratio instance / engine: ${ratio.toFixed(2)}× (target ≤ 1.2×) ${ratio <= 1.2 ? 'OK' : 'MISSED'}`,
    );
  } finally {
    await w.close();
  }
}

function ms(x: number | undefined): string {
  return `${(x ?? 0).toFixed(0)} ms`;
}

function out(line: string): void {
  process.stdout.write(`${line}\n`);
}
