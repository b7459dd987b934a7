import { CfError } from '../http/cf-errors';
import { isSemver } from '../osb-catalog';
import type { InstanceSetting } from './instance-context';
import type { ServiceInstance } from './types';

/**
 * A maintenance upgrade asked by `maintenance_info` (cf-v2-api.md §3.5, errors 390006-390009):
 * the plan's current maintenance_info when the request moves to it, undefined when nothing changes.
 */
export function maintenanceUpgrade(
  instance: Pick<ServiceInstance, 'maintenanceInfo'>,
  setting: { plan: Pick<InstanceSetting['plan'], 'maintenanceInfo'> },
  requested: { version: string; description?: string } | undefined,
  changingPlan: boolean,
): { version: string; description?: string } | undefined {
  if (requested === undefined) return undefined;
  if (!isSemver(requested.version)) throw new CfError('MaintenanceInfoNotSemver');
  if (instance.maintenanceInfo?.version === requested.version) return undefined;
  if (changingPlan) throw new CfError('MaintenanceInfoNotUpdatableWhenChangingPlan');
  const planInfo = setting.plan.maintenanceInfo;
  if (planInfo === null) throw new CfError('MaintenanceInfoNotSupported');
  if (planInfo.version !== requested.version) throw new CfError('MaintenanceInfoConflict');
  return { ...planInfo };
}
