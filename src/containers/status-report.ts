import type { ApplyProgress } from './drivers/driver';
import type { ServiceStatus } from './types';

export interface StatusReport {
  status: ServiceStatus;
  message: string;
}

/**
 * A driver's progress → the service's Status and Message. An active service repairing itself
 * (a replica died, the LB was removed) stays active with its message (reference §4); anything
 * else shows how far it got.
 */
export function toStatusReport(
  record: { status: ServiceStatus; message: string },
  progress: ApplyProgress,
  notes: readonly string[],
): StatusReport {
  switch (progress.phase) {
    case 'converged': {
      // An active service keeps its message: "Scaling complete", or why an update was rolled back.
      if (record.status === 'active') return { status: 'active', message: record.message };
      const suffix = notes.length > 0 ? ` (${notes.join('; ')})` : '';
      return { status: 'active', message: `Scaling complete${suffix}` };
    }
    case 'scaling':
      return inProgress(record, `Scaling ${progress.ready}/${progress.desired}`);
    case 'rolling':
      return inProgress(record, `Rolling update ${progress.ready}/${progress.desired}`);
  }
}

function inProgress(
  record: { status: ServiceStatus; message: string },
  message: string,
): StatusReport {
  if (record.status === 'active') return { status: 'active', message: record.message };
  return { status: 'updating', message };
}
