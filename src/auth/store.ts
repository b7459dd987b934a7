import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { applyFilters, whereMatches } from '../db/apply-filters';
import type { FilterColumns } from '../db/apply-filters';
import type { Db, Knex } from '../db/knex';
import type { FilterOperator, PageRequest } from '../db/page-request';
import { pageOf } from '../db/paging';
import type { Paged } from '../db/paging';
import { currentTimestamp, fromDbTimestamp } from '../db/timestamps';
import type { OAuthClient, User } from './types';

const scopesColumn = z.array(z.string());

interface UserRow {
  id: number;
  guid: string;
  username: string | null;
  email: string | null;
  origin: string;
  password_hash: string | null;
  scopes: string;
  created_at: unknown;
  updated_at: unknown;
}

function toUser(row: UserRow): User {
  return {
    id: row.id,
    guid: row.guid,
    username: row.username,
    email: row.email,
    origin: row.origin,
    scopes: scopesColumn.parse(JSON.parse(row.scopes)),
    createdAt: fromDbTimestamp(row.created_at),
    updatedAt: fromDbTimestamp(row.updated_at),
  };
}

export interface NewUser {
  guid?: string;
  username: string | null;
  email: string | null;
  origin: string;
  passwordHash: string | null;
  scopes: readonly string[];
}

export class UsersStore {
  constructor(private readonly db: Db) {}

  async insert(user: NewUser): Promise<User> {
    const now = currentTimestamp();
    const guid = user.guid ?? randomUUID();
    await this.db('users').insert({
      guid,
      username: user.username,
      email: user.email,
      origin: user.origin,
      password_hash: user.passwordHash,
      scopes: JSON.stringify(user.scopes),
      created_at: now,
      updated_at: now,
    });
    const created = await this.findByGuid(guid);
    if (!created) throw new Error('user vanished after insert');
    return created;
  }

  async findByGuid(guid: string): Promise<User | undefined> {
    const row = await this.db<UserRow>('users').where({ guid }).first();
    return row ? toUser(row) : undefined;
  }

  async findByUsername(
    username: string,
  ): Promise<(User & { passwordHash: string | null }) | undefined> {
    const row = await this.db<UserRow>('users').where({ username }).first();
    return row ? { ...toUser(row), passwordHash: row.password_hash } : undefined;
  }

  async list(): Promise<User[]> {
    const rows = await this.db<UserRow>('users').orderBy('id');
    return rows.map(toUser);
  }

  async count(): Promise<number> {
    const row = await this.db('users').count<{ n: number | string }[]>({ n: '*' }).first();
    return Number(row?.n ?? 0);
  }

  async updatePassword(guid: string, passwordHash: string): Promise<boolean> {
    const n = await this.db('users')
      .where({ guid })
      .update({ password_hash: passwordHash, updated_at: currentTimestamp() });
    return n > 0;
  }

  async delete(guid: string): Promise<boolean> {
    return (await this.db('users').where({ guid }).delete()) > 0;
  }

  async insertClient(
    clientId: string,
    secretHash: string,
    scopes: readonly string[],
  ): Promise<void> {
    const now = currentTimestamp();
    await this.db('oauth_clients').insert({
      guid: randomUUID(),
      client_id: clientId,
      secret_hash: secretHash,
      scopes: JSON.stringify(scopes),
      created_at: now,
      updated_at: now,
    });
  }

  async findClient(clientId: string): Promise<(OAuthClient & { secretHash: string }) | undefined> {
    const row = await this.db<{ client_id: string; secret_hash: string; scopes: string }>(
      'oauth_clients',
    )
      .where({ client_id: clientId })
      .first();
    if (!row) return undefined;
    return {
      clientId: row.client_id,
      secretHash: row.secret_hash,
      scopes: scopesColumn.parse(JSON.parse(row.scopes)),
    };
  }
}

/*
 * Query pieces over `users` for other modules' stores (orgs' membership, role filters and
 * /v2/users), so that only this module reads its table and maps its rows.
 */

/** Ids of the users whose guid is `guid`, as a sub-select (empty when there is none). */
export function userIdsWithGuid(db: Db, guid: string): Knex.QueryBuilder {
  return db('users').select('users.id').where('users.guid', guid);
}

/** Fills `sub` as a sub-select of the ids of users whose guid matches a `q` filter. */
export function selectUserIdsByGuid(
  sub: Knex.QueryBuilder,
  operator: FilterOperator,
  values: readonly string[],
): void {
  void sub.select('users.id').from('users');
  whereMatches(sub, 'users.guid', operator, values);
}

/** Fills `sub` as a sub-select of user ids (e.g. from a role table) matching one filter. */
export type UserIdFilter = (
  sub: Knex.QueryBuilder,
  operator: FilterOperator,
  values: readonly string[],
) => void;

/**
 * A page of users in id order. `filters` are the queryable fields, each narrowing the users by a
 * sub-select of their ids; `onlyIds`, when given, keeps only the users it selects.
 */
export async function pageOfUsers(
  db: Db,
  request: PageRequest,
  filters: Readonly<Record<string, UserIdFilter>>,
  onlyIds?: Knex.QueryBuilder,
): Promise<Paged<User>> {
  const qb = db('users').select('users.*');
  if (onlyIds !== undefined) void qb.whereIn('users.id', onlyIds);
  const columns: FilterColumns = Object.fromEntries(
    Object.entries(filters).map(([field, fill]) => [
      field,
      {
        kind: 'custom',
        apply: (outer: Knex.QueryBuilder, operator: FilterOperator, values: readonly string[]) => {
          void outer.whereIn('users.id', function (this: Knex.QueryBuilder) {
            fill(this, operator, values);
          });
        },
      },
    ]),
  );
  applyFilters(qb, request, columns);
  const { total, rows } = await pageOf<UserRow>(qb, request, 'users.id');
  return { total, items: rows.map(toUser) };
}
