import { isAdmin } from '../auth';
import type { AuthContext } from '../auth';
import type { ChangeFeed } from '../changes';
import type { Clock } from '../clock';
import { pageRequest } from '../db/page-request';
import { CfError } from '../http/cf-errors';
import type { InstancesService, KeysService } from '../instances';
import { toJobFailure } from '../jobs';
import type { Job, JobQueue, JobResult } from '../jobs';
import type { OrgsService, Space } from '../orgs';
import { describeLeftovers } from './deletion-failure';
import type { Leftover } from './deletion-failure';
import { PLATFORM } from './platform';

const SPACE_DELETE = 'space.delete';
const ORG_DELETE = 'organization.delete';
const BATCH = 100;

export interface AsyncDeleteSettings {
  /** How long to wait before looking again at instances a broker deletes asynchronously. */
  pollIntervalMs: number;
  /** After this long the job fails with CC's *DeleteTimeout. */
  maxDurationMs: number;
}

/** Something a recursive delete removes with a space before the space itself. */
export interface SpaceContents {
  count(space: Space): Promise<number>;
  /** Deletes what it can; returns what it could not, and whether work is still in progress. */
  empty(space: Space): Promise<{ leftovers: Leftover[]; inProgress: boolean }>;
}

interface DeletePayload {
  recursive: boolean;
  deadline: number;
}

function payloadOf(job: Job): DeletePayload {
  return {
    recursive: job.payload.recursive === true,
    deadline: typeof job.payload.deadline === 'number' ? job.payload.deadline : 0,
  };
}

/**
 * `DELETE /v2/organizations/:guid` and `/v2/spaces/:guid` with `async=true`: the checks run now
 * (CC's 10006 for a non-recursive delete of a non-empty one), the delete runs as a job the CLI
 * polls at /v2/jobs/:guid. `recursive` first deletes the instances inside through their brokers
 * (or container engine); a job that cannot finish says why in its error_details.
 */
export class AsyncDeletes {
  constructor(
    private readonly orgs: OrgsService,
    private readonly instances: InstancesService,
    private readonly keys: KeysService,
    private readonly contents: readonly SpaceContents[],
    private readonly jobs: JobQueue,
    private readonly clock: Clock,
    private readonly changes: ChangeFeed,
    private readonly settings: AsyncDeleteSettings,
  ) {
    const once = { maxAttempts: 1, delayMs: () => 0 };
    jobs.register(SPACE_DELETE, (job) => this.runSpaceDelete(job), once);
    jobs.register(ORG_DELETE, (job) => this.runOrgDelete(job), once);
  }

  async queueOrganizationDelete(ctx: AuthContext, guid: string, recursive: boolean): Promise<Job> {
    if (!isAdmin(ctx)) throw new CfError('NotAuthorized');
    const org = await this.orgs.requireOrganization(guid);
    if (!recursive && (await this.spacesOf(org.guid)).length > 0)
      throw new CfError('AssociationNotEmpty', 'spaces', 'organizations');
    return this.enqueue(ORG_DELETE, org.guid, recursive);
  }

  async queueSpaceDelete(ctx: AuthContext, guid: string, recursive: boolean): Promise<Job> {
    const space = await this.orgs.requireSpace(guid);
    if (!isAdmin(ctx) && !(await this.orgs.isOrgMember(ctx, space.organizationId, 'managers')))
      throw new CfError('NotAuthorized');
    if (!recursive && (await this.countContents(space)) > 0)
      throw new CfError('AssociationNotEmpty', 'service_instances', 'spaces');
    return this.enqueue(SPACE_DELETE, space.guid, recursive);
  }

  private async countContents(space: Space): Promise<number> {
    let total = (await this.instancesIn(space, 1)).total;
    for (const part of this.contents) total += await part.count(space);
    return total;
  }

  private enqueue(kind: string, guid: string, recursive: boolean): Promise<Job> {
    const deadline = this.clock.now().getTime() + this.settings.maxDurationMs;
    return this.jobs.enqueue({ kind, resourceGuid: guid, payload: { recursive, deadline } });
  }

  private instancesIn(space: Space, perPage: number): ReturnType<InstancesService['list']> {
    return this.instances.list(
      PLATFORM,
      pageRequest({
        perPage,
        filters: [{ field: 'space_guid', operator: 'eq', values: [space.guid] }],
      }),
    );
  }

  private async spacesOf(orgGuid: string): Promise<Space[]> {
    const page = await this.orgs.listSpaces(
      PLATFORM,
      pageRequest({
        perPage: BATCH,
        filters: [{ field: 'organization_guid', operator: 'eq', values: [orgGuid] }],
      }),
    );
    return page.items;
  }

  /** Starts or continues deleting every managed instance of the space (CC: accepts_incomplete). */
  private async emptyInstances(
    space: Space,
  ): Promise<{ leftovers: Leftover[]; inProgress: boolean }> {
    const leftovers: Leftover[] = [];
    let inProgress = false;
    const caller = { ctx: null, requestId: undefined };
    for (const instance of (await this.instancesIn(space, BATCH)).items) {
      const op = instance.lastOperation;
      if (op?.type === 'delete' && op.state === 'in progress') {
        inProgress = true;
        continue;
      }
      try {
        const result = await this.instances.delete(caller, instance.guid, {
          acceptsIncomplete: true,
          recursive: true,
          purge: false,
          deleteKeys: (i) => this.keys.deleteAllOf(caller, i),
        });
        if (result.async) inProgress = true;
      } catch (err) {
        leftovers.push(toJobFailure(err).description);
      }
    }
    return { leftovers, inProgress };
  }

  /** One pass over a space: what could not go, and whether brokers are still working. */
  private async emptySpace(space: Space): Promise<{ leftovers: Leftover[]; inProgress: boolean }> {
    const results = [await this.emptyInstances(space)];
    for (const part of this.contents) results.push(await part.empty(space));
    return {
      leftovers: results.flatMap((r) => r.leftovers),
      inProgress: results.some((r) => r.inProgress),
    };
  }

  private again(): JobResult {
    return {
      kind: 'again',
      at: new Date(this.clock.now().getTime() + this.settings.pollIntervalMs),
    };
  }

  private timedOut(job: Job): boolean {
    return this.clock.now().getTime() > payloadOf(job).deadline;
  }

  private async runSpaceDelete(job: Job): Promise<JobResult> {
    try {
      const space = await this.orgs.requireSpace(job.resourceGuid);
      if (payloadOf(job).recursive) {
        const { leftovers, inProgress } = await this.emptySpace(space);
        if (leftovers.length > 0)
          throw new CfError('SpaceDeletionFailed', space.name, describeLeftovers(leftovers));
        if (inProgress) {
          if (this.timedOut(job)) throw new CfError('SpaceDeleteTimeout', space.name);
          return this.again();
        }
      }
      await this.orgs.deleteSpace(PLATFORM, space.guid);
      this.changes.publish({ topic: 'space', action: 'deleted', id: space.guid });
      return { kind: 'succeeded' };
    } catch (err) {
      return { kind: 'failed', failure: toJobFailure(err) };
    }
  }

  private async runOrgDelete(job: Job): Promise<JobResult> {
    try {
      const org = await this.orgs.requireOrganization(job.resourceGuid);
      if (payloadOf(job).recursive) {
        const leftovers: Leftover[] = [];
        let inProgress = false;
        for (const space of await this.spacesOf(org.guid)) {
          const pass = await this.emptySpace(space);
          leftovers.push(...pass.leftovers);
          inProgress ||= pass.inProgress;
        }
        if (leftovers.length > 0)
          throw new CfError('OrganizationDeletionFailed', org.name, describeLeftovers(leftovers));
        if (inProgress) {
          if (this.timedOut(job)) throw new CfError('OrganizationDeleteTimeout', org.name);
          return this.again();
        }
      }
      await this.orgs.deleteOrganization(org.guid, payloadOf(job).recursive);
      this.changes.publish({ topic: 'organization', action: 'deleted', id: org.guid });
      return { kind: 'succeeded' };
    } catch (err) {
      return { kind: 'failed', failure: toJobFailure(err) };
    }
  }
}
