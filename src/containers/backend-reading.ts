import type { ServerStat } from './haproxy/stats';
import type { BackendHealth } from './types';

/** What a replica must show before Wharf counts it healthy: the service's own check settings. */
export interface HealthProof {
  /** HealthCheckRise: successful checks in a row. */
  rise: number;
  /** HealthCheckInterval, seconds between checks. */
  intervalSeconds: number;
  /** ContainerPort, named in the cause of a failing check. */
  port: number;
}

/** One replica as Wharf counts it, with the reason it does not serve (yet), if HAProxy knows one. */
export interface BackendReading {
  health: BackendHealth;
  /** In a user's words, e.g. "no answer on port 81"; undefined while nothing is known to be wrong. */
  problem: string | undefined;
}

/** Health check results that mean the replica answered as it should (HAProxy's check_status). */
const PASSED = new Set(['L4OK', 'L6OK', 'L7OK', 'L7OKC']);
const NO_ANSWER = new Set(['L4CON', 'L4TOUT', 'L6TOUT', 'L7TOUT', 'SOCKERR']);
const BAD_ANSWER = new Set(['L6RSP', 'L7RSP']);

/**
 * HAProxy's view of one slot → Wharf's. HAProxy 2.6 has no `init-state`: a server whose address
 * DNS just resolved leaves maintenance already UP, before any check (issue 9). From there one
 * failed check takes it DOWN at once, so a slot UP for longer than HealthCheckRise intervals has
 * passed that many real checks in a row; a younger UP is not counted yet. (One that rose from
 * DOWN had already passed them: it waits once more, the safe side.)
 */
export function toBackendReading(stat: ServerStat, proof: HealthProof): BackendReading {
  // The last check must have passed too: a slot keeps its state when DNS hands its address to a
  // new replica, so an old UP alone says nothing about whoever answers there now.
  const proven =
    stat.lastChangeSeconds > proof.rise * proof.intervalSeconds && PASSED.has(stat.checkStatus);
  if (stat.health === 'UP' && proven) return { health: 'UP', problem: undefined };
  const problem = checkProblem(stat.checkStatus, stat.checkCode, proof.port);
  // Not yet proven: HAProxy may route to it already, but Wharf does not count it.
  if (stat.health === 'UP') return { health: 'DOWN', problem };
  return { health: stat.health, problem };
}

/** A failed health check's status → what the user should look at; undefined for anything else. */
export function checkProblem(status: string, code: string, port: number): string | undefined {
  if (PASSED.has(status)) return undefined;
  if (NO_ANSWER.has(status)) return `no answer on port ${port}`;
  if (status === 'L7STS') return `health check GET / on port ${port} answered HTTP ${code}`;
  if (BAD_ANSWER.has(status)) return `unexpected answer on port ${port}`;
  return undefined;
}

/**
 * Every slot's reading by replica address. Should two slots show one address (a stale one
 * HAProxy has not dropped yet), the replica counts UP only if every one of them says so.
 */
export function toBackendReadings(
  stats: readonly ServerStat[],
  proof: HealthProof,
): Map<string, BackendReading> {
  const readings = new Map<string, BackendReading>();
  for (const stat of stats) {
    const reading = toBackendReading(stat, proof);
    const earlier = readings.get(stat.address);
    if (earlier === undefined || earlier.health === 'UP') readings.set(stat.address, reading);
  }
  return readings;
}

/**
 * A replica younger than the proof window cannot have passed HealthCheckRise checks spaced
 * HealthCheckInterval apart, whatever a slot at its (possibly reused) address shows.
 */
export function oldEnough(createdSeconds: number, now: Date, proof: HealthProof): boolean {
  return now.getTime() / 1000 - createdSeconds > proof.rise * proof.intervalSeconds;
}
