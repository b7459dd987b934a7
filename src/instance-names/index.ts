/**
 * One name space per space for service instances (CC keeps managed and user-provided instances
 * in one table, and shared-in instances count too): the claims table every instance kind writes
 * in the transaction that creates or renames it.
 */
export { claimInstanceName, renameInstanceClaim } from './store';
export type { NameHolder } from './store';
