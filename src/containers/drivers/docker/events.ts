import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { LABELS } from '../../labels';
import type { DriverEvent } from '../driver';

const RECONNECT_MS = 2000;

/** Follows Docker's event stream for owned objects, reconnecting after errors, until unsubscribed. */
export function watchEvents(
  docker: Docker,
  owner: string,
  listener: (event: DriverEvent) => void,
): () => void {
  let stopped = false;
  let current: NodeJS.ReadableStream | undefined;
  let timer: NodeJS.Timeout | undefined;
  const filters = JSON.stringify({
    label: [`${LABELS.owner}=${owner}`],
    type: ['container', 'network'],
  });

  const connect = (): void => {
    docker.getEvents({ filters }).then((stream) => {
      if (stopped) {
        destroy(stream);
        return;
      }
      current = stream;
      let buffered = '';
      stream.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('utf8');
        const lines = buffered.split('\n');
        buffered = lines.pop() ?? '';
        for (const line of lines) {
          const event = parseEvent(line);
          if (event !== undefined) listener(event);
        }
      });
      stream.on('error', retry);
      stream.on('end', retry);
    }, retry);
  };
  const retry = (): void => {
    current = undefined;
    if (stopped || timer !== undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      connect();
    }, RECONNECT_MS);
    timer.unref();
  };
  connect();
  return () => {
    stopped = true;
    if (timer !== undefined) clearTimeout(timer);
    if (current !== undefined) destroy(current);
  };
}

function destroy(stream: NodeJS.ReadableStream): void {
  // Docker's event stream is an http.IncomingMessage: a Readable, which can be destroyed.
  if (stream instanceof Readable) stream.destroy();
}

/** One JSON line of the event stream; unknown shapes are ignored rather than trusted. */
function parseEvent(line: string): DriverEvent | undefined {
  if (line.trim() === '') return undefined;
  try {
    const raw: unknown = JSON.parse(line);
    if (typeof raw !== 'object' || raw === null) return undefined;
    const action = 'Action' in raw && typeof raw.Action === 'string' ? raw.Action : 'unknown';
    const actor =
      'Actor' in raw && typeof raw.Actor === 'object' && raw.Actor !== null ? raw.Actor : {};
    const attrs: unknown = 'Attributes' in actor ? actor.Attributes : undefined;
    const entries: Array<[string, unknown]> =
      typeof attrs === 'object' && attrs !== null ? Object.entries(attrs) : [];
    const value = entries.find(([key]) => key === LABELS.service)?.[1];
    const serviceId = typeof value === 'string' ? value : undefined;
    return { serviceId, action };
  } catch {
    return undefined;
  }
}
