import type { Knex } from 'knex';
import * as containersServices from './20261123100000_containers_services';
import * as createUsersAndOrgs from './20261123090000_create_users_orgs_spaces';
import * as createCatalog from './20261123091000_create_catalog';
import * as catalogGeneration from './20261123092000_catalog_generation';
import * as instancesKeysJobs from './20261123094000_instances_keys_jobs';
import * as osbBroker from './20261123110000_osb_broker';
import * as installation from './20261201151500_installation';
import * as cfCliSurface from './20261201153000_cf_cli_surface';
import * as catalogGenerationAtCommit from './20261201155500_catalog_generation_at_commit';
import * as containerServicesSealed from './20261201153331_container_services_sealed';
import * as scimUserRegistrations from './20261201154000_scim_user_registrations';
import * as refreshTokenFamilies from './20261201154100_refresh_token_families';
import * as jobLeases from './20261201154500_job_leases';
import * as uiSessions from './20261201162000_ui_sessions';
import * as brokerSyncStatus from './20261201163000_broker_sync_status';
import * as containerPublishPorts from './20261201163500_container_publish_ports';
import * as keyMaterial from './20261201182055_key_material';
import * as reconcilerLeases from './20261201184955_reconciler_leases';
import * as serviceInstanceNames from './20261201182833_service_instance_names';
import * as containerChangeAttempts from './20261201214411_container_change_attempts';
import * as containerChangeGeneration from './20261201220311_container_change_generation';

export interface Migration {
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * Every migration, in order. An explicit list (rather than a directory scan) works the same from
 * ts-jest and from the compiled dist/ tree. Append new migrations at the end.
 */
export const migrations: ReadonlyArray<readonly [string, Migration]> = [
  ['20261123090000_create_users_orgs_spaces', createUsersAndOrgs],
  ['20261123091000_create_catalog', createCatalog],
  ['20261123092000_catalog_generation', catalogGeneration],
  ['20261123094000_instances_keys_jobs', instancesKeysJobs],
  ['20261123100000_containers_services', containersServices],
  ['20261123110000_osb_broker', osbBroker],
  ['20261201151500_installation', installation],
  ['20261201153000_cf_cli_surface', cfCliSurface],
  ['20261201153331_container_services_sealed', containerServicesSealed],
  ['20261201154000_scim_user_registrations', scimUserRegistrations],
  ['20261201154100_refresh_token_families', refreshTokenFamilies],
  ['20261201154500_job_leases', jobLeases],
  ['20261201155500_catalog_generation_at_commit', catalogGenerationAtCommit],
  ['20261201162000_ui_sessions', uiSessions],
  ['20261201163000_broker_sync_status', brokerSyncStatus],
  ['20261201163500_container_publish_ports', containerPublishPorts],
  ['20261201182055_key_material', keyMaterial],
  ['20261201182833_service_instance_names', serviceInstanceNames],
  ['20261201184955_reconciler_leases', reconcilerLeases],
  ['20261201214411_container_change_attempts', containerChangeAttempts],
  ['20261201220311_container_change_generation', containerChangeGeneration],
];
