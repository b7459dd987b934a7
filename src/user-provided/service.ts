import { isAdmin, hasScope, readsEverything, SCOPES } from '../auth';
import type { AuthContext } from '../auth';
import type { FeatureFlagsService } from '../feature-flags';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import type { Db } from '../db/knex';
import { isUniqueViolation } from '../db/knex';
import type { PageRequest } from '../db/page-request';
import type { Paged } from '../db/paging';
import { CfError } from '../http/cf-errors';
import { spacesVisibleTo } from '../orgs';
import type { OrgsService, Space } from '../orgs';
import type { SecretBox } from '../secrets';
import { REDACTED } from './presenter';
import type { Credentials } from './presenter';
import type { CreateUserProvidedBody, UpdateUserProvidedBody } from './schemas';
import type { UserProvidedStore } from './store';
import type { UserProvidedInstance } from './types';
import { checkNameLength, checkNameNotEmpty, checkRouteServiceUrl, checkTags } from './validation';

/** User-provided service instances (`/v2/user_provided_service_instances`) with CC's rules. */
export class UserProvidedService {
  constructor(
    private readonly db: Db,
    private readonly store: UserProvidedStore,
    private readonly orgs: OrgsService,
    private readonly flags: FeatureFlagsService,
    private readonly secrets: SecretBox,
    private readonly clock: Clock,
    private readonly changes: ChangeFeed,
  ) {}

  list(ctx: AuthContext, request: PageRequest): Promise<Paged<UserProvidedInstance>> {
    const visible = readsEverything(ctx)
      ? undefined
      : spacesVisibleTo(this.db, { userGuid: ctx.userGuid });
    return this.store.list(request, visible);
  }

  /** The space's own; the caller's right to see the space is checked by whoever lists it. */
  listInSpace(space: Space, request: PageRequest): Promise<Paged<UserProvidedInstance>> {
    return this.store.list(request, undefined, space.id);
  }

  async require(guid: string): Promise<UserProvidedInstance> {
    const instance = await this.store.find(guid);
    if (!instance) throw new CfError('UserProvidedServiceInstanceNotFound', guid);
    return instance;
  }

  find(guid: string): Promise<UserProvidedInstance | undefined> {
    return this.store.find(guid);
  }

  async get(ctx: AuthContext, guid: string): Promise<UserProvidedInstance> {
    const instance = await this.require(guid);
    if (!(await this.orgs.canSeeSpace(ctx, await this.orgs.requireSpace(instance.spaceGuid))))
      throw new CfError('NotAuthorized');
    return instance;
  }

  /** Credentials are shown to admins, admin_read_only and the space's developers (cf-v2-api.md §2.2). */
  async credentialsFor(ctx: AuthContext, instance: UserProvidedInstance): Promise<Credentials> {
    const space = await this.orgs.requireSpace(instance.spaceGuid);
    const shown =
      isAdmin(ctx) ||
      hasScope(ctx, SCOPES.adminReadOnly) ||
      (await this.orgs.isSpaceDeveloper(ctx, space));
    if (!shown) return REDACTED;
    const parsed: unknown = JSON.parse(this.secrets.decrypt(instance.credentialsEncrypted));
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? Object.fromEntries(Object.entries(parsed))
      : {};
  }

  private async assertMayWrite(ctx: AuthContext, space: Space): Promise<void> {
    if (isAdmin(ctx)) return;
    if (!(await this.orgs.isSpaceDeveloper(ctx, space))) throw new CfError('NotAuthorized');
  }

  async create(ctx: AuthContext, body: CreateUserProvidedBody): Promise<UserProvidedInstance> {
    const space = await this.orgs.requireSpace(body.space_guid).catch(() => {
      throw new CfError('InvalidRelation', `Could not find Space with guid: ${body.space_guid}`);
    });
    await this.assertMayWrite(ctx, space);
    if (!isAdmin(ctx)) await this.flags.require('service_instance_creation');
    checkNameNotEmpty(body.name);
    if (await this.store.nameTaken(space.id, body.name))
      throw new CfError('ServiceInstanceNameTaken', body.name);
    checkNameLength(body.name);
    checkTags(body.tags, body.name);
    checkRouteServiceUrl(body.route_service_url);
    let guid: string;
    try {
      guid = await this.store.insert(
        {
          name: body.name,
          spaceId: space.id,
          credentialsEncrypted: this.secrets.encrypt(JSON.stringify(body.credentials ?? {})),
          syslogDrainUrl: body.syslog_drain_url ?? '',
          routeServiceUrl: body.route_service_url ?? '',
          tags: body.tags ?? [],
        },
        this.clock.now(),
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw new CfError('ServiceInstanceNameTaken', body.name);
      throw err;
    }
    this.changes.publish({ topic: 'service_instance', action: 'created', id: guid });
    return this.require(guid);
  }

  async update(
    ctx: AuthContext,
    guid: string,
    body: UpdateUserProvidedBody,
  ): Promise<UserProvidedInstance> {
    const instance = await this.require(guid);
    const space = await this.orgs.requireSpace(instance.spaceGuid);
    await this.assertMayWrite(ctx, space);
    if (body.space_guid !== undefined && body.space_guid !== instance.spaceGuid)
      throw new CfError('ServiceInstanceSpaceChangeNotAllowed');
    if (body.name !== undefined) {
      checkNameNotEmpty(body.name);
      if (await this.store.nameTaken(space.id, body.name, instance.id))
        throw new CfError('ServiceInstanceNameTaken', body.name);
      checkNameLength(body.name);
    }
    checkTags(body.tags, body.name ?? instance.name);
    checkRouteServiceUrl(body.route_service_url);
    try {
      await this.store.update(
        instance.id,
        {
          name: body.name,
          credentialsEncrypted:
            body.credentials === undefined
              ? undefined
              : this.secrets.encrypt(JSON.stringify(body.credentials)),
          syslogDrainUrl: body.syslog_drain_url,
          routeServiceUrl: body.route_service_url,
          tags: body.tags,
        },
        this.clock.now(),
      );
    } catch (err) {
      if (isUniqueViolation(err)) throw new CfError('ServiceInstanceNameTaken', body.name ?? '');
      throw err;
    }
    this.changes.publish({ topic: 'service_instance', action: 'updated', id: guid });
    return this.require(guid);
  }

  async delete(ctx: AuthContext | null, guid: string): Promise<void> {
    const instance = await this.require(guid);
    if (ctx !== null)
      await this.assertMayWrite(ctx, await this.orgs.requireSpace(instance.spaceGuid));
    await this.store.delete(instance.id);
    this.changes.publish({ topic: 'service_instance', action: 'deleted', id: guid });
  }
}
