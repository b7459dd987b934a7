import type { User } from '../auth';
import { presentResource } from '../http/envelope';
import type { Resource } from '../http/envelope';
import type { Organization, Space } from './types';

export function presentOrganization(org: Organization): Resource<Record<string, unknown>> {
  const url = `/v2/organizations/${org.guid}`;
  return presentResource('organizations', org, {
    name: org.name,
    billing_enabled: org.billingEnabled,
    quota_definition_guid: org.quotaDefinitionGuid,
    ...(org.quotaDefinitionGuid !== null
      ? { quota_definition_url: `/v2/quota_definitions/${org.quotaDefinitionGuid}` }
      : {}),
    status: org.status,
    default_isolation_segment_guid: null,
    spaces_url: `${url}/spaces`,
    users_url: `${url}/users`,
    managers_url: `${url}/managers`,
    billing_managers_url: `${url}/billing_managers`,
    auditors_url: `${url}/auditors`,
  });
}

export function presentSpace(space: Space): Resource<Record<string, unknown>> {
  const url = `/v2/spaces/${space.guid}`;
  return presentResource('spaces', space, {
    name: space.name,
    organization_guid: space.organizationGuid,
    space_quota_definition_guid: null,
    isolation_segment_guid: null,
    allow_ssh: space.allowSsh,
    organization_url: `/v2/organizations/${space.organizationGuid}`,
    developers_url: `${url}/developers`,
    managers_url: `${url}/managers`,
    auditors_url: `${url}/auditors`,
    services_url: `${url}/services`,
    service_instances_url: `${url}/service_instances`,
  });
}

export function presentUser(user: User): Resource<Record<string, unknown>> {
  const url = `/v2/users/${user.guid}`;
  return presentResource('users', user, {
    admin: user.scopes.includes('cloud_controller.admin'),
    active: true,
    default_space_guid: null,
    ...(user.username !== null ? { username: user.username } : {}),
    spaces_url: `${url}/spaces`,
    organizations_url: `${url}/organizations`,
    managed_organizations_url: `${url}/managed_organizations`,
    billing_managed_organizations_url: `${url}/billing_managed_organizations`,
    audited_organizations_url: `${url}/audited_organizations`,
    managed_spaces_url: `${url}/managed_spaces`,
    audited_spaces_url: `${url}/audited_spaces`,
  });
}
