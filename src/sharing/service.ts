import { isAdmin } from '../auth';
import type { AuthContext } from '../auth';
import type { FeatureFlagsService } from '../feature-flags';
import type { ChangeFeed } from '../changes';
import { isUniqueViolation } from '../db/knex';
import type { PageRequest } from '../db/page-request';
import type { Paged } from '../db/paging';
import { CfError } from '../http/cf-errors';
import type { InstanceContext, InstancesService, ServiceInstance, SharedSpace } from '../instances';
import type { OrgsService, Space } from '../orgs';
import { instanceSharingRefusal } from './rules';
import type { SharesStore } from './store';

/** What sharing needs of user-provided instances: they exist, and cannot be shared. */
export interface UserProvidedLookup {
  find(guid: string): Promise<{ name: string; spaceGuid: string } | undefined>;
}

export interface SharingServiceDeps {
  store: SharesStore;
  instances: InstancesService;
  context: InstanceContext;
  orgs: OrgsService;
  flags: FeatureFlagsService;
  userProvided: UserProvidedLookup;
  changes: ChangeFeed;
}

type Subject =
  | { kind: 'managed'; instance: ServiceInstance; name: string; spaceGuid: string }
  | { kind: 'user-provided'; name: string; spaceGuid: string };

const NOT_FOUND = 'Service instance not found';

function unprocessable(message: string): CfError {
  return new CfError('UnprocessableEntity', message);
}

function guidList(guids: readonly string[]): string {
  return guids.map((g) => `'${g}'`).join(', ');
}

/**
 * Service instance sharing with CC's rules (the v3 `shared_spaces` relationship and the v2
 * `shared_from`/`shared_to` reads), behind the `service_instance_sharing` feature flag.
 */
export class SharingService {
  constructor(private readonly deps: SharingServiceDeps) {}

  /** v3 hides what the caller may not see behind the same 404 as what does not exist. */
  private async readable(ctx: AuthContext, guid: string): Promise<Subject> {
    const instance = await this.deps.instances.require(guid).catch(() => undefined);
    if (instance !== undefined) {
      if (!(await this.deps.instances.canRead(ctx, instance)))
        throw new CfError('ResourceNotFound', NOT_FOUND);
      return { kind: 'managed', instance, name: instance.name, spaceGuid: instance.spaceGuid };
    }
    const upsi = await this.deps.userProvided.find(guid);
    if (
      upsi === undefined ||
      !(await this.deps.orgs.canSeeSpace(ctx, await this.deps.orgs.requireSpace(upsi.spaceGuid)))
    )
      throw new CfError('ResourceNotFound', NOT_FOUND);
    return { kind: 'user-provided', name: upsi.name, spaceGuid: upsi.spaceGuid };
  }

  private async mayWrite(ctx: AuthContext, space: Space): Promise<boolean> {
    return isAdmin(ctx) || this.deps.orgs.isSpaceDeveloper(ctx, space);
  }

  /** CC checks the flag before it reads the request body: `cf share-service` with it off says so. */
  async requireEnabled(): Promise<void> {
    await this.deps.flags.require('service_instance_sharing');
  }

  /** The flag, then the instance (404), then write access to the instance's own space (403). */
  private async writable(ctx: AuthContext, guid: string): Promise<Subject> {
    await this.deps.flags.require('service_instance_sharing');
    const subject = await this.readable(ctx, guid);
    if (!(await this.mayWrite(ctx, await this.deps.orgs.requireSpace(subject.spaceGuid))))
      throw new CfError('NotAuthorized');
    return subject;
  }

  /**
   * CC's check_spaces_exist_and_are_writeable!: spaces that do not exist or that the caller cannot
   * see are named in one sentence, those the caller may not write to in another.
   */
  private async targetSpaces(
    ctx: AuthContext,
    instanceName: string,
    spaceGuids: readonly string[],
  ): Promise<Space[]> {
    const found: Space[] = [];
    const unreadable: string[] = [];
    const unwritable: string[] = [];
    for (const guid of new Set(spaceGuids)) {
      const space = await this.deps.orgs.requireSpace(guid).catch(() => undefined);
      if (space === undefined || !(await this.deps.orgs.canSeeSpace(ctx, space))) {
        unreadable.push(guid);
        continue;
      }
      if (!(await this.mayWrite(ctx, space))) unwritable.push(guid);
      found.push(space);
    }
    const problems = [
      unreadable.length > 0
        ? `Unable to share service instance ${instanceName} with spaces [${guidList(unreadable)}]. Ensure the spaces exist and that you have access to them.`
        : '',
      unwritable.length > 0
        ? `Unable to share service instance ${instanceName} with spaces [${guidList(unwritable)}]. Write permission is required in order to share a service instance with a space.`
        : '',
    ].filter((p) => p !== '');
    if (problems.length > 0) throw unprocessable(problems.join('\n'));
    return found;
  }

  /** Why one target space cannot take the instance (CC's validate_target_space!), or undefined. */
  private async targetRefusal(
    instance: ServiceInstance,
    space: Space,
    already: ReadonlySet<string>,
  ): Promise<string | undefined> {
    if (space.guid === instance.spaceGuid)
      return 'Service instances cannot be shared into the space where they were created.';
    if (already.has(space.guid)) return undefined;
    if (await this.deps.instances.nameTakenIn(space.id, instance.name))
      return `A service instance called ${instance.name} already exists in ${space.name}.`;
    const setting = await this.deps.context.settingOf(instance);
    const viewer = {
      kind: 'space',
      organizationId: space.organizationId,
      spaceId: space.id,
    } as const;
    if (!(await this.deps.context.plans.isVisible(setting.plan, viewer))) {
      const org = await this.deps.orgs.findOrganization(space.organizationGuid);
      return `Access to service ${setting.service.label} and plan ${setting.plan.name} is not enabled in ${org?.name ?? ''}/${space.name}.`;
    }
    return undefined;
  }

  /**
   * `POST /v3/service_instances/:guid/relationships/shared_spaces`: shares into every space or
   * none. Answers the guids of every space the instance is now shared into.
   */
  async share(ctx: AuthContext, guid: string, spaceGuids: readonly string[]): Promise<string[]> {
    const subject = await this.writable(ctx, guid);
    const spaces = await this.targetSpaces(ctx, subject.name, spaceGuids);
    if (subject.kind === 'user-provided')
      throw unprocessable('User-provided services cannot be shared.');
    const { instance } = subject;
    const setting = await this.deps.context.settingOf(instance);
    const refusal = instanceSharingRefusal(setting.service);
    if (refusal !== undefined) throw unprocessable(refusal);
    const already = new Set(
      (await this.deps.store.allTargets(instance.id)).map((t) => t.spaceGuid),
    );
    for (const space of spaces) {
      const why = await this.targetRefusal(instance, space, already);
      if (why !== undefined) throw unprocessable(why);
    }
    await this.addShares(instance, spaces);
    this.deps.changes.publish({ topic: 'service_instance', action: 'updated', id: instance.guid });
    return (await this.deps.store.allTargets(instance.id)).map((t) => t.spaceGuid);
  }

  /**
   * The name claims make the shares race-proof: a create or share of the same name into a target
   * space that got there first fails the whole share, reported as CC reports a taken name (unless
   * the winner was an identical share).
   */
  private async addShares(instance: ServiceInstance, spaces: readonly Space[]): Promise<void> {
    try {
      await this.deps.store.add(
        instance.id,
        instance.name,
        spaces.map((s) => s.id),
      );
    } catch (err) {
      if (!isUniqueViolation(err)) throw err;
      const now = new Set((await this.deps.store.allTargets(instance.id)).map((t) => t.spaceGuid));
      const taken = spaces.find((s) => !now.has(s.guid));
      if (taken === undefined) return;
      throw unprocessable(
        `A service instance called ${instance.name} already exists in ${taken.name}.`,
      );
    }
  }

  /** `DELETE /v3/service_instances/:guid/relationships/shared_spaces/:space_guid`. */
  async unshare(ctx: AuthContext, guid: string, spaceGuid: string): Promise<void> {
    const subject = await this.writable(ctx, guid);
    const target =
      subject.kind === 'managed'
        ? (await this.deps.store.allTargets(subject.instance.id)).find(
            (t) => t.spaceGuid === spaceGuid,
          )
        : undefined;
    if (subject.kind !== 'managed' || target === undefined)
      throw unprocessable(
        `Unable to unshare service instance from space ${spaceGuid}. Ensure the space exists and the service instance has been shared to this space.`,
      );
    await this.deps.store.remove(subject.instance.id, target.spaceId);
    this.deps.changes.publish({ topic: 'service_instance', action: 'updated', id: guid });
  }

  /** `GET /v3/service_instances/:guid/relationships/shared_spaces`. */
  async sharedSpaceGuids(ctx: AuthContext, guid: string): Promise<string[]> {
    const subject = await this.readable(ctx, guid);
    if (subject.kind !== 'managed') return [];
    return (await this.deps.store.allTargets(subject.instance.id)).map((t) => t.spaceGuid);
  }

  /** `GET /v2/service_instances/:guid/shared_from`: where a shared instance lives; undefined if unshared. */
  async sharedFrom(ctx: AuthContext, guid: string): Promise<SharedSpace | undefined> {
    const instance = await this.deps.instances.get(ctx, guid);
    if ((await this.deps.store.count(instance.id)) === 0) return undefined;
    const setting = await this.deps.context.settingOf(instance);
    return {
      spaceGuid: setting.space.guid,
      spaceName: setting.space.name,
      organizationName: setting.organizationName,
    };
  }

  /** `GET /v2/service_instances/:guid/shared_to`: one page of the spaces it is shared into. */
  async sharedTo(
    ctx: AuthContext,
    guid: string,
    request: PageRequest,
  ): Promise<Paged<SharedSpace>> {
    const instance = await this.deps.instances.get(ctx, guid);
    return this.deps.store.sharedTo(instance.id, request);
  }
}
