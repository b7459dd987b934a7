import { pageRequest } from '../db/page-request';
import type { AuthContext } from '../auth';
import type { Resource } from '../http/envelope';
import { presentOrganization, presentSpace, presentUser } from './presenter';
import type { OrgsService } from './service';
import type { Organization, Space } from './types';
import { ORG_ROLES, SPACE_ROLES } from './types';

type Entity = Record<string, unknown>;

/** CC embeds a to-many relation only up to this many members; beyond, only its `_url` (cf-v2-api.md §1.5). */
export const MAX_INLINE_MEMBERS = 50;

export type Relation =
  | { kind: 'one'; value: Resource<Entity> | null }
  | { kind: 'many'; total: number; items: Resource<Entity>[] };

/**
 * Embeds relations beside their `_url` keys under their bare names, as CC's
 * `inline-relations-depth` does; a to-many relation with more than 50 members stays a URL only.
 */
export function embedRelations(
  resource: Resource<Entity>,
  relations: Readonly<Record<string, Relation>>,
): Resource<Entity> {
  const embedded: Entity = {};
  for (const [name, relation] of Object.entries(relations)) {
    if (relation.kind === 'one') embedded[name] = relation.value;
    else if (relation.total <= MAX_INLINE_MEMBERS) embedded[name] = relation.items;
  }
  return { metadata: resource.metadata, entity: { ...resource.entity, ...embedded } };
}

/** What the orgs feature cannot present itself: an organization's quota definition. */
export interface InlineLookups {
  quotaDefinition(guid: string): Promise<Resource<Entity> | undefined>;
  /** A space's own service instances presented at `depth`; no items when over `limit`. */
  spaceServiceInstances?(
    ctx: AuthContext,
    space: Space,
    depth: number,
    limit: number,
  ): Promise<{ total: number; items: Resource<Entity>[] }>;
}

/** Lookups that find nothing: an organization's quota definition is embedded as null. */
export const NO_LOOKUPS: InlineLookups = { quotaDefinition: () => Promise.resolve(undefined) };

/** Which controllers are already on the path: a relation back to one of them is not embedded. */
type Path = ReadonlySet<'organizations' | 'spaces'>;

/**
 * `inline-relations-depth` for organizations and spaces: at depth 1 an organization embeds its
 * quota definition, spaces and role holders, a space its organization, role holders and own
 * service instances; at depth
 * 2 the embedded ones embed theirs in turn (never back along the path). Users are embedded
 * without their own relations.
 */
export class OrgsInliner {
  constructor(
    private readonly orgs: OrgsService,
    private readonly lookups: InlineLookups,
  ) {}

  private firstPage(): ReturnType<typeof pageRequest> {
    return pageRequest({ perPage: MAX_INLINE_MEMBERS + 1 });
  }

  async organization(
    ctx: AuthContext,
    org: Organization,
    depth: number,
    path: Path = new Set(),
  ): Promise<Resource<Entity>> {
    const resource = presentOrganization(org);
    if (depth < 1) return resource;
    const relations: Record<string, Relation> = {};
    if (org.quotaDefinitionGuid !== null)
      relations.quota_definition = {
        kind: 'one',
        value: (await this.lookups.quotaDefinition(org.quotaDefinitionGuid)) ?? null,
      };
    const inner: Path = new Set([...path, 'organizations']);
    if (!path.has('spaces')) {
      const spaces = await this.orgs.listSpaces(ctx, this.firstPage(), org.guid);
      relations.spaces = {
        kind: 'many',
        total: spaces.total,
        items: await Promise.all(spaces.items.map((s) => this.space(ctx, s, depth - 1, inner))),
      };
    }
    for (const role of ORG_ROLES) {
      const users = await this.orgs.listRoleHolders(
        ctx,
        'organization',
        org.guid,
        role,
        this.firstPage(),
      );
      relations[role] = { kind: 'many', total: users.total, items: users.items.map(presentUser) };
    }
    return embedRelations(resource, relations);
  }

  async space(
    ctx: AuthContext,
    space: Space,
    depth: number,
    path: Path = new Set(),
  ): Promise<Resource<Entity>> {
    const resource = presentSpace(space);
    if (depth < 1) return resource;
    const relations: Record<string, Relation> = {};
    const inner: Path = new Set([...path, 'spaces']);
    if (!path.has('organizations')) {
      const org = await this.orgs.requireOrganization(space.organizationGuid);
      relations.organization = {
        kind: 'one',
        value: await this.organization(ctx, org, depth - 1, inner),
      };
    }
    if (this.lookups.spaceServiceInstances !== undefined)
      relations.service_instances = {
        kind: 'many',
        ...(await this.lookups.spaceServiceInstances(ctx, space, depth - 1, MAX_INLINE_MEMBERS)),
      };
    for (const role of SPACE_ROLES) {
      const users = await this.orgs.listRoleHolders(
        ctx,
        'space',
        space.guid,
        role,
        this.firstPage(),
      );
      relations[role] = { kind: 'many', total: users.total, items: users.items.map(presentUser) };
    }
    return embedRelations(resource, relations);
  }
}
