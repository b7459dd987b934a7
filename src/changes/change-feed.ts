/**
 * What changed, said once by whoever changed it (services, the reconciler, the job runner) and heard
 * by whoever cares (the reconciler leader, the dashboard's server-sent events, metrics). The port is
 * deliberately small: an in-process emitter today; the scale-out work backs it with the database so
 * a change made in one process reaches the others.
 */
export type ChangeTopic =
  | 'broker'
  | 'service'
  | 'plan'
  | 'visibility'
  | 'feature_flag'
  | 'organization'
  | 'space'
  | 'user'
  | 'service_instance'
  | 'service_key'
  | 'container_service'
  | 'job';

export type ChangeAction = 'created' | 'updated' | 'deleted' | 'status';

export interface Change {
  topic: ChangeTopic;
  action: ChangeAction;
  /** The guid (or container-service id / job guid) of what changed. */
  id: string;
  /** Small, non-secret facts a listener may want without a read (status, state, name). */
  detail?: Readonly<Record<string, string | number | boolean | null>>;
}

export type ChangeListener = (change: Change) => void;

export interface ChangeFeed {
  publish(change: Change): void;
  /** Returns the unsubscribe function. */
  subscribe(listener: ChangeListener): () => void;
}

/** Delivers synchronously to every listener; a throwing listener never hurts the publisher. */
export class InProcessChangeFeed implements ChangeFeed {
  private readonly listeners = new Set<ChangeListener>();

  publish(change: Change): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(change);
      } catch {
        // A listener's bug is the listener's: the change already happened and must not be undone.
      }
    }
  }

  subscribe(listener: ChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }
}

/** For modules built without listeners (CLI commands, unit specs). */
export const silentChangeFeed: ChangeFeed = {
  publish: () => undefined,
  subscribe: () => () => undefined,
};
