import type { ApplyProgress } from './drivers/driver';

/** Message prefix of a service whose update was undone; the bridge and specs read it. */
export const ROLLED_BACK = 'Rolled back to';

/** Replicas of one image that exit this many times before any serves: the image is broken. */
export const MAX_EXITS = 3;

/** A user change being converged, as the reconciler has followed it so far. */
export interface Attempt {
  /** Milliseconds since the change was accepted (stored: survives restarts and failover). */
  elapsedMs: number;
  /** Replicas of the desired image that exited or died meanwhile (stored too). */
  exits: number;
  /** The last cause seen, if any ("replica exited with code 1", "no answer on port 81"). */
  problem: string | undefined;
}

export type HealthVerdict =
  | { kind: 'wait' }
  | { kind: 'fail'; message: string }
  | { kind: 'roll back'; to: string; message: string };

/**
 * Whether a change that has not converged yet is given up (issue 9 "honest health"): its replicas
 * never became healthy within `timeoutMs`, or kept exiting. A rolling update then goes back to the
 * image the old replicas still run; anything else fails with the cause.
 */
export function toHealthVerdict(
  image: string,
  progress: Exclude<ApplyProgress, { phase: 'converged' }>,
  attempt: Attempt,
  timeoutMs: number,
): HealthVerdict {
  const crashing = attempt.exits >= MAX_EXITS;
  if (!crashing && attempt.elapsedMs < timeoutMs) return { kind: 'wait' };
  // Without a cause seen (a restart forgot it), the count or the clock is the cause.
  const cause =
    attempt.problem ??
    (crashing
      ? `replicas exited ${attempt.exits} times`
      : `not healthy within ${Math.round(timeoutMs / 1000)}s of starting`);
  if (progress.phase === 'rolling' && progress.previousImage !== image) {
    return {
      kind: 'roll back',
      to: progress.previousImage,
      message: `${ROLLED_BACK} ${progress.previousImage}: ${image} never became healthy (${cause})`,
    };
  }
  return {
    kind: 'fail',
    message: `Replicas of ${image} never became healthy: ${cause} (${progress.ready}/${progress.desired} ready)`,
  };
}
