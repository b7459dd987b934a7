import type { ApplyProgress } from '../../src/containers/drivers/driver';
import { toStatusReport } from '../../src/containers/status-report';
import type { ServiceStatus } from '../../src/containers/types';

const converged: ApplyProgress = { phase: 'converged' };
const scaling: ApplyProgress = { phase: 'scaling', ready: 1, desired: 3 };
const rolling: ApplyProgress = { phase: 'rolling', ready: 2, desired: 3, previousImage: 'web:1' };

describe('toStatusReport', () => {
  it.each<[string, ServiceStatus, ApplyProgress, string[], ServiceStatus, string]>([
    ['converged', 'updating', converged, [], 'active', 'Scaling complete'],
    [
      'converged with a note',
      'created',
      converged,
      ["CPU limit clamped to the host's 2 CPUs"],
      'active',
      "Scaling complete (CPU limit clamped to the host's 2 CPUs)",
    ],
    [
      'converged with two notes',
      'updating',
      converged,
      ['a', 'b'],
      'active',
      'Scaling complete (a; b)',
    ],
    ['a failed service converging again', 'failed', converged, [], 'active', 'Scaling complete'],
    ['a new service scaling', 'created', scaling, [], 'updating', 'Scaling 1/3'],
    ['an updating service scaling', 'updating', scaling, [], 'updating', 'Scaling 1/3'],
    ['a failed service scaling again', 'failed', scaling, [], 'updating', 'Scaling 1/3'],
    ['a rolling update', 'updating', rolling, [], 'updating', 'Rolling update 2/3'],
    [
      'an active service repairing itself keeps its status and message',
      'active',
      scaling,
      [],
      'active',
      'was fine',
    ],
    [
      'an active service rolling keeps its status and message',
      'active',
      rolling,
      [],
      'active',
      'was fine',
    ],
  ])('%s', (_name, status, progress, notes, expectedStatus, expectedMessage) => {
    expect(toStatusReport({ status, message: 'was fine' }, progress, notes)).toEqual({
      status: expectedStatus,
      message: expectedMessage,
    });
  });
});
