import { readsEverything } from '../auth/auth-context';
import type { AuthContext } from '../auth/auth-context';
import type { CatalogViewer } from './types';

export function toCatalogViewer(ctx: AuthContext | undefined): CatalogViewer {
  if (ctx === undefined) return { kind: 'anonymous' };
  if (readsEverything(ctx)) return { kind: 'everything' };
  return { kind: 'user', userGuid: ctx.userGuid };
}
