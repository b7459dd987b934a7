import type { AttentionBounds } from './store';

/** How long an operation may stay in progress before it needs a look. */
export interface AttentionSettings {
  /** In progress longer than this: stuck, even with a job working on it. */
  stuckAfterMs: number;
  /** In progress this long with no pending or running job: orphaned. */
  orphanedAfterMs: number;
}

/**
 * Ten minutes is longer than any healthy broker or container operation Wharf polls; a minute
 * without any job covers the moment between recording an operation and queueing its job.
 */
export const DEFAULT_ATTENTION: AttentionSettings = {
  stuckAfterMs: 10 * 60 * 1000,
  orphanedAfterMs: 60 * 1000,
};

/** The bounds of `InstancesStore.needingAttention` as seen at `now`. */
export function attentionBoundsAt(now: Date, settings: AttentionSettings): AttentionBounds {
  return {
    stuckBefore: new Date(now.getTime() - settings.stuckAfterMs),
    orphanedBefore: new Date(now.getTime() - settings.orphanedAfterMs),
  };
}
