import { toCfTimestamp } from '../http/envelope';
import type { Job, JobState } from './types';

export type CfJobStatus = 'queued' | 'running' | 'finished' | 'failed';

/** CC's job statuses (cf-v2-api.md §1.9) from the queue's states. */
export function toJobStatus(state: JobState): CfJobStatus {
  switch (state) {
    case 'pending':
      return 'queued';
    case 'running':
      return 'running';
    case 'succeeded':
      return 'finished';
    case 'failed':
      return 'failed';
  }
}

const UNKNOWN_FAILURE = {
  code: 10001,
  errorCode: 'UnknownError',
  description: 'An unknown error occurred.',
};

/** A job resource: `metadata` has guid, created_at and url only (cf-v2-api.md §1.1). */
export function presentJob(job: Pick<Job, 'guid' | 'createdAt' | 'state' | 'failure'>): object {
  const status = toJobStatus(job.state);
  const entity: Record<string, unknown> = { guid: job.guid, status };
  if (status === 'failed') {
    const failure = job.failure ?? UNKNOWN_FAILURE;
    entity.error = 'Use of entity>error is deprecated in favor of entity>error_details.';
    entity.error_details = {
      code: failure.code,
      description: failure.description,
      error_code: failure.errorCode,
    };
  }
  return {
    metadata: {
      guid: job.guid,
      created_at: toCfTimestamp(job.createdAt),
      url: `/v2/jobs/${job.guid}`,
    },
    entity,
  };
}
