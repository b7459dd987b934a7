import { CfError } from '../../../src/http/cf-errors';
import { presentJob, toJobStatus, toJobFailure } from '../../../src/jobs';
import type { CfJobStatus, JobFailure, JobState } from '../../../src/jobs';
import { parseJobFailure, serializeJobFailure } from '../../../src/jobs/job-failure';

describe('toJobStatus', () => {
  it.each<[JobState, CfJobStatus]>([
    ['pending', 'queued'],
    ['running', 'running'],
    ['succeeded', 'finished'],
    ['failed', 'failed'],
  ])('%s is CC status %s', (state, status) => {
    expect(toJobStatus(state)).toBe(status);
  });
});

const GUID = '7a1f3e4c-0000-4000-8000-000000000001';
const CREATED = '2026-03-01T10:00:00Z';
const failure: JobFailure = { code: 60016, errorCode: 'CF-X', description: 'it broke' };

describe('presentJob', () => {
  it.each<[string, JobState, JobFailure | null, object]>([
    ['a queued job', 'pending', null, { guid: GUID, status: 'queued' }],
    [
      'a finished job, even with an old failure',
      'succeeded',
      failure,
      { guid: GUID, status: 'finished' },
    ],
    [
      'a failed job with its failure as error_details',
      'failed',
      failure,
      {
        guid: GUID,
        status: 'failed',
        error: 'Use of entity>error is deprecated in favor of entity>error_details.',
        error_details: { code: 60016, description: 'it broke', error_code: 'CF-X' },
      },
    ],
    [
      'a failed job without a failure as UnknownError',
      'failed',
      null,
      {
        guid: GUID,
        status: 'failed',
        error: 'Use of entity>error is deprecated in favor of entity>error_details.',
        error_details: {
          code: 10001,
          description: 'An unknown error occurred.',
          error_code: 'UnknownError',
        },
      },
    ],
  ])('presents %s', (_label, state, jobFailure, entity) => {
    expect(presentJob({ guid: GUID, createdAt: CREATED, state, failure: jobFailure })).toEqual({
      metadata: { guid: GUID, created_at: CREATED, url: `/v2/jobs/${GUID}` },
      entity,
    });
  });
});

describe('toJobFailure', () => {
  it.each<[string, unknown, JobFailure]>([
    [
      'a CF error keeps its code and name',
      new CfError('NotAuthorized'),
      {
        code: 10003,
        errorCode: 'CF-NotAuthorized',
        description: 'You are not authorized to perform the requested action',
      },
    ],
    [
      'any other error is UnknownError with its message',
      new Error('socket hang up'),
      { code: 10001, errorCode: 'UnknownError', description: 'socket hang up' },
    ],
    [
      'a thrown non-error is UnknownError with its text',
      'plain',
      { code: 10001, errorCode: 'UnknownError', description: 'plain' },
    ],
  ])('%s', (_label, err, expected) => {
    expect(toJobFailure(err)).toEqual(expected);
  });
});

describe('parseJobFailure', () => {
  it.each<[string, string | null, JobFailure | null]>([
    ['no failure', null, null],
    ['a typed failure', serializeJobFailure(failure), failure],
    [
      'a CF wire body stored before failures were typed',
      '{"code":60016,"error_code":"CF-X","description":"it broke"}',
      failure,
    ],
    [
      'plain text stored before failures were typed',
      'no handler for x',
      { code: 10001, errorCode: 'UnknownError', description: 'no handler for x' },
    ],
    [
      'JSON of another shape',
      '{"message":"x"}',
      { code: 10001, errorCode: 'UnknownError', description: '{"message":"x"}' },
    ],
  ])('reads %s', (_label, stored, expected) => {
    expect(parseJobFailure(stored)).toEqual(expected);
  });
});
