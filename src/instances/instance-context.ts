import { isAdmin, readsEverything } from '../auth';
import type { AuthContext } from '../auth';
import type { PlansService, Service, ServicePlan, ServicesService } from '../catalog';
import { CfError } from '../http/cf-errors';
import type { OrgsService, Space } from '../orgs';
import type { InstanceTarget } from './provisioner';
import type { ServiceInstance } from './types';

/** Everything an instance operation needs to know about its plan, service and space. */
export interface InstanceSetting {
  plan: ServicePlan;
  service: Service;
  space: Space;
  organizationName: string;
}

export interface CallerInfo {
  ctx: AuthContext | null;
  requestId: string | undefined;
}

/** Looks up plans, services and spaces through their features' services (never their stores). */
export class InstanceContext {
  constructor(
    readonly plans: PlansService,
    readonly services: ServicesService,
    readonly orgs: OrgsService,
  ) {}

  async setting(planGuid: string, space: Space): Promise<InstanceSetting> {
    const plan = await this.plans.require(planGuid);
    const service = await this.services.require(plan.serviceGuid);
    const org = await this.orgs.findOrganization(space.organizationGuid);
    return { plan, service, space, organizationName: org?.name ?? '' };
  }

  async settingOf(instance: ServiceInstance): Promise<InstanceSetting> {
    return this.setting(instance.servicePlanGuid, await this.orgs.requireSpace(instance.spaceGuid));
  }

  target(
    instance: { guid: string; name: string },
    setting: InstanceSetting,
    caller: CallerInfo,
  ): InstanceTarget {
    return {
      instanceGuid: instance.guid,
      instanceName: instance.name,
      serviceGuid: setting.service.guid,
      serviceUniqueId: setting.service.uniqueId,
      planGuid: setting.plan.guid,
      planUniqueId: setting.plan.uniqueId,
      organizationGuid: setting.space.organizationGuid,
      organizationName: setting.organizationName,
      spaceGuid: setting.space.guid,
      spaceName: setting.space.name,
      userGuid: caller.ctx?.userGuid,
      requestId: caller.requestId,
    };
  }

  /** Admin, or a developer of the space (cf-v2-api.md §3.5 "Who"). */
  async assertCanManage(ctx: AuthContext | null, space: Space): Promise<void> {
    if (ctx === null || isAdmin(ctx)) return;
    if (!(await this.orgs.isSpaceDeveloper(ctx, space))) throw new CfError('NotAuthorized');
  }

  async canRead(ctx: AuthContext, space: Space): Promise<boolean> {
    return readsEverything(ctx) || this.orgs.canSeeSpace(ctx, space);
  }
}
