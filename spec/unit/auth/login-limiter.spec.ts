import { LoginLimiter } from '../../../src/auth/login-limiter';

type Step =
  | { at: number; fail: [string, string] }
  | { at: number; succeed: [string, string] }
  | { at: number; expect: [string, string, number] };

function run(maxFailures: number, lockoutSeconds: number, steps: readonly Step[]): void {
  let now = 0;
  const limiter = new LoginLimiter(maxFailures, lockoutSeconds, () => now);
  for (const step of steps) {
    now = step.at;
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
