import { toVcapRequestId } from '../../../src/http/request-id';

const UUID = '0b6e3a4c-6d2e-4d8e-9a51-0f1f0e3b7c11';

describe('toVcapRequestId', () => {
  it.each<[string, string | undefined, string]>([
    ['no incoming id: a fresh uuid', undefined, UUID],
    ['a plain incoming id: prefixed', 'abc-123_X', `abc-123_X::${UUID}`],
    ['characters outside [A-Za-z0-9_-] removed', 'a b/c.d:e!f', `abcdef::${UUID}`],
    ['non-ASCII letters removed', 'réq-1', `rq-1::${UUID}`],
    ['an id made only of removed characters: a fresh uuid', '!!! ...', UUID],
    ['an empty id: a fresh uuid', '', UUID],
    ['an incoming id that already carries ::', 'outer::inner', `outerinner::${UUID}`],
    ['an id cut to 255 characters', 'x'.repeat(300), `${'x'.repeat(255)}::${UUID}`],
    [
      'the cut applied after cleaning',
      `${'.'.repeat(100)}${'y'.repeat(300)}`,
      `${'y'.repeat(255)}::${UUID}`,
    ],
  ])('gives %s', (_name, incoming, expected) => {
    expect(toVcapRequestId(incoming, UUID)).toBe(expected);
  });
});
