import { CfError } from '../../../src/http/cf-errors';
import { toBooleanFilterValue, toTimestampFilterValue } from '../../../src/db/apply-filters';

function captureCfError(run: () => unknown): CfError {
  try {
    run();
  } catch (err) {
    if (err instanceof CfError) return err;
    throw err;
  }
  throw new Error('expected a CfError, nothing was thrown');
}

describe('toBooleanFilterValue', () => {
  it.each<[string, boolean]>([
    ['t', true],
    ['true', true],
    ['f', false],
    ['false', false],
    ['TRUE', false],
    ['1', false],
    ['yes', false],
    ['', false],
  ])('reads %j as %s (only t and true are true)', (input, expected) => {
    expect(toBooleanFilterValue(input)).toBe(expected);
  });
});

describe('toTimestampFilterValue', () => {
  it.each<[string, string]>([
    ['2020-01-02T03:04:05Z', '2020-01-02T03:04:05Z'],
    ['2020-01-02T03:04:05.678Z', '2020-01-02T03:04:05Z'],
    ['2020-01-02T05:04:05+02:00', '2020-01-02T03:04:05Z'],
    ['2020-01-02', '2020-01-02T00:00:00Z'],
  ])('normalises %s to whole-second UTC', (input, expected) => {
    expect(toTimestampFilterValue(input)).toBe(expected);
  });

  it.each(['yesterday', '', '2020-13-45T00:00:00Z'])(
    'rejects %j with CF-BadQueryParameter',
    (input) => {
      const err = captureCfError(() => toTimestampFilterValue(input));
      expect(err.code).toBe(10005);
      expect(err.message).toBe(`The query parameter is invalid: invalid timestamp ${input}`);
    },
  );
});
