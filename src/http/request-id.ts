import { randomUUID } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const requestIds = new WeakMap<Request, string>();

/** CC's rule (reference §1.8): `<caller's id, sanitised, ≤255>::<uuid>`, else a fresh uuid. */
export function toVcapRequestId(incoming: string | undefined, uuid: string): string {
  if (incoming === undefined) return uuid;
  const cleaned = incoming.replace(/[^A-Za-z0-9_-]/g, '').slice(0, 255);
  return cleaned.length > 0 ? `${cleaned}::${uuid}` : uuid;
}

export function requestIdMiddleware(req: Request, res: Response, next: NextFunction): void {
  // `||`, not `??`: CC reads each header with `.presence`, so an empty one counts as absent.
  const incoming = req.get('X-VCAP-Request-ID') || req.get('X-Request-ID');
  const id = toVcapRequestId(incoming, randomUUID());
  requestIds.set(req, id);
  res.setHeader('X-VCAP-Request-ID', id);
  next();
}

export function getRequestId(req: Request): string {
  return requestIds.get(req) ?? 'unknown';
}
