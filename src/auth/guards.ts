import type { Request } from 'express';
import { CfError } from '../http/cf-errors';
import { getAuthState, hasScope, isAdmin, readsEverything, SCOPES } from './auth-context';
import type { AuthContext } from './auth-context';

/** Anonymous (10002) and bad-token (1000) outcomes of reference §2.1. */
export function requireAuthContext(req: Request): AuthContext {
  const state = getAuthState(req);
  switch (state.kind) {
    case 'anonymous':
      throw new CfError('NotAuthenticated');
    case 'invalid':
      throw new CfError('InvalidAuthToken');
    case 'authenticated':
      return state.context;
  }
}

/** For routes that allow anonymous callers: a bad token is still a 401 1000. */
export function optionalAuthContext(req: Request): AuthContext | undefined {
  const state = getAuthState(req);
  if (state.kind === 'invalid') throw new CfError('InvalidAuthToken');
  return state.kind === 'authenticated' ? state.context : undefined;
}

export function canRead(ctx: AuthContext): boolean {
  return readsEverything(ctx) || hasScope(ctx, SCOPES.read);
}

export function canWrite(ctx: AuthContext): boolean {
  return isAdmin(ctx) || hasScope(ctx, SCOPES.write);
}

/** Token-scope check first (10007), role checks come after in the service (10003). */
export function requireReadScope(req: Request): AuthContext {
  const ctx = requireAuthContext(req);
  if (!canRead(ctx)) throw new CfError('InsufficientScope');
  return ctx;
}

export function requireWriteScope(req: Request): AuthContext {
  const ctx = requireAuthContext(req);
  if (!canWrite(ctx)) throw new CfError('InsufficientScope');
  return ctx;
}

export function requireAdmin(req: Request): AuthContext {
  const ctx = requireWriteScope(req);
  if (!isAdmin(ctx)) throw new CfError('NotAuthorized');
  return ctx;
}

export type ServicesAccess = 'read' | 'write';

/** The outcome of the `/services` scope check, for a router with its own (Hyper) error shape. */
export type ServicesDecision =
  | { kind: 'allowed'; context: AuthContext }
  | { kind: 'unauthenticated'; message: string }
  | { kind: 'forbidden'; message: string };

/**
 * `/services` follows CC's scopes like the rest of the API: reads need `cloud_controller.read`
 * (or an admin / admin_read_only / global_auditor scope), writes `cloud_controller.write` (or
 * admin); a token with neither gets 403, not the caller's tenant.
 */
export function decideServicesAccess(req: Request, need: ServicesAccess): ServicesDecision {
  const state = getAuthState(req);
  switch (state.kind) {
    case 'anonymous':
      return { kind: 'unauthenticated', message: 'Authentication required: send a bearer token' };
    case 'invalid':
      return { kind: 'unauthenticated', message: `Invalid token: ${state.reason}` };
    case 'authenticated': {
      const allowed = need === 'read' ? canRead(state.context) : canWrite(state.context);
      if (allowed) return { kind: 'allowed', context: state.context };
      const scope = need === 'read' ? SCOPES.read : SCOPES.write;
      return { kind: 'forbidden', message: `The token lacks the ${scope} scope` };
    }
  }
}
