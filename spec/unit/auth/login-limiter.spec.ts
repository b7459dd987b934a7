import { LoginLimiter } from '../../../src/auth/login-limiter';
import { ManualClock } from '../../../src/clock';

type Step =
  | { at: number; fail: [string, string] }
  | { at: number; succeed: [string, string] }
  | { at: number; expect: [string, string, number] };

function run(
  maxFailures: number,
  lockoutSeconds: number,
  steps: readonly Step[],
  maxFailuresPerAddress = 100,
): void {
  const clock = new ManualClock(new Date(0));
  const limiter = new LoginLimiter({ maxFailures, maxFailuresPerAddress, lockoutSeconds }, clock);
  for (const step of steps) {
    clock.set(new Date(step.at));
    if ('fail' in step) limiter.recordFailure(...step.fail);
    else if ('succeed' in step) limiter.recordSuccess(...step.succeed);
    else {
      const [user, address, seconds] = step.expect;
      expect({
        at: step.at,
        user,
        address,
        seconds: limiter.retryAfterSeconds(user, address),
      }).toEqual({
        at: step.at,
        user,
        address,
        seconds,
      });
    }
  }
}

const A: [string, string] = ['alice', '10.0.0.1'];

describe('LoginLimiter', () => {
  it.each<[string, number, number, Step[]]>([
    ['nothing recorded: may try now', 3, 60, [{ at: 0, expect: ['alice', '10.0.0.1', 0] }]],
    [
      'failures below the limit: may try now',
      3,
      60,
      [
        { at: 0, fail: A },
        { at: 1, fail: A },
        { at: 2, expect: [...A, 0] },
      ],
    ],
    [
      'the limit reached: locked for the lockout, rounded up to seconds',
      3,
      60,
      [
        { at: 0, fail: A },
        { at: 0, fail: A },
        { at: 1000, fail: A },
        { at: 1000, expect: [...A, 60] },
        { at: 1500, expect: [...A, 60] },
        { at: 60_999, expect: [...A, 1] },
        { at: 61_000, expect: [...A, 0] },
      ],
    ],
    [
      'a success clears the count',
      3,
      60,
      [
        { at: 0, fail: A },
        { at: 0, fail: A },
        { at: 0, succeed: A },
        { at: 0, fail: A },
        { at: 0, fail: A },
        { at: 0, expect: [...A, 0] },
      ],
    ],
    [
      'the username is case-insensitive',
      2,
      30,
      [
        { at: 0, fail: ['Alice', '10.0.0.1'] },
        { at: 0, fail: ['ALICE', '10.0.0.1'] },
        { at: 0, expect: ['alice', '10.0.0.1', 30] },
      ],
    ],
    [
      'another address is counted apart',
      2,
      30,
      [
        { at: 0, fail: A },
        { at: 0, fail: A },
        { at: 0, expect: [...A, 30] },
        { at: 0, expect: ['alice', '10.0.0.2', 0] },
      ],
    ],
    [
      'another user from the same address is counted apart',
      2,
      30,
      [
        { at: 0, fail: A },
        { at: 0, fail: A },
        { at: 0, expect: [...A, 30] },
        { at: 0, expect: ['bob', '10.0.0.1', 0] },
      ],
    ],
    [
      'after the lockout expires, one failure does not lock again',
      2,
      30,
      [
        { at: 0, fail: A },
        { at: 0, fail: A },
        { at: 30_000, fail: A },
        { at: 30_000, expect: [...A, 0] },
        { at: 30_001, fail: A },
        { at: 30_001, expect: [...A, 30] },
      ],
    ],
    [
      'a limit of one locks on the first failure',
      1,
      5,
      [
        { at: 0, fail: A },
        { at: 0, expect: [...A, 5] },
      ],
    ],
  ])('%s', (_name, maxFailures, lockoutSeconds, steps) => {
    run(maxFailures, lockoutSeconds, steps);
  });
});

describe('LoginLimiter per client address', () => {
  const users = (n: number, address: string, at: number): Step[] =>
    Array.from({ length: n }, (_, i) => ({ at, fail: [`user-${i}`, address] }));

  it.each<[string, number, Step[]]>([
    [
      'failures of many usernames from one address lock the address for every username',
      3,
      [
        ...users(3, '10.0.0.1', 0),
        { at: 0, expect: ['someone-else', '10.0.0.1', 60] },
        { at: 0, expect: ['user-0', '10.0.0.2', 0] },
      ],
    ],
    [
      'below the address limit: other usernames may try',
      3,
      [...users(2, '10.0.0.1', 0), { at: 0, expect: ['someone-else', '10.0.0.1', 0] }],
    ],
    [
      'a success does not clear the address count',
      3,
      [
        ...users(2, '10.0.0.1', 0),
        { at: 0, succeed: ['user-0', '10.0.0.1'] },
        { at: 0, fail: ['user-9', '10.0.0.1'] },
        { at: 0, expect: ['someone-else', '10.0.0.1', 60] },
      ],
    ],
    [
      'failures spread wider than the lockout period do not add up',
      3,
      [
        ...users(2, '10.0.0.1', 0),
        { at: 60_000, fail: ['user-5', '10.0.0.1'] },
        { at: 60_000, expect: ['someone-else', '10.0.0.1', 0] },
      ],
    ],
    [
      'the address lock ends after the lockout period',
      3,
      [...users(3, '10.0.0.1', 0), { at: 60_000, expect: ['someone-else', '10.0.0.1', 0] }],
    ],
  ])('%s', (_name, perAddress, steps) => {
    run(100, 60, steps, perAddress);
  });
});
