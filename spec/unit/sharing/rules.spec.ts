import { instanceSharingRefusal, isShareable } from '../../../src/sharing';

describe('isShareable (the service extra JSON string)', () => {
  it.each<[string, string | null, boolean]>([
    ['shareable true', '{"shareable":true}', true],
    ['shareable with other metadata', '{"displayName":"DB","shareable":true}', true],
    ['no extra', null, false],
    ['extra without shareable', '{"displayName":"DB"}', false],
    ['shareable false', '{"shareable":false}', false],
    ['shareable as the string "true"', '{"shareable":"true"}', false],
    ['extra that is not JSON', 'shareable', false],
    ['extra that is a JSON array', '[{"shareable":true}]', false],
    ['extra that is JSON null', 'null', false],
  ])('%s → %s', (_name, extra, expected) => {
    expect(isShareable(extra)).toBe(expected);
  });
});

describe('instanceSharingRefusal', () => {
  it.each<[string, { extra: string | null; requires: string[] }, string | undefined]>([
    ['a shareable service', { extra: '{"shareable":true}', requires: [] }, undefined],
    [
      'a shareable service that needs syslog only',
      { extra: '{"shareable":true}', requires: ['syslog_drain'] },
      undefined,
    ],
    [
      'a route service, even if shareable',
      { extra: '{"shareable":true}', requires: ['route_forwarding'] },
      'Route services cannot be shared.',
    ],
    [
      'a service without shareable',
      { extra: null, requires: [] },
      'The db service does not support service instance sharing.',
    ],
  ])('%s', (_name, service, expected) => {
    expect(instanceSharingRefusal({ label: 'db', ...service })).toBe(expected);
  });
});
