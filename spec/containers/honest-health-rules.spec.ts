import {
  checkProblem,
  oldEnough,
  toBackendReading,
  toBackendReadings,
} from '../../src/containers/backend-reading';
import type { HealthProof } from '../../src/containers/backend-reading';
import { exitCodeOf } from '../../src/containers/drivers/docker/observe';
import { troubleOf } from '../../src/containers/drivers/docker/converge';
import type { ApplyProgress, ObservedContainer } from '../../src/containers/drivers/driver';
import type { ServerStat } from '../../src/containers/haproxy/stats';
import { MAX_EXITS, toHealthVerdict } from '../../src/containers/health-verdict';
import type { BackendHealth, ReplicaState } from '../../src/containers/types';

const proof: HealthProof = { rise: 2, intervalSeconds: 3, port: 81 };
const stat = (health: BackendHealth, lastChangeSeconds: number, checkStatus = ''): ServerStat => ({
  server: 'replica1',
  address: '10.0.0.2',
  health,
  sessions: 0,
  adminState: undefined,
  lastChangeSeconds,
  checkStatus,
  checkCode: checkStatus === 'L7STS' ? '404' : '',
});

describe('toBackendReading: UP counts only once HealthCheckRise checks can have passed', () => {
  it.each<[string, ServerStat, BackendHealth, string | undefined]>([
    ['UP for longer than rise × interval', stat('UP', 7, 'L7OK'), 'UP', undefined],
    ['UP for exactly rise × interval is not proven yet', stat('UP', 6, 'L7OK'), 'DOWN', undefined],
    [
      'UP straight out of DNS maintenance, before any check',
      stat('UP', 0, 'INI'),
      'DOWN',
      undefined,
    ],
    [
      'fresh UP showing a stale failed check of the slot',
      stat('UP', 1, 'L4CON'),
      'DOWN',
      'no answer on port 81',
    ],
    ['DOWN, connection refused', stat('DOWN', 30, 'L4CON'), 'DOWN', 'no answer on port 81'],
    ['DOWN, check timed out', stat('DOWN', 30, 'L7TOUT'), 'DOWN', 'no answer on port 81'],
    [
      'DOWN, wrong HTTP status',
      stat('DOWN', 30, 'L7STS'),
      'DOWN',
      'health check GET / on port 81 answered HTTP 404',
    ],
    ['MAINT is MAINT', stat('MAINT', 30, ''), 'MAINT', undefined],
    [
      'a long UP slot whose last check failed (a new replica at a reused address)',
      stat('UP', 300, 'L4CON'),
      'DOWN',
      'no answer on port 81',
    ],
    ['a long UP slot still initializing its check', stat('UP', 300, 'INI'), 'DOWN', undefined],
  ])('%s', (_name, s, health, problem) => {
    expect(toBackendReading(s, proof)).toEqual({ health, problem });
  });

  it('when two slots show one address, then UP only if both say so', () => {
    const up = stat('UP', 30, 'L7OK');
    const stale = { ...stat('DOWN', 30, 'L4CON'), server: 'replica2' };
    expect(toBackendReadings([up, stale], proof).get('10.0.0.2')?.health).toBe('DOWN');
    expect(toBackendReadings([stale, up], proof).get('10.0.0.2')?.health).toBe('DOWN');
    expect(toBackendReadings([up, { ...up, server: 'replica2' }], proof).get('10.0.0.2')).toEqual({
      health: 'UP',
      problem: undefined,
    });
  });

  it.each<[number, boolean]>([
    [0, false],
    [6, false],
    [6.5, true],
    [60, true],
  ])(
    'a replica %ss old is old enough to have passed rise × interval = 6 s of checks: %s',
    (age, ok) => {
      const now = new Date('2026-01-01T00:01:00Z');
      expect(oldEnough(now.getTime() / 1000 - age, now, proof)).toBe(ok);
    },
  );
});

describe('checkProblem', () => {
  it.each<[string, string, string | undefined]>([
    ['L4OK', '', undefined],
    ['L7OK', '200', undefined],
    ['INI', '', undefined],
    ['', '', undefined],
    ['L4CON', '', 'no answer on port 8080'],
    ['L4TOUT', '', 'no answer on port 8080'],
    ['SOCKERR', '', 'no answer on port 8080'],
    ['L7STS', '503', 'health check GET / on port 8080 answered HTTP 503'],
    ['L7RSP', '', 'unexpected answer on port 8080'],
  ])('%s %s → %s', (status, code, expected) => {
    expect(checkProblem(status, code, 8080)).toBe(expected);
  });
});

describe('exitCodeOf (Docker listing Status)', () => {
  it.each<[string | undefined, { exitCode?: number }]>([
    ['Exited (1) 3 seconds ago', { exitCode: 1 }],
    ['Exited (137) About a minute ago', { exitCode: 137 }],
    ['Exited (0) 1 second ago', { exitCode: 0 }],
    ['Up 5 seconds', {}],
    ['Created', {}],
    [undefined, {}],
  ])('%s', (status, expected) => {
    expect(exitCodeOf(status)).toEqual(expected);
  });
});

const replica = (
  id: string,
  state: ReplicaState,
  extra: Partial<ObservedContainer> = {},
): ObservedContainer => ({
  id,
  name: id,
  role: 'replica',
  serviceId: 's',
  image: 'web:2',
  state,
  ip: state === 'running' ? `10.0.0.${id}` : undefined,
  created: 1,
  ...extra,
});

describe('troubleOf', () => {
  const health = new Map([
    ['10.0.0.2', { health: 'DOWN' as const, problem: 'no answer on port 81' }],
  ]);
  it.each<[string, ObservedContainer[], ObservedContainer[], object]>([
    ['nothing wrong', [], [], {}],
    [
      'an exit code wins over a check result',
      [replica('1', 'exited', { exitCode: 1 })],
      [replica('2', 'running')],
      { problem: 'replica exited with code 1', exitedReplicaIds: ['1'] },
    ],
    [
      'a dead replica without a code',
      [replica('1', 'dead')],
      [],
      { problem: 'replica died', exitedReplicaIds: ['1'] },
    ],
    [
      'a created (never started) replica is no exit',
      [replica('1', 'created')],
      [replica('2', 'running')],
      { problem: 'no answer on port 81' },
    ],
    ['a running replica the LB knows nothing bad about', [], [replica('3', 'running')], {}],
  ])('%s', (_name, stopped, notUp, expected) => {
    expect(troubleOf(stopped, notUp, health)).toEqual(expected);
  });
});

type InProgress = Exclude<ApplyProgress, { phase: 'converged' }>;

describe('toHealthVerdict', () => {
  const scaling: InProgress = {
    phase: 'scaling',
    ready: 0,
    desired: 2,
  };
  const rolling: InProgress = {
    phase: 'rolling',
    ready: 0,
    desired: 2,
    previousImage: 'web:1',
  };
  const attempt = (elapsedMs: number, exits: number, problem?: string) => ({
    elapsedMs,
    exits,
    problem,
  });
  it.each<[string, InProgress, ReturnType<typeof attempt>, object]>([
    ['young, no exits: wait', scaling, attempt(5000, 0), { kind: 'wait' }],
    ['young, a few exits: wait', scaling, attempt(5000, MAX_EXITS - 1, 'x'), { kind: 'wait' }],
    [
      'crash loop: fail with the exit code',
      scaling,
      attempt(1000, MAX_EXITS, 'replica exited with code 1'),
      {
        kind: 'fail',
        message: 'Replicas of web:2 never became healthy: replica exited with code 1 (0/2 ready)',
      },
    ],
    [
      'too slow: fail with the check result',
      scaling,
      attempt(10000, 0, 'no answer on port 81'),
      {
        kind: 'fail',
        message: 'Replicas of web:2 never became healthy: no answer on port 81 (0/2 ready)',
      },
    ],
    [
      'too slow without a known cause',
      scaling,
      attempt(10000, 0),
      {
        kind: 'fail',
        message:
          'Replicas of web:2 never became healthy: not healthy within 10s of starting (0/2 ready)',
      },
    ],
    [
      'crash loop counted before a restart, cause forgotten: the count is the cause',
      scaling,
      attempt(1000, MAX_EXITS),
      {
        kind: 'fail',
        message: `Replicas of web:2 never became healthy: replicas exited ${MAX_EXITS} times (0/2 ready)`,
      },
    ],
    [
      "accepted later than this clock reads (the accepting process's clock runs ahead): wait",
      scaling,
      attempt(-3000, 0),
      { kind: 'wait' },
    ],
    [
      'a rolling update goes back to the old image',
      rolling,
      attempt(10000, 0, 'no answer on port 81'),
      {
        kind: 'roll back',
        to: 'web:1',
        message: 'Rolled back to web:1: web:2 never became healthy (no answer on port 81)',
      },
    ],
  ])('%s', (_name, progress, a, expected) => {
    expect(toHealthVerdict('web:2', progress, a, 10000)).toEqual(expected);
  });
});
