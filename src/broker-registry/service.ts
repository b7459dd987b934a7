import { isAdmin, readsEverything } from '../auth';
import type { AuthContext } from '../auth';
import type { BrokerCatalogs } from '../catalog';
import type { FeatureFlagsService } from '../feature-flags';
import type { Clock } from '../clock';
import type { ChangeAction, ChangeFeed } from '../changes';
import { isUniqueViolation } from '../db/knex';
import type { PageRequest } from '../db/page-request';
import type { Paged } from '../db/paging';
import { CfError } from '../http/cf-errors';
import type { OrgsService, Space } from '../orgs';
import type { ExistingBrokerCatalog, OsbCatalog } from '../osb-catalog';
import type { BrokerConnection, OsbCallContext } from '../osb-client';
import type { SecretBox } from '../secrets';
import { checkBrokerUrl } from './broker-url';
import type { BrokerFields, BrokersStore } from './store';
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

/** Register a broker: in Wharf's words, whatever wire (v2 body, CLI arguments) it came from. */
export interface RegisterBrokerCommand {
  name: string;
  brokerUrl: string;
  authUsername: string;
  authPassword: string;
  /** A space-scoped (private) broker; absent for a global one. */
  spaceGuid?: string;
  /** This broker's request timeout; absent means the installation's default. */
  timeoutSeconds?: number;
}

/** Change some of a broker's settings; anything but the name refetches the catalog. */
export interface UpdateBrokerCommand {
  name?: string;
  brokerUrl?: string;
  authUsername?: string;
  authPassword?: string;
  /** null goes back to the installation's default. */
  timeoutSeconds?: number | null;
}

export interface BrokerResult {
  broker: RegisteredBroker;
  warnings: string[];
}

export interface BrokersServiceDeps {
  store: BrokersStore;
  fetcher: CatalogFetcher;
  validate: CatalogValidator;
  secrets: SecretBox;
  orgs: OrgsService;
  flags: FeatureFlagsService;
  /** Each broker's services and plans (the catalog module's door for them). */
  catalogs: BrokerCatalogs;
  changes: ChangeFeed;
  clock: Clock;
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

  constructor(private readonly deps: BrokersServiceDeps) {
    this.store = deps.store;
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
      name: broker.name,
      timeoutMs: broker.timeoutSeconds === null ? undefined : broker.timeoutSeconds * 1000,
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

  /** Only the name and state go out: never the URL's secrets or the password. */
  private publish(action: ChangeAction, broker: RegisteredBroker): void {
    this.deps.changes.publish({
      topic: 'broker',
      action,
      id: broker.guid,
      detail: { name: broker.name },
    });
  }

  async register(
    caller: BrokerCaller,
    command: RegisterBrokerCommand,
    ctx: OsbCallContext,
  ): Promise<BrokerResult> {
    // Access first, as CC's controller does: a caller who may not register learns nothing else.
    const space = await this.authorize(caller, command.spaceGuid);
    const brokerUrl = checkBrokerUrl(command.brokerUrl);
    // Cheap check first so a taken name never costs a call to the broker; the unique index below
    // is the race-proof guard.
    if (await this.store.findByName(command.name)) throw new CfError('ServiceBrokerNameTaken');
    const conn = {
      url: brokerUrl,
      username: command.authUsername,
      password: command.authPassword,
      name: command.name,
      timeoutMs: command.timeoutSeconds === undefined ? undefined : command.timeoutSeconds * 1000,
    };
    const catalog = await this.fetchValidCatalog(conn, ctx);
    const fields: BrokerFields = {
      name: command.name,
      brokerUrl,
      authUsername: command.authUsername,
      authPasswordEncrypted: this.deps.secrets.encrypt(command.authPassword),
      spaceId: space?.id ?? null,
      timeoutSeconds: command.timeoutSeconds ?? null,
    };
    const { id, guid, warnings } = await this.store.transaction(async (store, trx) => {
      const created = await store.insert(fields).catch(rethrowNameTaken);
      const outcome = await this.deps.catalogs.sync(trx, {
        brokerId: created.id,
        brokerUrl,
        entries: toSyncEntries(catalog),
      });
      return { id: created.id, guid: created.guid, warnings: outcome.warnings };
    });
    await this.store.recordSync(id, { at: this.deps.clock.now(), ok: true, error: null });
    const broker = await this.require(guid);
    this.publish('created', broker);
    return { broker, warnings };
  }

  async update(
    caller: BrokerCaller,
    guid: string,
    command: UpdateBrokerCommand,
    ctx: OsbCallContext,
  ): Promise<BrokerResult> {
    // CC answers a bare 404 for PUT on an unknown broker (cf-v2-api.md §3.3).
    const broker = await this.require(guid, 'NotFound');
    await this.authorize(caller, broker.spaceGuid ?? undefined);
    const brokerUrl =
      command.brokerUrl === undefined ? undefined : checkBrokerUrl(command.brokerUrl);
    const fields: Partial<BrokerFields> = {
      name: command.name,
      brokerUrl,
      authUsername: command.authUsername,
      authPasswordEncrypted:
        command.authPassword === undefined
          ? undefined
          : this.deps.secrets.encrypt(command.authPassword),
      timeoutSeconds: command.timeoutSeconds,
    };
    const onlyName =
      brokerUrl === undefined &&
      command.authUsername === undefined &&
      command.authPassword === undefined;
    const catalog = onlyName
      ? undefined
      : await this.fetchValidCatalog(
          {
            ...this.connectionOf(broker),
            url: brokerUrl ?? broker.brokerUrl,
            username: command.authUsername ?? broker.authUsername,
            password: command.authPassword ?? this.connectionOf(broker).password,
          },
          ctx,
          broker,
        );
    const warnings = await this.store.transaction(async (store, trx) => {
      await store.update(broker.id, fields).catch(rethrowNameTaken);
      if (catalog === undefined) return [];
      return (
        await this.deps.catalogs.sync(trx, {
          brokerId: broker.id,
          brokerUrl: brokerUrl ?? broker.brokerUrl,
          entries: toSyncEntries(catalog),
        })
      ).warnings;
    });
    if (catalog !== undefined)
      await this.store.recordSync(broker.id, { at: this.deps.clock.now(), ok: true, error: null });
    const updated = await this.require(guid);
    this.publish('updated', updated);
    return { broker: updated, warnings };
  }

  /**
   * Refetches and syncs the catalog with the stored settings (`wharf broker sync`, the dashboard's
   * re-sync, the schedule). The outcome is recorded either way; a failed sync changes no offering.
   */
  async sync(guid: string, ctx: OsbCallContext): Promise<BrokerResult> {
    const broker = await this.require(guid);
    let outcome: { warnings: string[] };
    try {
      const catalog = await this.fetchValidCatalog(this.connectionOf(broker), ctx, broker);
      outcome = await this.store.transaction((_store, trx) =>
        this.deps.catalogs.sync(trx, {
          brokerId: broker.id,
          brokerUrl: broker.brokerUrl,
          entries: toSyncEntries(catalog),
        }),
      );
    } catch (err) {
      const error = err instanceof Error ? err.message : 'the sync failed';
      await this.store.recordSync(broker.id, { at: this.deps.clock.now(), ok: false, error });
      this.publish('updated', broker);
      throw err;
    }
    await this.store.recordSync(broker.id, { at: this.deps.clock.now(), ok: true, error: null });
    this.publish('updated', broker);
    return { broker: await this.require(guid), warnings: outcome.warnings };
  }

  async remove(caller: BrokerCaller, guid: string): Promise<void> {
    const broker = await this.require(guid, 'NotFound');
    await this.authorize(caller, broker.spaceGuid ?? undefined);
    await this.store.transaction(async (store, trx) => {
      if ((await store.countInstances(broker.id)) > 0)
        throw new CfError('ServiceBrokerNotRemovable', broker.name);
      await this.deps.catalogs.remove(trx, broker.id);
      await store.delete(broker.id);
    });
    this.publish('deleted', broker);
  }

  async findByName(name: string): Promise<RegisteredBroker | undefined> {
    return this.store.findByName(name);
  }

  all(): Promise<RegisteredBroker[]> {
    return this.store.all();
  }

  /** Brokers whose last catalog sync failed: they need an operator's look. */
  withFailedSync(): Promise<RegisteredBroker[]> {
    return this.store.withFailedSync();
  }
}
