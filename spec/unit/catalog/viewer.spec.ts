import type { AuthContext } from '../../../src/auth/auth-context';
import type { CatalogViewer } from '../../../src/catalog/types';
import { toCatalogViewer, viewerCacheKey } from '../../../src/catalog/viewer';

function ctx(scopes: string[]): AuthContext {
  return { userGuid: 'u-1', userName: 'u', email: undefined, clientId: 'cf', scopes };
}

describe('toCatalogViewer', () => {
  it.each<[string, AuthContext | undefined, CatalogViewer]>([
    ['no token', undefined, { kind: 'anonymous' }],
    ['an admin', ctx(['cloud_controller.admin']), { kind: 'everything' }],
    ['an admin_read_only', ctx(['cloud_controller.admin_read_only']), { kind: 'everything' }],
    ['a global auditor', ctx(['cloud_controller.global_auditor']), { kind: 'everything' }],
    [
      'a reader',
      ctx(['cloud_controller.read', 'cloud_controller.write']),
      { kind: 'user', userGuid: 'u-1' },
    ],
    ['a token with no catalog scope', ctx(['openid']), { kind: 'user', userGuid: 'u-1' }],
  ])('when the caller has %s, answers %o', (_name, context, viewer) => {
    expect(toCatalogViewer(context)).toEqual(viewer);
  });
});

describe('viewerCacheKey', () => {
  it.each<[CatalogViewer, string]>([
    [{ kind: 'anonymous' }, 'anonymous'],
    [{ kind: 'everything' }, 'everything'],
    [{ kind: 'user', userGuid: 'u-1' }, 'user:u-1'],
    [{ kind: 'space', organizationId: 4, spaceId: 9 }, 'space:9'],
  ])('when the viewer is %o, answers %s', (viewer, key) => {
    expect(viewerCacheKey(viewer)).toBe(key);
  });

  it('when two users differ, answers different keys: their visible rows may differ', () => {
    expect(viewerCacheKey({ kind: 'user', userGuid: 'a' })).not.toBe(
      viewerCacheKey({ kind: 'user', userGuid: 'b' }),
    );
  });
});
