import express from 'express';
import type { Space } from '../orgs';
import type { Router } from 'express';
import { requireReadScope } from '../auth';
import { pageRequest } from '../db/page-request';
import { toCfTimestamp } from '../http/envelope';
import { param } from '../http/request-helpers';
import { sendJson } from '../http/send';
import type { InstanceContext } from './instance-context';
import type { InstancesService } from './service';
import type { ServiceInstance, SharedSpace } from './types';

/** Wharf has no apps, so the summary has none; CC caps nothing here, Wharf lists up to this many. */
const MAX_SUMMARY_INSTANCES = 1000;

function presentSharedSpace(space: SharedSpace): Record<string, string> {
  return {
    space_guid: space.spaceGuid,
    space_name: space.spaceName,
    organization_name: space.organizationName,
  };
}

/**
 * One `services` entry. An instance shared into the summarised space names where it comes from
 * (`shared_from`); one of the space's own lists where it is shared to (`shared_to`).
 */
async function presentSummaryService(
  instances: InstancesService,
  context: InstanceContext,
  space: Space,
  instance: ServiceInstance,
): Promise<Record<string, unknown>> {
  const setting = await context.settingOf(instance);
  const sharedIn = instance.spaceId !== space.id;
  const op = instance.lastOperation;
  return {
    guid: instance.guid,
    name: instance.name,
    bound_app_count: 0,
    last_operation:
      op === null
        ? null
        : {
            type: op.type,
            state: op.state,
            description: op.description,
            updated_at: toCfTimestamp(op.updatedAt),
            created_at: toCfTimestamp(op.createdAt),
          },
    dashboard_url: instance.dashboardUrl,
    shared_from: sharedIn
      ? presentSharedSpace({
          spaceGuid: setting.space.guid,
          spaceName: setting.space.name,
          organizationName: setting.organizationName,
        })
      : null,
    shared_to: sharedIn ? [] : (await instances.sharedTo(instance)).map(presentSharedSpace),
    maintenance_info: instance.maintenanceInfo ?? {},
    service_plan: {
      guid: setting.plan.guid,
      name: setting.plan.name,
      maintenance_info: setting.plan.maintenanceInfo ?? {},
      service: {
        guid: setting.service.guid,
        label: setting.service.label,
        provider: setting.service.provider,
        version: setting.service.version,
      },
    },
  };
}

/** Other entries of a space's `services` (user-provided instances). */
export type SummaryExtras = (space: Space) => Promise<Record<string, unknown>[]>;

export function createSpaceSummaryRoutes(
  instances: InstancesService,
  context: InstanceContext,
  extras: readonly SummaryExtras[] = [],
): Router {
  const router = express.Router();
  /** `GET /v2/spaces/:guid/summary`, the services part `cf services` reads (cf-v2-api.md §3.8). */
  router.get('/v2/spaces/:guid/summary', async (req, res) => {
    const ctx = requireReadScope(req);
    const space = await context.orgs.getSpace(ctx, param(req, 'guid'));
    const page = await instances.listInSpace(
      ctx,
      space.guid,
      pageRequest({ perPage: MAX_SUMMARY_INSTANCES }),
      { includeSharedInto: true },
    );
    const services = await Promise.all(
      page.items.map((i) => presentSummaryService(instances, context, space, i)),
    );
    for (const extra of extras) services.push(...(await extra(space)));
    sendJson(res, 200, { guid: space.guid, name: space.name, apps: [], services });
  });
  return router;
}
