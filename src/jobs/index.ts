import os from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Router } from 'express';
import type { Logger } from 'pino';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import { JobQueue } from './queue';
import { createJobRoutes } from './routes';
import { KnexJobStore } from './store';
import type { JobStore } from './types';

export { JobQueue } from './queue';
export type { JobContext, JobHandler, JobResult, KindOptions, JobQueueSettings } from './queue';
export { failureOf, toJobFailure } from './job-failure';
export { presentJob, toJobStatus } from './presenter';
export type { CfJobStatus } from './presenter';
export type { Job, JobFailure, JobOutcome, JobState, JobStore, NewJob } from './types';
export { KnexJobStore, resourcesWithLiveJobs } from './store';

export interface JobsModule {
  queue: JobQueue;
  /** Jobs per kind and state, for metrics. */
  counts(): Promise<{ kind: string; state: string; count: number }[]>;
  /** `GET /v2/jobs/:guid`. */
  router: Router;
}

export interface JobsModuleDeps {
  knex: Db;
  clock: Clock;
  changes: ChangeFeed;
  logger: Logger;
  settings: {
    tickMs: number;
    leaseMs: number;
    retentionMs: number;
    /** Defaults to host, pid and a random suffix: unique per process. */
    workerId?: string;
  };
  /** Specs may hand in their own store. */
  store?: JobStore;
}

export function newWorkerId(): string {
  return `${os.hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** The jobs feature's one door: the queue and its route. */
export function createJobsModule(deps: JobsModuleDeps): JobsModule {
  const store = deps.store ?? new KnexJobStore(deps.knex);
  const queue = new JobQueue(store, deps.clock, deps.changes, deps.logger, {
    ...deps.settings,
    workerId: deps.settings.workerId ?? newWorkerId(),
  });
  return {
    queue,
    counts: () => store.countsByKindAndState(),
    router: createJobRoutes(queue),
  };
}
