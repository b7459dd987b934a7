/**
 * Failures are values (brokerapi's `apiresponses`): an action returns one of these instead of
 * throwing, and `toFailureResponse` is the one place that turns them into a status and an OSB
 * error body (osb-api.md §3).
 */
export type OsbErrorName = 'AsyncRequired' | 'ConcurrencyError' | 'MaintenanceInfoConflict';

export type OsbFailure =
  | { kind: 'bad request'; description: string }
  | { kind: 'not found'; description: string }
  | { kind: 'conflict'; description: string }
  /** Deprovision or unbind of something that does not exist: 410 with `{}`. */
  | { kind: 'gone' }
  | { kind: 'unprocessable'; description: string; error?: OsbErrorName }
  | { kind: 'failed'; description: string };

export type Result<T> = { ok: true; value: T } | { ok: false; failure: OsbFailure };

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
export const fail = <T>(failure: OsbFailure): Result<T> => ({ ok: false, failure });

export const badRequest = (description: string): OsbFailure => ({
  kind: 'bad request',
  description,
});
export const notFound = (description: string): OsbFailure => ({ kind: 'not found', description });
export const conflict = (description: string): OsbFailure => ({ kind: 'conflict', description });
export const gone: OsbFailure = { kind: 'gone' };
export const unprocessable = (description: string): OsbFailure => ({
  kind: 'unprocessable',
  description,
});
export const brokerFailed = (description: string): OsbFailure => ({ kind: 'failed', description });

export const asyncRequired = (
  description = 'This service plan requires client support for asynchronous service operations.',
): OsbFailure => ({
  kind: 'unprocessable',
  error: 'AsyncRequired',
  description,
});

export const concurrencyError = (
  description = 'Another operation for this service instance is in progress.',
): OsbFailure => ({
  kind: 'unprocessable',
  error: 'ConcurrencyError',
  description,
});

export const maintenanceInfoConflict = (description: string): OsbFailure => ({
  kind: 'unprocessable',
  error: 'MaintenanceInfoConflict',
  description,
});

export interface FailureResponse {
  status: number;
  body: Record<string, string>;
}

/** The single mapper from failure values to HTTP (osb-api.md §3, §7–8). */
export function toFailureResponse(failure: OsbFailure): FailureResponse {
  switch (failure.kind) {
    case 'bad request':
      return { status: 400, body: { description: failure.description } };
    case 'not found':
      return { status: 404, body: { description: failure.description } };
    case 'conflict':
      return { status: 409, body: { description: failure.description } };
    case 'gone':
      return { status: 410, body: {} };
    case 'unprocessable':
      return {
        status: 422,
        body:
          failure.error === undefined
            ? { description: failure.description }
            : { error: failure.error, description: failure.description },
      };
    case 'failed':
      return { status: 500, body: { description: failure.description } };
  }
}
