import { candidatePorts, parsePortRange } from '../../src/containers/publish-ports';

describe('parsePortRange', () => {
  it.each([
    ['the default', '30000-32767', { first: 30000, last: 32767 }],
    ['one port', '40000-40000', { first: 40000, last: 40000 }],
    ['spaces around', ' 1000 - 2000 ', { first: 1000, last: 2000 }],
    ['reversed', '2000-1000', undefined],
    ['port 0', '0-10', undefined],
    ['beyond 65535', '65000-70000', undefined],
    ['a single number', '30000', undefined],
    ['a list', '30000,30001', undefined],
    ['empty', '', undefined],
  ])('%s (%j)', (_name, text, expected) => {
    expect(parsePortRange(text)).toEqual(expected);
  });
});

describe('candidatePorts', () => {
  const range = { first: 100, last: 104 };
  it.each([
    ['from the start of the range', new Set<number>(), 0, [100, 101, 102, 103, 104]],
    ['from an offset, wrapping around', new Set<number>(), 3, [103, 104, 100, 101, 102]],
    ['an offset beyond the range wraps', new Set<number>(), 7, [102, 103, 104, 100, 101]],
    ['skipping taken ports', new Set([100, 102]), 0, [101, 103, 104]],
    [
      'ports outside the range taken change nothing',
      new Set([99, 105]),
      4,
      [104, 100, 101, 102, 103],
    ],
    ['every port taken: none', new Set([100, 101, 102, 103, 104]), 2, []],
  ])('%s', (_name, taken, start, expected) => {
    expect(candidatePorts(range, taken, start)).toEqual(expected);
  });
});
