import { presentFeatureFlag } from '../../../src/feature-flags/presenter';
import { featureFlagBody, toSetFeatureFlagCommand } from '../../../src/feature-flags/schemas';

type Outcome = { ok: true } | { ok: false; path: string };

function outcome(result: {
  success: boolean;
  error?: { issues: { path: (string | number)[] }[] };
}): Outcome {
  if (result.success) return { ok: true };
  return { ok: false, path: result.error?.issues[0]?.path.join('.') ?? '' };
}

describe('featureFlagBody', () => {
  it.each<[string, unknown, Outcome]>([
    ['enabled alone', { enabled: false }, { ok: true }],
    ['an error message', { enabled: false, error_message: 'ask ops' }, { ok: true }],
    [
      'an error message of 256 characters',
      { enabled: false, error_message: 'x'.repeat(256) },
      { ok: false, path: 'error_message' },
    ],
    ['no enabled', {}, { ok: false, path: 'enabled' }],
  ])('when a flag update has %s, answers %o', (_name, body, expected) => {
    expect(outcome(featureFlagBody.safeParse(body))).toEqual(expected);
  });
});

describe('toSetFeatureFlagCommand', () => {
  it.each([
    ['enabled alone', { enabled: true }, { enabled: true, errorMessage: undefined }],
    [
      'a message',
      { enabled: false, error_message: 'ask ops' },
      { enabled: false, errorMessage: 'ask ops' },
    ],
  ])('when the body has %s, names it in Wharf’s words', (_name, body, command) => {
    expect(toSetFeatureFlagCommand(body)).toEqual(command);
  });
});

describe('presentFeatureFlag', () => {
  it.each([
    [{ name: 'service_instance_creation', enabled: true, errorMessage: null }, null],
    [{ name: 'service_instance_creation', enabled: false, errorMessage: 'ask ops' }, 'ask ops'],
  ] as const)('when %o is presented, answers CC’s flat flag object', (flag, message) => {
    expect(presentFeatureFlag(flag)).toEqual({
      name: 'service_instance_creation',
      enabled: flag.enabled,
      error_message: message,
      url: '/v2/config/feature_flags/service_instance_creation',
    });
  });
});
