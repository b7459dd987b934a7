import type { AuthContext } from '../auth';
import type { Filter } from '../db/page-request';
import { pageRequest } from '../db/page-request';
import type { Resource } from '../http/envelope';
import { presentInstance } from '../instances';
import type { InstanceContext, InstancesService, ServiceInstance } from '../instances';
import type { OrgsService, Space } from '../orgs';
import type { UserProvidedInstance, UserProvidedModule } from '../user-provided';
import { inlineInstance } from './inline';

/** Filters a user-provided instance can match; any other filter leaves only managed ones. */
const UPSI_FILTERABLE = new Set(['name', 'space_guid', 'organization_guid']);
const BATCH = 100;
/** How many of a space's instances one combined list looks at (CC has no such cap; Wharf pages in memory). */
const MAX_IN_SPACE = 5000;

export type Entry =
  | { kind: 'managed'; instance: ServiceInstance }
  | { kind: 'user-provided'; instance: UserProvidedInstance };

export interface SpaceInstancesDeps {
  orgs: OrgsService;
  instances: InstancesService;
  context: InstanceContext;
  userProvided: UserProvidedModule;
}

type Entity = Record<string, unknown>;

/** A space's instances of both kinds, in creation order (CC keeps both in one table). */
export class SpaceInstanceLists {
  constructor(private readonly deps: SpaceInstancesDeps) {}

  /** A managed instance inlined to `depth`; `fromSpace` leaves out the way back to its space. */
  async presentManaged(
    instance: ServiceInstance,
    depth: number,
    fromSpace = false,
  ): Promise<Resource<Entity>> {
    const resource = presentInstance(instance);
    if (depth < 1) return resource;
    const setting = await this.deps.context.settingOf(instance);
    return inlineInstance(resource, setting, depth, fromSpace);
  }

  present(
    ctx: AuthContext,
    entry: Entry,
    depth: number,
    fromSpace = false,
  ): Promise<Resource<Entity>> {
    return entry.kind === 'managed'
      ? this.presentManaged(entry.instance, depth, fromSpace)
      : this.deps.userProvided.present(ctx, entry.instance);
  }

  private async managedIn(
    ctx: AuthContext,
    space: Space,
    filters: readonly Filter[],
    sharedInto: boolean,
  ): Promise<ServiceInstance[]> {
    const all: ServiceInstance[] = [];
    for (let page = 1; all.length < MAX_IN_SPACE; page++) {
      const result = await this.deps.instances.listInSpace(
        ctx,
        space.guid,
        pageRequest({ page, perPage: BATCH, filters }),
        { includeSharedInto: sharedInto },
      );
      all.push(...result.items);
      if (page * BATCH >= result.total) break;
    }
    return all;
  }

  private async userProvidedIn(
    space: Space,
    filters: readonly Filter[],
  ): Promise<UserProvidedInstance[]> {
    if (!filters.every((f) => UPSI_FILTERABLE.has(f.field))) return [];
    return (
      await this.deps.userProvided.listInSpace(
        space,
        pageRequest({ perPage: MAX_IN_SPACE, filters }),
      )
    ).items;
  }

  /** The space's managed instances (and those shared into it, if asked) and user-provided ones. */
  async entries(
    ctx: AuthContext,
    space: Space,
    filters: readonly Filter[],
    include: { userProvided: boolean; sharedInto: boolean },
  ): Promise<Entry[]> {
    const entries: Entry[] = (await this.managedIn(ctx, space, filters, include.sharedInto)).map(
      (instance) => ({ kind: 'managed', instance }),
    );
    if (include.userProvided) {
      for (const instance of await this.userProvidedIn(space, filters))
        entries.push({ kind: 'user-provided', instance });
    }
    return entries.sort((a, b) =>
      a.instance.createdAt === b.instance.createdAt
        ? a.instance.id - b.instance.id
        : a.instance.createdAt < b.instance.createdAt
          ? -1
          : 1,
    );
  }

  /**
   * A space's `service_instances` relation for `inline-relations-depth` on the space: its own
   * instances of both kinds (not those shared into it), each inlined one level less, never back
   * to the space; none presented when there are more than `limit` (CC then embeds only the URL).
   */
  async relationOf(
    ctx: AuthContext,
    space: Space,
    depth: number,
    limit: number,
  ): Promise<{ total: number; items: Resource<Entity>[] }> {
    const entries = await this.entries(ctx, space, [], { userProvided: true, sharedInto: false });
    if (entries.length > limit) return { total: entries.length, items: [] };
    return {
      total: entries.length,
      items: await Promise.all(entries.map((e) => this.present(ctx, e, depth, true))),
    };
  }
}
