import type { Server } from 'node:http';

const LISTEN_ERRORS: Readonly<Record<string, string>> = {
  EADDRINUSE: 'address already in use',
  EACCES: 'permission denied',
  EADDRNOTAVAIL: 'address not available on this host',
  ENOTFOUND: 'no such host',
  EAI_AGAIN: 'host name lookup failed',
  EAI_FAIL: 'host name lookup failed',
  EINVAL: 'invalid address',
};

function errorCode(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'string' ? err.code : undefined;
}

/** The one line `serve` prints when it cannot bind (`… 127.0.0.1:3997: address already in use`). */
export function describeListenError(err: unknown, host: string, port: number): string {
  const code = errorCode(err);
  const reason =
    (code !== undefined ? LISTEN_ERRORS[code] : undefined) ??
    (err instanceof Error ? (err.message.split('\n')[0] ?? err.message) : String(err));
  return `cannot listen on ${host}:${port}: ${reason}`;
}

export class ListenError extends Error {}

/**
 * Binds `server` and resolves once it listens; rejects with a one-line ListenError otherwise.
 * (Express 5's `app.listen` hands the error to its callback, which is how a busy port used to
 * look like a successful start.)
 */
export function listenOn(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: unknown): void => {
      server.off('listening', onListening);
      reject(new ListenError(describeListenError(err, host, port)));
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}
