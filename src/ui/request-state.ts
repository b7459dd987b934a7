import type { Request } from 'express';
import type { ActiveSession } from './sessions';

// A WeakMap keeps the session off the Request type, as auth-context does for tokens.
const sessions = new WeakMap<Request, ActiveSession>();

export function setUiSession(req: Request, session: ActiveSession): void {
  sessions.set(req, session);
}

export function getUiSession(req: Request): ActiveSession | undefined {
  return sessions.get(req);
}
