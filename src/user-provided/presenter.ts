import { presentResource } from '../http/envelope';
import type { Resource } from '../http/envelope';
import type { UserProvidedInstance } from './types';

export const REDACTED = { redacted_message: '[PRIVATE DATA HIDDEN]' } as const;

export type Credentials = Record<string, unknown> | typeof REDACTED;

/** CC's UPSI entity; credentials are the caller's view (opened or redacted) decided by the service. */
export function presentUserProvided(
  instance: UserProvidedInstance,
  credentials: Credentials,
): Resource<Record<string, unknown>> {
  const url = `/v2/user_provided_service_instances/${instance.guid}`;
  return presentResource('user_provided_service_instances', instance, {
    name: instance.name,
    credentials,
    space_guid: instance.spaceGuid,
    type: 'user_provided_service_instance',
    syslog_drain_url: instance.syslogDrainUrl,
    route_service_url: instance.routeServiceUrl,
    tags: instance.tags,
    space_url: `/v2/spaces/${instance.spaceGuid}`,
    service_bindings_url: `${url}/service_bindings`,
    routes_url: `${url}/routes`,
  });
}

/** What `cf services` reads from the space summary: no plan means "user-provided". */
export function presentUserProvidedSummary(
  instance: UserProvidedInstance,
): Record<string, unknown> {
  return {
    guid: instance.guid,
    name: instance.name,
    bound_app_count: 0,
    type: 'user_provided_service_instance',
  };
}
