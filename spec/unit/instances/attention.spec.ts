import { attentionBoundsAt, DEFAULT_ATTENTION } from '../../../src/instances';

describe('attentionBoundsAt', () => {
  it.each([
    [
      'the defaults',
      DEFAULT_ATTENTION,
      { stuckBefore: '2026-12-01T11:50:00.000Z', orphanedBefore: '2026-12-01T11:59:00.000Z' },
    ],
    [
      'zero bounds (everything in progress counts)',
      { stuckAfterMs: 0, orphanedAfterMs: 0 },
      { stuckBefore: '2026-12-01T12:00:00.000Z', orphanedBefore: '2026-12-01T12:00:00.000Z' },
    ],
  ])('when settings are %s, subtracts each from now', (_name, settings, expected) => {
    const bounds = attentionBoundsAt(new Date('2026-12-01T12:00:00.000Z'), settings);
    expect({
      stuckBefore: bounds.stuckBefore.toISOString(),
      orphanedBefore: bounds.orphanedBefore.toISOString(),
    }).toEqual(expected);
  });
});
