import { timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { isAdmin } from '../auth';
import { requireAuthContext } from '../auth';
import { CfError } from '../http/cf-errors';
import type { ChangeFeed } from '../changes';

/** What the gauges read at scrape time, through the modules' doors (never SQL here). */
export interface MetricsSources {
  jobCounts(): Promise<{ kind: string; state: string; count: number }[]>;
  containerStatusCounts(): Promise<{ status: string; count: number }[]>;
  backendHealthCounts(): Promise<{ health: string; count: number }[]>;
  brokerSyncStates(): Promise<{ broker: string; ok: boolean | null }[]>;
  /** What the modules' "needs attention" queries count, by kind (the dashboard's overview list). */
  attentionCounts(): Promise<{ kind: AttentionKind; count: number }[]>;
}

export type AttentionKind =
  'stuck_instances' | 'failed_broker_syncs' | 'unhealthy_container_services';

/** Hooks the reconciler and the OSB client call; no-ops where metrics are off. */
export interface MetricsRecorder {
  reconcilePass(seconds: number): void;
  brokerRequest(broker: string, outcome: string, seconds: number): void;
}

export interface MetricsModule {
  /** Mount first: times every request under its route template (never the raw path). */
  httpTimer: RequestHandler;
  /** GET /metrics */
  endpoint: RequestHandler;
  recorder: MetricsRecorder;
  registry: Registry;
}

export interface MetricsDeps {
  sources: MetricsSources;
  changes: ChangeFeed;
  /** WHARF_METRICS_TOKEN: a scraper's static bearer token, besides admin tokens. */
  scrapeToken: string | undefined;
}

/**
 * The route a request matched, as a template (`/v2/services/:guid`), so label cardinality stays
 * bounded whatever guids callers send; unmatched requests share one label.
 */
export function routeTemplate(req: Request): string {
  const route: unknown = req.route;
  if (typeof route === 'object' && route !== null && 'path' in route) {
    const path: unknown = route.path;
    if (typeof path === 'string') return `${req.baseUrl}${path}`;
  }
  return 'unmatched';
}

function sameToken(presented: string, expected: string): boolean {
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function bearerOf(req: Request): string | undefined {
  const [scheme, token] = (req.get('authorization') ?? '').trim().split(/\s+/);
  return scheme?.toLowerCase() === 'bearer' ? token : undefined;
}

export function createMetricsModule(deps: MetricsDeps): MetricsModule {
  // A registry per Wharf (not prom-client's global one): tests build many apps in one process.
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });

  const httpDuration = new Histogram({
    name: 'wharf_http_request_duration_seconds',
    help: 'HTTP requests by method, route template and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const reconcileDuration = new Histogram({
    name: 'wharf_reconcile_duration_seconds',
    help: 'Duration of one reconciler pass over every container service',
    buckets: [0.005, 0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const brokerDuration = new Histogram({
    name: 'wharf_broker_request_duration_seconds',
    help: 'Requests to service brokers by broker name and outcome',
    labelNames: ['broker', 'outcome'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers: [registry],
  });
  const jobFailures = new Counter({
    name: 'wharf_job_failures_total',
    help: 'Jobs that ended failed, by kind',
    labelNames: ['kind'],
    registers: [registry],
  });
  new Gauge({
    name: 'wharf_jobs',
    help: 'Persisted jobs by kind and state',
    labelNames: ['kind', 'state'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await deps.sources.jobCounts())
        this.set({ kind: row.kind, state: row.state }, row.count);
    },
  });
  new Gauge({
    name: 'wharf_container_services',
    help: 'Container services by status',
    labelNames: ['status'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await deps.sources.containerStatusCounts())
        this.set({ status: row.status }, row.count);
    },
  });
  new Gauge({
    name: 'wharf_container_backends',
    help: 'Container replicas by load-balancer health',
    labelNames: ['health'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await deps.sources.backendHealthCounts())
        this.set({ health: row.health }, row.count);
    },
  });
  new Gauge({
    name: 'wharf_broker_last_sync_success',
    help: '1 when the broker catalog last synced fine, 0 when it failed (absent before any sync)',
    labelNames: ['broker'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await deps.sources.brokerSyncStates())
        if (row.ok !== null) this.set({ broker: row.broker }, row.ok ? 1 : 0);
    },
  });

  new Gauge({
    name: 'wharf_needs_attention',
    help: 'Failed or stuck instance operations, brokers whose last sync failed, failed or degraded container services',
    labelNames: ['kind'],
    registers: [registry],
    async collect() {
      this.reset();
      for (const row of await deps.sources.attentionCounts())
        this.set({ kind: row.kind }, row.count);
    },
  });

  deps.changes.subscribe((change) => {
    if (change.topic !== 'job' || change.detail?.['state'] !== 'failed') return;
    const kind = change.detail['kind'];
    jobFailures.inc({ kind: typeof kind === 'string' ? kind : 'unknown' });
  });

  const httpTimer: RequestHandler = (req: Request, res: Response, next: NextFunction) => {
    const end = httpDuration.startTimer();
    res.on('finish', () => {
      end({ method: req.method, route: routeTemplate(req), status: String(res.statusCode) });
    });
    next();
  };

  const endpoint: RequestHandler = async (req, res) => {
    const token = bearerOf(req);
    const byScrapeToken =
      deps.scrapeToken !== undefined &&
      deps.scrapeToken !== '' &&
      token !== undefined &&
      sameToken(token, deps.scrapeToken);
    if (!byScrapeToken) {
      // Anonymous 401, bad token 401, non-admin 403: the API's own guards and error bodies.
      const ctx = requireAuthContext(req);
      if (!isAdmin(ctx)) throw new CfError('NotAuthorized');
    }
    res.setHeader('Content-Type', registry.contentType);
    res.send(await registry.metrics());
  };

  return {
    httpTimer,
    endpoint,
    registry,
    recorder: {
      reconcilePass: (seconds) => {
        reconcileDuration.observe(seconds);
      },
      brokerRequest: (broker, outcome, seconds) => {
        brokerDuration.observe({ broker, outcome }, seconds);
      },
    },
  };
}
