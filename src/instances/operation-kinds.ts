import type { Job, NewJob } from '../jobs';

/**
 * The jobs that record instance and key operations before their first side effect (issue 16).
 * Done inline by the request; if Wharf dies mid-way, the recovery handlers resume them.
 */
export const OPERATION_KINDS = {
  createInstance: 'instance.operation.create',
  updateInstance: 'instance.operation.update',
  deleteInstance: 'instance.operation.delete',
  createKey: 'key.operation.create',
  deleteKey: 'key.operation.delete',
} as const;

export type OperationKind = (typeof OPERATION_KINDS)[keyof typeof OPERATION_KINDS];

/** What the services need of the job queue: do work now, recorded as a resumable job. */
export interface OperationRecorder {
  perform<T>(job: NewJob, work: (job: Job) => Promise<T>): Promise<T>;
}
