import { presentResource } from '../http/envelope';
import type { Resource } from '../http/envelope';
import type { QuotaDefinition } from './types';

/**
 * CC's quota definition entity. Wharf enforces no quota, so every limit says "unlimited" (-1)
 * and paid plans are allowed: the honest description of what Wharf does.
 */
export function presentQuotaDefinition(quota: QuotaDefinition): Resource<Record<string, unknown>> {
  return presentResource('quota_definitions', quota, {
    name: quota.name,
    non_basic_services_allowed: true,
    total_services: -1,
    total_routes: -1,
    total_private_domains: -1,
    memory_limit: -1,
    trial_db_allowed: false,
    instance_memory_limit: -1,
    app_instance_limit: -1,
    app_task_limit: -1,
    total_service_keys: -1,
    total_reserved_route_ports: -1,
  });
}
