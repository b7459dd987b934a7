import { readsEverything } from '../auth';
import type { AuthContext } from '../auth';
import type { CatalogViewer } from './types';

export function toCatalogViewer(ctx: AuthContext | undefined): CatalogViewer {
  if (ctx === undefined) return { kind: 'anonymous' };
  if (readsEverything(ctx)) return { kind: 'everything' };
  return { kind: 'user', userGuid: ctx.userGuid };
}

/** Viewers that see the same rows share cache entries. */
export function viewerCacheKey(viewer: CatalogViewer): string {
  switch (viewer.kind) {
    case 'anonymous':
    case 'everything':
      return viewer.kind;
    case 'user':
      return `user:${viewer.userGuid}`;
    case 'space':
      return `space:${viewer.spaceId}`;
  }
}
