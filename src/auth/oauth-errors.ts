import type { Response } from 'express';

/** UAA's error shape: `{error, error_description}` (reference §2.4). */
export class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(description);
  }
}

export function sendOAuthError(res: Response, err: OAuthError): void {
  if (err.retryAfterSeconds !== undefined)
    res.setHeader('Retry-After', String(err.retryAfterSeconds));
  if (err.status === 401)
    res.setHeader('WWW-Authenticate', 'Bearer realm="UAA/oauth", error="unauthorized"');
  res.status(err.status).json({ error: err.error, error_description: err.message });
}
