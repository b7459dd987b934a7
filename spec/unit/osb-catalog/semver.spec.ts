import { isSemver } from '../../../src/osb-catalog';

/** One SemVer 2.0.0 rule (semver.org) for catalogs, POST /v2/service_plans and instance updates. */
describe('isSemver', () => {
  it.each([
    ['a plain version', '1.0.0'],
    ['zeros', '0.0.0'],
    ['large numbers', '10.200.3000'],
    ['a pre-release', '1.0.0-alpha'],
    ['a dotted pre-release', '1.0.0-alpha.1'],
    ['a numeric pre-release without a leading zero', '1.0.0-0.3.7'],
    ['a pre-release that is alphanumeric with a leading zero', '1.0.0-0a'],
    ['a hyphenated pre-release', '1.0.0-x-y-z.--'],
    ['build metadata', '1.0.0+20130313144700'],
    ['build metadata with a leading zero (allowed in builds, §10)', '1.0.0+001'],
    ['a pre-release with build metadata', '2.1.1-beta+exp.sha.5114f85'],
    ['the OSB example', '2.1.1+abcdef'],
  ])('accepts %s: %s', (_name, version) => {
    expect(isSemver(version)).toBe(true);
  });

  it.each<[string, unknown]>([
    ['a numeric pre-release with a leading zero', '1.0.0-01'],
    ['a dotted numeric pre-release with a leading zero', '1.0.0-alpha.01'],
    ['a major with a leading zero', '01.0.0'],
    ['a minor with a leading zero', '1.01.0'],
    ['a patch with a leading zero', '1.0.01'],
    ['two parts', '1.0'],
    ['four parts', '1.0.0.0'],
    ['a v prefix', 'v1.0.0'],
    ['an empty pre-release identifier', '1.0.0-alpha..1'],
    ['an empty pre-release', '1.0.0-'],
    ['empty build metadata', '1.0.0+'],
    ['surrounding whitespace', ' 1.0.0'],
    ['a word', 'one'],
    ['the empty string', ''],
    ['a number', 1],
    ['null', null],
  ])('rejects %s: %p', (_name, version) => {
    expect(isSemver(version)).toBe(false);
  });
});
