import type { Knex } from '../db/knex';
import type { SecretBox } from '../secrets';
import type { ContainerCatalog } from './catalog-source';
import type { ContainerEngine } from './engine';
import { OsbStore } from './store';

export interface BrokerSettings {
  /**
   * How long a request without `accepts_incomplete=true` waits for the container service; past
   * it, what was made is removed and the answer is 422 AsyncRequired (nothing changed, §1).
   */
  syncTimeoutMs: number;
  /** Interval between looks at the engine while a synchronous request waits. */
  pollMs: number;
  /** How long finished operations of deleted instances and bindings stay answerable. */
  operationRetentionMs: number;
}

export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}

/** Everything the broker's actions share; built once by `createOsbBroker`. */
export interface BrokerContext {
  knex: Knex;
  box: SecretBox;
  store: OsbStore;
  catalog: ContainerCatalog;
  engine: ContainerEngine;
  settings: BrokerSettings;
  clock: Clock;
  newSecret(): string;
}

/** Runs `work` in one transaction of the broker's tables. */
export function inBrokerTransaction<T>(
  ctx: BrokerContext,
  work: (store: OsbStore) => Promise<T>,
): Promise<T> {
  return OsbStore.transaction(ctx.knex, ctx.box, work);
}
