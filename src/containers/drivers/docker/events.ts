import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { LABELS, LEGACY_OWNER } from '../../labels';
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
  // Docker ANDs label filters: follow every managed object and keep ours and legacy ones here.
  const filters = JSON.stringify({
    label: [`${LABELS.managed}=true`],
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
          if (event !== undefined && (event.owner === owner || event.owner === LEGACY_OWNER))
            listener({ serviceId: event.serviceId, action: event.action });
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
export function parseEvent(
  line: string,
): (DriverEvent & { owner: string | undefined }) | undefined {
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
    const text = (label: string): string | undefined => {
      const value = entries.find(([key]) => key === label)?.[1];
      return typeof value === 'string' ? value : undefined;
    };
    return { serviceId: text(LABELS.service), owner: text(LABELS.owner), action };
  } catch {
    return undefined;
  }
}
