import { isAdmin, readsEverything } from '../auth/auth-context';
import type { AuthContext } from '../auth/auth-context';
import { removeBrokerCatalog, syncBrokerCatalog } from '../catalog';
import type { FeatureFlagsService } from '../catalog';
import type { Knex } from '../db/knex';
import { isUniqueViolation } from '../db/knex';
import type { Paged } from '../db/paging';
import { inTransaction } from '../db/transaction';
import { CfError } from '../http/cf-errors';
import type { PageRequest } from '../db/page-request';
import type { OrgsService, Space } from '../orgs';
import type { SecretBox } from '../secrets/secret-box';
import { checkBrokerUrl } from './broker-url';
import type { ExistingBrokerCatalog, OsbCatalog } from '../osb-catalog';
import type { BrokerConnection, OsbCallContext } from '../osb-client';
import type { CreateBrokerBody, UpdateBrokerBody } from './schemas';
import { BrokersStore } from './store';
import type { BrokerFields } from './store';
import { toSyncEntries } from './to-sync-entries';
import type { RegisteredBroker } from './types';

export interface CatalogFetcher {
  /** GET {broker_url}/v2/catalog; throws the broker-layer error when the broker misbehaves. */
  fetchCatalog(conn: BrokerConnection, ctx: OsbCallContext): Promise<unknown>;
}

export type CatalogValidation = { ok: true; catalog: OsbCatalog } | { ok: false; problems: string };
/** `existing`: what the registry holds for the broker being updated (absent on create). */
export type CatalogValidator = (
  raw: unknown,
  existing?: ExistingBrokerCatalog,
) => CatalogValidation;

export interface BrokerResult {
  broker: RegisteredBroker;
  warnings: string[];
}

/**
 * A unique violation on the broker row is its name (the race-proof guard behind CC's 270002); a
 * violation anywhere else in the transaction (the catalog sync) is not about the name.
 */
function rethrowNameTaken(err: unknown): never {
  throw isUniqueViolation(err) ? new CfError('ServiceBrokerNameTaken') : err;
}

/** `null` caller = the operator's CLI, which acts as admin. */
export type BrokerCaller = AuthContext | null;

/** The broker registry: validate, fetch the catalog outside any transaction, then save and sync in one. */
export class BrokersService {
  private readonly store: BrokersStore;

  constructor(
    private readonly knex: Knex,
    private readonly deps: {
      fetcher: CatalogFetcher;
      validate: CatalogValidator;
      secrets: SecretBox;
      orgs: OrgsService;
      flags: FeatureFlagsService;
    },
  ) {
    this.store = new BrokersStore(knex);
  }

  async list(ctx: AuthContext, query: PageRequest): Promise<Paged<RegisteredBroker>> {
    return this.store.list(query, readsEverything(ctx) ? undefined : ctx.userGuid);
  }

  async require(
    guid: string,
    notFound: 'ServiceBrokerNotFound' | 'NotFound' = 'ServiceBrokerNotFound',
  ): Promise<RegisteredBroker> {
    const broker = await this.store.find(guid);
    if (!broker)
      throw notFound === 'NotFound'
        ? new CfError('NotFound')
        : new CfError('ServiceBrokerNotFound', guid);
    return broker;
  }

  async get(ctx: AuthContext, guid: string): Promise<RegisteredBroker> {
    const broker = await this.require(guid);
    if (!readsEverything(ctx) && !(await this.isDeveloperOfBrokerSpace(ctx, broker)))
      throw new CfError('NotAuthorized');
    return broker;
  }

  private async isDeveloperOfBrokerSpace(
    ctx: AuthContext,
    broker: RegisteredBroker,
  ): Promise<boolean> {
    if (broker.spaceGuid === null) return false;
    return this.deps.orgs.isSpaceDeveloper(
      ctx,
      await this.deps.orgs.requireSpace(broker.spaceGuid),
    );
  }

  /** Admin for global brokers; space developers for their space's brokers while the flag is on. */
  private async authorize(
    caller: BrokerCaller,
    spaceGuid: string | undefined,
  ): Promise<Space | undefined> {
    const space = spaceGuid === undefined ? undefined : await this.findSpace(spaceGuid);
    if (caller === null || isAdmin(caller)) return space;
    if (space === undefined || !(await this.deps.orgs.isSpaceDeveloper(caller, space)))
      throw new CfError('NotAuthorized');
    await this.deps.flags.require('space_scoped_private_broker_creation');
    return space;
  }

  private async findSpace(guid: string): Promise<Space> {
    try {
      return await this.deps.orgs.requireSpace(guid);
    } catch (err) {
      // Only "no such space" becomes CC's 10010; anything else (the database) stays what it is.
      if (err instanceof CfError && err.errorCode === 'CF-SpaceNotFound')
        throw new CfError('ResourceNotFound', 'Space not found');
      throw err;
    }
  }

  connectionOf(broker: RegisteredBroker): BrokerConnection {
    return {
      url: broker.brokerUrl,
      username: broker.authUsername,
      password: this.deps.secrets.decrypt(broker.authPasswordEncrypted),
    };
  }

  /** `current`: the broker being updated or synced, whose stored catalog the rules also check against. */
  private async fetchValidCatalog(
    conn: BrokerConnection,
    ctx: OsbCallContext,
    current?: RegisteredBroker,
  ): Promise<OsbCatalog> {
    const raw = await this.deps.fetcher.fetchCatalog(conn, ctx);
    const existing = current === undefined ? undefined : await this.store.existingCatalog(current);
    const result = this.deps.validate(raw, existing);
    if (!result.ok) throw new CfError('ServiceBrokerCatalogInvalid', result.problems);
    return result.catalog;
  }

  async register(
    caller: BrokerCaller,
    body: CreateBrokerBody,
    ctx: OsbCallContext,
  ): Promise<BrokerResult> {
    // Access first, as CC's controller does: a caller who may not register learns nothing else.
    const space = await this.authorize(caller, body.space_guid);
    const brokerUrl = checkBrokerUrl(body.broker_url);
    // Cheap check first so a taken name never costs a call to the broker; the unique index below
    // is the race-proof guard.
    if (await this.store.findByName(body.name)) throw new CfError('ServiceBrokerNameTaken');
    const conn = { url: brokerUrl, username: body.auth_username, password: body.auth_password };
    const catalog = await this.fetchValidCatalog(conn, ctx);
    const fields: BrokerFields = {
      name: body.name,
      brokerUrl,
      authUsername: body.auth_username,
      authPasswordEncrypted: this.deps.secrets.encrypt(body.auth_password),
      spaceId: space?.id ?? null,
    };
    const { guid, warnings } = await inTransaction(this.knex, async (trx) => {
      const created = await new BrokersStore(trx).insert(fields).catch(rethrowNameTaken);
      const outcome = await syncBrokerCatalog(trx, created.id, brokerUrl, toSyncEntries(catalog));
      return { guid: created.guid, warnings: outcome.warnings };
    });
    return { broker: await this.require(guid), warnings };
  }

  async update(
    caller: BrokerCaller,
    guid: string,
    body: UpdateBrokerBody,
    ctx: OsbCallContext,
  ): Promise<BrokerResult> {
    // CC answers a bare 404 for PUT on an unknown broker (cf-v2-api.md §3.3).
    const broker = await this.require(guid, 'NotFound');
    await this.authorize(caller, broker.spaceGuid ?? undefined);
    const brokerUrl = body.broker_url === undefined ? undefined : checkBrokerUrl(body.broker_url);
    const fields: Partial<BrokerFields> = {
      name: body.name,
      brokerUrl,
      authUsername: body.auth_username,
      authPasswordEncrypted:
        body.auth_password === undefined
          ? undefined
          : this.deps.secrets.encrypt(body.auth_password),
    };
    const onlyName =
      brokerUrl === undefined &&
      body.auth_username === undefined &&
      body.auth_password === undefined;
    const catalog = onlyName
      ? undefined
      : await this.fetchValidCatalog(
          {
            url: brokerUrl ?? broker.brokerUrl,
            username: body.auth_username ?? broker.authUsername,
            password: body.auth_password ?? this.connectionOf(broker).password,
          },
          ctx,
          broker,
        );
    const warnings = await inTransaction(this.knex, async (trx) => {
      await new BrokersStore(trx).update(broker.id, fields).catch(rethrowNameTaken);
      if (catalog === undefined) return [];
      return (
        await syncBrokerCatalog(
          trx,
          broker.id,
          brokerUrl ?? broker.brokerUrl,
          toSyncEntries(catalog),
        )
      ).warnings;
    });
    return { broker: await this.require(guid), warnings };
  }

  /** Refetches and syncs the catalog with the stored settings (`wharf broker sync`). */
  async sync(guid: string, ctx: OsbCallContext): Promise<BrokerResult> {
    const broker = await this.require(guid);
    const catalog = await this.fetchValidCatalog(this.connectionOf(broker), ctx, broker);
    const outcome = await inTransaction(this.knex, (trx) =>
      syncBrokerCatalog(trx, broker.id, broker.brokerUrl, toSyncEntries(catalog)),
    );
    return { broker, warnings: outcome.warnings };
  }

  async remove(caller: BrokerCaller, guid: string): Promise<void> {
    const broker = await this.require(guid, 'NotFound');
    await this.authorize(caller, broker.spaceGuid ?? undefined);
    await inTransaction(this.knex, async (trx) => {
      const store = new BrokersStore(trx);
      if ((await store.countInstances(broker.id)) > 0)
        throw new CfError('ServiceBrokerNotRemovable', broker.name);
      await removeBrokerCatalog(trx, broker.id);
      await store.delete(broker.id);
    });
  }

  async findByName(name: string): Promise<RegisteredBroker | undefined> {
    return this.store.findByName(name);
  }

  all(): Promise<RegisteredBroker[]> {
    return this.store.all();
  }
}
