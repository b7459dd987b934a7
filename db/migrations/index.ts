import type { Knex } from 'knex';
import * as createUsersAndOrgs from './20261123090000_create_users_orgs_spaces';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Every migration, in order. An explicit list (rather than a directory scan) works the same from
 * ts-jest and from the compiled dist/ tree. Append new migrations at the end.
 */
export const migrations: ReadonlyArray<readonly [string, Migration]> = [
  ['20261123090000_create_users_orgs_spaces', createUsersAndOrgs],
];
