import { InProcessChangeFeed } from '../../../src/changes';
import type { Change } from '../../../src/changes';
import { FakeFeatureFlagsStore, FeatureFlagsService } from '../../../src/feature-flags';
import { CfError } from '../../../src/http/cf-errors';

async function rejection(work: Promise<unknown>): Promise<CfError> {
  try {
    await work;
  } catch (err) {
    if (err instanceof CfError) return err;
    throw err;
  }
  throw new Error('expected a CfError');
}

let store: FakeFeatureFlagsStore;
let flags: FeatureFlagsService;
let published: Change[];

beforeEach(() => {
  store = new FakeFeatureFlagsStore();
  const changes = new InProcessChangeFeed();
  published = [];
  changes.subscribe((change) => published.push(change));
  flags = new FeatureFlagsService({ store, changes });
});

describe('FeatureFlagsService.list', () => {
  it('when nothing is stored, answers CC’s defaults in CC’s order', async () => {
    const listed = await flags.list();
    expect(listed).toHaveLength(18);
    expect(listed[0]).toEqual({ name: 'user_org_creation', enabled: false, errorMessage: null });
    expect(listed.find((f) => f.name === 'service_instance_creation')?.enabled).toBe(true);
  });

  it('when an operator overrode a flag, answers the override in the default’s place', async () => {
    store.rows.set('user_org_creation', {
      name: 'user_org_creation',
      enabled: true,
      errorMessage: 'x',
    });
    const listed = await flags.list();
    expect(listed[0]).toEqual({ name: 'user_org_creation', enabled: true, errorMessage: 'x' });
    expect(listed).toHaveLength(18);
  });
});

describe('FeatureFlagsService.set', () => {
  it('when the flag is known, stores the override and publishes it', async () => {
    const flag = await flags.set('service_instance_sharing', { enabled: true });
    expect(flag).toEqual({ name: 'service_instance_sharing', enabled: true, errorMessage: null });
    expect(store.rows.get('service_instance_sharing')).toEqual(flag);
    expect(published).toEqual([
      {
        topic: 'feature_flag',
        action: 'updated',
        id: 'service_instance_sharing',
        detail: { enabled: true },
      },
    ]);
  });

  it('when a message was set before and the new body has none, clears it', async () => {
    await flags.set('route_creation', { enabled: false, errorMessage: 'ask ops' });
    const flag = await flags.set('route_creation', { enabled: false });
    expect(flag.errorMessage).toBeNull();
  });

  it('when the flag is unknown, answers FeatureFlagNotFound, stores and publishes nothing', async () => {
    const err = await rejection(flags.set('no_such_flag', { enabled: true }));
    expect(err.errorName).toBe('FeatureFlagNotFound');
    expect(store.rows.size).toBe(0);
    expect(published).toEqual([]);
  });
});

describe('FeatureFlagsService.require', () => {
  it('when the flag is on by default, passes', async () => {
    await expect(flags.require('service_instance_creation')).resolves.toBeUndefined();
  });

  it.each([
    ['no message', undefined, 'user_org_creation'],
    ['the operator’s message', 'ask ops', 'ask ops'],
  ])(
    'when the flag is off with %s, answers FeatureDisabled naming it',
    async (_n, message, text) => {
      await flags.set('user_org_creation', { enabled: false, errorMessage: message });
      const err = await rejection(flags.require('user_org_creation'));
      expect(err.errorName).toBe('FeatureDisabled');
      expect(err.message).toContain(text);
    },
  );
});
