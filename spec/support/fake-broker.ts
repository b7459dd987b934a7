import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { OsbCatalog, OsbPlan, OsbService } from '../../src/osb-catalog';
import type { BrokerConnection } from '../../src/osb-client';

/**
 * A real OSB broker for specs: an HTTP server on 127.0.0.1 and an ephemeral port that serves a
 * catalog behind Basic auth, records every request, and can be told to misbehave per route.
 *
 *   const broker = await FakeBroker.start({ catalog });
 *   afterAll(() => broker.close());
 *   broker.on('GET', '/v2/catalog', reply.status(500, { description: 'boom' }));
 *   broker.on('GET', '/v2/service_instances/:instance_id/last_operation',
 *     reply.json(200, { state: 'in progress' }), reply.json(200, { state: 'succeeded' }));
 */
export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /** Lower-cased names, as node:http gives them. */
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The body parsed as JSON, `undefined` when empty or not JSON. */
  json: unknown;
}

export type FakeReply =
  | { kind: 'json'; status: number; body: unknown; headers?: Record<string, string> }
  | { kind: 'text'; status: number; body: string; contentType: string }
  | { kind: 'huge'; status: number; bytes: number; declareLength: boolean }
  | { kind: 'delay'; ms: number; then: FakeReply }
  | { kind: 'stall'; status: number; partialBody: string }
  | { kind: 'destroy' }
  | { kind: 'redirect'; status: number; location: string };

/** Builders for the replies a route can be scripted with. */
export const reply = {
  json: (status: number, body: unknown, headers?: Record<string, string>): FakeReply => ({
    kind: 'json',
    status,
    body,
    headers,
  }),
  /** Alias of `json` that reads better for error answers. */
  status: (status: number, body: unknown = {}): FakeReply => ({ kind: 'json', status, body }),
  text: (status: number, body: string, contentType = 'text/plain'): FakeReply => ({
    kind: 'text',
    status,
    body,
    contentType,
  }),
  html: (status = 200): FakeReply => ({
    kind: 'text',
    status,
    body: '<!DOCTYPE html><html><head><title>Welcome</title></head><body><h1>It works!</h1></body></html>',
    contentType: 'text/html',
  }),
  /** A syntactically valid JSON catalog of exactly `bytes` bytes, streamed in chunks. */
  huge: (bytes: number, options: { status?: number; declareLength?: boolean } = {}): FakeReply => ({
    kind: 'huge',
    status: options.status ?? 200,
    bytes,
    declareLength: options.declareLength ?? false,
  }),
  delay: (ms: number, then: FakeReply = { kind: 'json', status: 200, body: {} }): FakeReply => ({
    kind: 'delay',
    ms,
    then,
  }),
  /** Sends the status line, headers and the start of a body, then nothing more until closed. */
  stall: (partialBody = '{"services":[', status = 200): FakeReply => ({
    kind: 'stall',
    status,
    partialBody,
  }),
  /** Closes the connection without answering. */
  destroy: (): FakeReply => ({ kind: 'destroy' }),
  redirect: (location: string, status = 302): FakeReply => ({ kind: 'redirect', status, location }),
};

interface Route {
  method: string;
  pattern: RegExp;
  replies: FakeReply[];
}

export interface FakeBrokerOptions {
  catalog?: unknown;
  username?: string;
  password?: string;
}

function routePattern(path: string): RegExp {
  const escaped = path
    .split('/')
    .map((segment) =>
      segment.startsWith(':') ? '[^/]+' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'),
    )
    .join('/');
  return new RegExp(`^${escaped}$`);
}

const INSTANCE = '/v2/service_instances/:instance_id';
const BINDING = `${INSTANCE}/service_bindings/:binding_id`;

/** What a well-behaved broker answers when a spec scripted nothing else (osb-api.md §6–8). */
function defaultRoutes(): Array<[string, string, FakeReply]> {
  return [
    ['PUT', INSTANCE, reply.json(201, {})],
    ['PATCH', INSTANCE, reply.json(200, {})],
    ['DELETE', INSTANCE, reply.json(200, {})],
    ['GET', INSTANCE, reply.json(200, { parameters: {} })],
    ['GET', `${INSTANCE}/last_operation`, reply.json(200, { state: 'succeeded' })],
    ['PUT', BINDING, reply.json(201, { credentials: {} })],
    ['DELETE', BINDING, reply.json(200, {})],
    ['GET', BINDING, reply.json(200, { credentials: {} })],
    ['GET', `${BINDING}/last_operation`, reply.json(200, { state: 'succeeded' })],
  ];
}

export class FakeBroker {
  readonly requests: RecordedRequest[] = [];
  private catalog: unknown;
  private scripted: Route[] = [];
  private readonly defaults: Route[];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly username: string;
  private readonly password: string;

  private constructor(
    private readonly server: http.Server,
    options: FakeBrokerOptions,
  ) {
    this.catalog = options.catalog ?? generateCatalog(1, 1);
    this.username = options.username ?? 'broker-user';
    this.password = options.password ?? 'broker-pa$$word:with"specials';
    this.defaults = defaultRoutes().map(([method, path, r]) => ({
      method,
      pattern: routePattern(path),
      replies: [r],
    }));
  }

  static async start(options: FakeBrokerOptions = {}): Promise<FakeBroker> {
    const server = http.createServer();
    const broker = new FakeBroker(server, options);
    server.on('request', (req, res) => {
      broker.handle(req, res);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return broker;
  }

  get url(): string {
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The connection a client needs, with this broker's credentials (`password` overrides). */
  connection(overrides: Partial<BrokerConnection> = {}): BrokerConnection {
    return { url: this.url, username: this.username, password: this.password, ...overrides };
  }

  setCatalog(catalog: unknown): void {
    this.catalog = catalog;
  }

  /** Scripts a route: each request takes the next reply, the last one repeats. Later scripts win. */
  on(method: string, path: string, ...replies: FakeReply[]): this {
    if (replies.length === 0) throw new Error('on() needs at least one reply');
    this.scripted.unshift({ method, pattern: routePattern(path), replies: [...replies] });
    return this;
  }

  /** Forgets scripts and recorded requests (not the catalog). */
  reset(): void {
    this.scripted = [];
    this.requests.length = 0;
  }

  requestsTo(method: string, path: string): RecordedRequest[] {
    const pattern = routePattern(path);
    return this.requests.filter((r) => r.method === method && pattern.test(r.path));
  }

  async close(): Promise<void> {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => {
      this.server.close(() => {
        resolve();
      });
    });
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const recorded = this.record(req, Buffer.concat(chunks).toString('utf8'));
      this.send(res, this.answerFor(recorded));
    });
  }

  private record(req: http.IncomingMessage, body: string): RecordedRequest {
    const url = new URL(req.url ?? '/', 'http://fake-broker');
    let json: unknown;
    try {
      json = body === '' ? undefined : JSON.parse(body);
    } catch {
      json = undefined;
    }
    const recorded = {
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: req.headers,
      body,
      json,
    };
    this.requests.push(recorded);
    return recorded;
  }

  /** Auth first (401), then the version header (412, as osb-checker expects), then the route. */
  private answerFor(request: RecordedRequest): FakeReply {
    const expected = `Basic ${Buffer.from(`${this.username}:${this.password}`).toString('base64')}`;
    if (request.headers.authorization !== expected)
      return reply.status(401, { description: 'Unauthorized' });
    if (request.headers['x-broker-api-version'] === undefined) {
      return reply.status(412, { description: 'X-Broker-API-Version header is required' });
    }
    const route = [...this.scripted, ...this.defaults].find(
      (r) => r.method === request.method && r.pattern.test(request.path),
    );
    if (route !== undefined)
      return route.replies.length > 1 ? route.replies.shift()! : route.replies[0]!;
    if (request.method === 'GET' && request.path === '/v2/catalog')
      return reply.json(200, this.catalog);
    return reply.status(404, { description: `No route for ${request.method} ${request.path}` });
  }

  private send(res: http.ServerResponse, answer: FakeReply): void {
    if (res.destroyed) return;
    switch (answer.kind) {
      case 'json':
        res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
        res.end(JSON.stringify(answer.body));
        return;
      case 'text':
        res.writeHead(answer.status, { 'Content-Type': answer.contentType });
        res.end(answer.body);
        return;
      case 'huge':
        this.sendHuge(res, answer.status, answer.bytes, answer.declareLength);
        return;
      case 'delay': {
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.send(res, answer.then);
        }, answer.ms);
        this.timers.add(timer);
        return;
      }
      case 'stall':
        res.writeHead(answer.status, { 'Content-Type': 'application/json' });
        res.write(answer.partialBody);
        return;
      case 'destroy':
        res.socket?.destroy();
        return;
      case 'redirect':
        res.writeHead(answer.status, { Location: answer.location });
        res.end();
        return;
    }
  }

  /** Streams `{"services":[ <spaces> ]}` without ever holding it in memory, honouring backpressure. */
  private sendHuge(
    res: http.ServerResponse,
    status: number,
    bytes: number,
    declareLength: boolean,
  ): void {
    const head = '{"services":[';
    const tail = ']}';
    res.writeHead(status, {
      'Content-Type': 'application/json',
      ...(declareLength ? { 'Content-Length': String(bytes) } : {}),
    });
    const chunk = Buffer.alloc(64 * 1024, ' ');
    let remaining = bytes - head.length - tail.length;
    res.write(head);
    const pump = (): void => {
      while (remaining > 0 && !res.destroyed) {
        const size = Math.min(remaining, chunk.length);
        remaining -= size;
        if (!res.write(chunk.subarray(0, size))) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end(tail);
    };
    res.on('close', () => {
      remaining = 0;
    });
    pump();
  }
}

/**
 * A valid catalog of `services` × `plans`, deterministic so two calls agree. `prefix` namespaces the
 * ids (two brokers); `revision` changes descriptions (a catalog update) without changing ids.
 */
export function generateCatalog(
  services: number,
  plans: number,
  options: { prefix?: string; revision?: number } = {},
): OsbCatalog {
  const prefix = options.prefix ?? 'gen';
  const revision = options.revision ?? 0;
  const planOf = (s: number, p: number): OsbPlan => ({
    id: `${prefix}-plan-${s}-${p}`,
    name: `plan-${p}`,
    description: `Plan ${p} of service ${s} (revision ${revision})`,
    free: p % 2 === 0,
    metadata: { bullets: [`${p + 1} GB`] },
    ...(p === 0 ? { maintenance_info: { version: `1.${revision}.0` } } : {}),
  });
  const serviceOf = (s: number): OsbService => ({
    id: `${prefix}-service-${s}`,
    name: `${prefix}-service-${s}`,
    description: `Service ${s} (revision ${revision})`,
    bindable: true,
    tags: ['generated', `group-${s % 10}`],
    metadata: { displayName: `Service ${s}` },
    plans: Array.from({ length: plans }, (_, p) => planOf(s, p)),
  });
  return { services: Array.from({ length: services }, (_, s) => serviceOf(s)) };
}
