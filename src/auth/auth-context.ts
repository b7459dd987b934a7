import type { Request } from 'express';

/** Who is calling, as read from a verified token. */
export interface AuthContext {
  /** `user_id` claim, else `client_id` for client-credentials tokens (as CC does). */
  userGuid: string;
  userName: string | undefined;
  email: string | undefined;
  clientId: string;
  scopes: readonly string[];
}

export type AuthState =
  | { kind: 'anonymous' }
  | { kind: 'invalid'; reason: string }
  | { kind: 'authenticated'; context: AuthContext };

export const SCOPES = {
  admin: 'cloud_controller.admin',
  adminReadOnly: 'cloud_controller.admin_read_only',
  globalAuditor: 'cloud_controller.global_auditor',
  read: 'cloud_controller.read',
  write: 'cloud_controller.write',
} as const;

// A WeakMap keeps the state off the Request type: no global declaration merging needed.
const states = new WeakMap<Request, AuthState>();

export function setAuthState(req: Request, state: AuthState): void {
  states.set(req, state);
}

export function getAuthState(req: Request): AuthState {
  return states.get(req) ?? { kind: 'anonymous' };
}

export function getAuthContext(req: Request): AuthContext | undefined {
  const state = getAuthState(req);
  return state.kind === 'authenticated' ? state.context : undefined;
}

export function hasScope(ctx: AuthContext, scope: string): boolean {
  return ctx.scopes.includes(scope);
}

export function isAdmin(ctx: AuthContext): boolean {
  return hasScope(ctx, SCOPES.admin);
}

/** Admin, admin_read_only and global_auditor read every row without a visibility filter. */
export function readsEverything(ctx: AuthContext): boolean {
  return isAdmin(ctx) || hasScope(ctx, SCOPES.adminReadOnly) || hasScope(ctx, SCOPES.globalAuditor);
}
