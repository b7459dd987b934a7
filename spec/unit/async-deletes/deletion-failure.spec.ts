import { describeLeftovers } from '../../../src/async-deletes/deletion-failure';

describe('describeLeftovers', () => {
  it.each<[string, string[], string]>([
    ['nothing', [], ''],
    ['one error', ['Service instance db: gone wrong'], '\tService instance db: gone wrong'],
    ['two errors, a blank line apart', ['a: x', 'b: y'], '\ta: x\n\n\tb: y'],
  ])('%s', (_name, leftovers, expected) => {
    expect(describeLeftovers(leftovers)).toBe(expected);
  });
});
