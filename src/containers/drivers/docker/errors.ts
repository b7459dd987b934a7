import { DriverError } from '../driver';

/** Translates what dockerode throws into a DriverError whose message can go into Message. */
export function toDriverError(err: unknown, doing: string): DriverError {
  if (err instanceof DriverError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const code = typeof err === 'object' && err !== null && 'code' in err ? String(err.code) : '';
  const status = statusOf(err);
  if (
    ['ECONNREFUSED', 'ENOENT', 'EACCES', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH'].includes(code)
  ) {
    return new DriverError('unreachable', `Docker Engine unreachable while ${doing}: ${code}`);
  }
  if (
    /port is already allocated|address already in use|cannot assign requested address/i.test(
      message,
    )
  ) {
    return new DriverError('port', `${doing}: host port unavailable (${lastLine(message)})`);
  }
  if (status === 404 && /image/i.test(message)) {
    return new DriverError('image', `${doing}: image not found (${lastLine(message)})`);
  }
  if (status === 409) return new DriverError('conflict', `${doing}: ${lastLine(message)}`);
  return new DriverError('other', `${doing}: ${lastLine(message)}`);
}

/**
 * A failed pull, without the engine's text: that text quotes whatever the registry (any address a
 * reference named) answered, and it would reach the service's Message.
 */
export function toPullError(err: unknown, image: string): DriverError {
  const cause = toDriverError(err, 'pull');
  if (cause.kind === 'unreachable') return cause;
  const status = statusOf(err);
  const detail = status === 0 ? '' : ` (engine answered HTTP ${status})`;
  return new DriverError('image', `Image ${image} is missing and could not be pulled${detail}`);
}

export function statusOf(err: unknown): number {
  if (typeof err !== 'object' || err === null || !('statusCode' in err)) return 0;
  return typeof err.statusCode === 'number' ? err.statusCode : 0;
}

export function isNotFound(err: unknown): boolean {
  return statusOf(err) === 404;
}

/** Another removal of the same object is running (a concurrent delete or sweep): it will be gone. */
export function isBeingRemoved(err: unknown): boolean {
  const message = err instanceof Error ? err.message : '';
  return statusOf(err) === 409 && /already in progress/i.test(message);
}

function lastLine(message: string): string {
  // dockerode prefixes "(HTTP code 500) server error - "; the engine's own text is what helps.
  return message.replace(/^\(HTTP code \d+\)[^-]*- /, '').trim();
}
