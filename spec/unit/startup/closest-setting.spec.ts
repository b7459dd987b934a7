import { KNOWN_SETTINGS } from '../../../src/config';
import {
  closestSetting,
  editDistance,
  unknownSettingWarnings,
} from '../../../src/startup/closest-setting';

describe('editDistance', () => {
  it.each<[string, string, string, number]>([
    ['equal strings', 'WHARF_PORT', 'WHARF_PORT', 0],
    ['two neighbours swapped', 'WHARF_PROT', 'WHARF_PORT', 1],
    ['one letter missing', 'WHARF_PRT', 'WHARF_PORT', 1],
    ['one letter extra', 'WHARF_PORTT', 'WHARF_PORT', 1],
    ['one letter changed', 'WHARF_PART', 'WHARF_PORT', 1],
    ['from empty', '', 'abc', 3],
    ['to empty', 'abc', '', 3],
    ['nothing in common', 'abc', 'xyz', 3],
  ])('%s', (_name, a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});

describe('closestSetting', () => {
  it.each<[string, string, string | undefined]>([
    ['a swapped pair', 'WHARF_PROT', 'WHARF_PORT'],
    ['a missing letter', 'WHARF_DATADIR', 'WHARF_DATA_DIR'],
    ['a singular for a plural', 'WHARF_TRUSTED_PROXY', 'WHARF_TRUSTED_PROXIES'],
    ['lower case', 'WHARF_log_level', 'WHARF_LOG_LEVEL'],
    ['a typo in a long name', 'WHARF_LOGIN_MAX_FAILURE', 'WHARF_LOGIN_MAX_FAILURES'],
  ])('%s: %s → %s', (_name, input, expected) => {
    expect(closestSetting(input, KNOWN_SETTINGS)).toBe(expected);
  });

  it('when nothing is known, names nothing', () => {
    expect(closestSetting('WHARF_PORT', [])).toBeUndefined();
  });
});

describe('unknownSettingWarnings', () => {
  it.each<[string, string[], string[]]>([
    ['only known settings: no warning', ['WHARF_PORT', 'WHARF_HOST', 'PATH'], []],
    ['other variables are none of Wharf’s business', ['HOME', 'PORT', 'DATABASE_URLS'], []],
    [
      'a misspelt setting: one line naming the closest',
      ['WHARF_PROT', 'WHARF_HOST'],
      [
        'wharf: warning: WHARF_PROT is not a Wharf setting and is ignored; did you mean WHARF_PORT?',
      ],
    ],
    [
      'two unknown settings: one line each, sorted',
      ['WHARF_TRUSTED_PROXY', 'WHARF_DATADIR'],
      [
        'wharf: warning: WHARF_DATADIR is not a Wharf setting and is ignored; did you mean WHARF_DATA_DIR?',
        'wharf: warning: WHARF_TRUSTED_PROXY is not a Wharf setting and is ignored; did you mean WHARF_TRUSTED_PROXIES?',
      ],
    ],
    ['test tooling variables are known', ['WHARF_REQUIRE_DOCKER', 'WHARF_SPEC_LOG'], []],
  ])('%s', (_name, env, lines) => {
    expect(unknownSettingWarnings(env, KNOWN_SETTINGS)).toEqual(lines);
  });
});
