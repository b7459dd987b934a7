import {
  planBody,
  planUpdateBody,
  serviceBody,
  serviceUpdateBody,
  visibilityBody,
} from '../../../src/catalog/schemas';

type Outcome = { ok: true } | { ok: false; path: string };

function outcome(result: {
  success: boolean;
  error?: { issues: { path: (string | number)[] }[] };
}): Outcome {
  if (result.success) return { ok: true };
  return { ok: false, path: result.error?.issues[0]?.path.join('.') ?? '' };
}

const SERVICE = { label: 'mysql', description: 'd' };
const PLAN = { name: 'small', description: 'd', service_guid: 's' };

describe('serviceBody', () => {
  it.each<[string, unknown, Outcome]>([
    ['the two required fields', SERVICE, { ok: true }],
    ['an empty description', { ...SERVICE, description: '' }, { ok: true }],
    ['extra as a JSON string', { ...SERVICE, extra: '{"a":[1]}' }, { ok: true }],
    ['extra as JSON scalar text', { ...SERVICE, extra: '3' }, { ok: true }],
    [
      'every requires permission',
      { ...SERVICE, requires: ['syslog_drain', 'route_forwarding', 'volume_mount'] },
      { ok: true },
    ],
    [
      'tags adding up to 2048 characters',
      { ...SERVICE, tags: ['a'.repeat(1024), 'b'.repeat(1024)] },
      { ok: true },
    ],
    [
      'tags adding up to 2049 characters',
      { ...SERVICE, tags: ['a'.repeat(1024), 'b'.repeat(1025)] },
      { ok: false, path: 'tags' },
    ],
    ['a label of spaces', { ...SERVICE, label: '  ' }, { ok: false, path: 'label' }],
    [
      'a label of 256 characters',
      { ...SERVICE, label: 'x'.repeat(256) },
      { ok: false, path: 'label' },
    ],
    ['no description', { label: 'mysql' }, { ok: false, path: 'description' }],
    ['extra that is not JSON', { ...SERVICE, extra: 'nope' }, { ok: false, path: 'extra' }],
    [
      'an unknown requires permission',
      { ...SERVICE, requires: ['root'] },
      { ok: false, path: 'requires.0' },
    ],
    ['a fractional timeout', { ...SERVICE, timeout: 0.5 }, { ok: false, path: 'timeout' }],
    ['a blank unique_id', { ...SERVICE, unique_id: '' }, { ok: false, path: 'unique_id' }],
    ['active as a string', { ...SERVICE, active: 'true' }, { ok: false, path: 'active' }],
  ])('when given %s, answers %o', (_name, body, expected) => {
    expect(outcome(serviceBody.safeParse(body))).toEqual(expected);
  });

  it.each<[string, unknown, Outcome]>([
    ['an empty update', {}, { ok: true }],
    ['only a new description', { description: 'x' }, { ok: true }],
    ['a blank label', { label: '' }, { ok: false, path: 'label' }],
  ])('when an update has %s, answers %o', (_name, body, expected) => {
    expect(outcome(serviceUpdateBody.safeParse(body))).toEqual(expected);
  });

  it('when an update names a broker, drops it: entries never move between brokers', () => {
    expect(serviceUpdateBody.parse({ service_broker_guid: 'b' })).toEqual({});
  });
});

describe('planBody', () => {
  it.each<[string, unknown, Outcome]>([
    ['the three required fields', PLAN, { ok: true }],
    [
      'a semver maintenance_info',
      { ...PLAN, maintenance_info: { version: '1.2.3-rc.1+build.5' } },
      { ok: true },
    ],
    [
      'complete schemas',
      {
        ...PLAN,
        schemas: {
          service_instance: { create: { parameters: {} }, update: { parameters: {} } },
          service_binding: { create: { parameters: {} } },
        },
      },
      { ok: true },
    ],
    ['no service_guid', { name: 'small', description: 'd' }, { ok: false, path: 'service_guid' }],
    ['an empty service_guid', { ...PLAN, service_guid: '' }, { ok: false, path: 'service_guid' }],
    [
      'a non-semver maintenance_info',
      { ...PLAN, maintenance_info: { version: '1.2' } },
      { ok: false, path: 'maintenance_info.version' },
    ],
    [
      'maintenance_info with an unknown key',
      { ...PLAN, maintenance_info: { version: '1.0.0', extra: 1 } },
      { ok: false, path: 'maintenance_info' },
    ],
    [
      'schemas with an unknown part',
      { ...PLAN, schemas: { service_key: {} } },
      { ok: false, path: 'schemas' },
    ],
    [
      'schemas whose parameters is a list',
      { ...PLAN, schemas: { service_binding: { create: { parameters: [] } } } },
      { ok: false, path: 'schemas.service_binding.create.parameters' },
    ],
    [
      'a negative maximum_polling_duration',
      { ...PLAN, maximum_polling_duration: -5 },
      { ok: false, path: 'maximum_polling_duration' },
    ],
  ])('when given %s, answers %o', (_name, body, expected) => {
    expect(outcome(planBody.safeParse(body))).toEqual(expected);
  });

  it.each<[string, unknown, Outcome]>([
    ['only public', { public: true }, { ok: true }],
    ['public as a string', { public: 'true' }, { ok: false, path: 'public' }],
  ])('when an update has %s, answers %o', (_name, body, expected) => {
    expect(outcome(planUpdateBody.safeParse(body))).toEqual(expected);
  });
});

describe('visibilityBody', () => {
  it.each<[string, unknown, Outcome]>([
    ['both guids', { service_plan_guid: 'p', organization_guid: 'o' }, { ok: true }],
    [
      'an empty plan guid',
      { service_plan_guid: '', organization_guid: 'o' },
      { ok: false, path: 'service_plan_guid' },
    ],
    ['no organization', { service_plan_guid: 'p' }, { ok: false, path: 'organization_guid' }],
  ])('when a visibility has %s, answers %o', (_name, body, expected) => {
    expect(outcome(visibilityBody.safeParse(body))).toEqual(expected);
  });
});
