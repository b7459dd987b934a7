import type { Timestamped } from '../http/envelope';

export interface Service extends Timestamped {
  id: number;
  label: string;
  description: string;
  longDescription: string | null;
  infoUrl: string | null;
  documentationUrl: string | null;
  provider: string | null;
  url: string | null;
  version: string | null;
  timeout: number | null;
  active: boolean;
  bindable: boolean;
  /** A JSON-encoded string, as CF keeps catalog metadata. */
  extra: string | null;
  uniqueId: string;
  tags: string[];
  requires: string[];
  serviceBrokerGuid: string | null;
  serviceBrokerName: string | null;
  planUpdateable: boolean;
  bindingsRetrievable: boolean;
  instancesRetrievable: boolean;
  allowContextUpdates: boolean;
}

export interface MaintenanceInfo {
  version: string;
  description?: string;
}

export interface PlanSchemas {
  service_instance: {
    create: { parameters: Record<string, unknown> };
    update: { parameters: Record<string, unknown> };
  };
  service_binding: { create: { parameters: Record<string, unknown> } };
}

export interface ServicePlan extends Timestamped {
  id: number;
  name: string;
  description: string;
  free: boolean;
  public: boolean;
  active: boolean;
  /** The plan's own value; null means "inherit the service's". */
  bindable: boolean | null;
  planUpdateable: boolean | null;
  maximumPollingDuration: number | null;
  maintenanceInfo: MaintenanceInfo | null;
  schemas: PlanSchemas;
  extra: string | null;
  uniqueId: string;
  serviceId: number;
  serviceGuid: string;
  serviceBindable: boolean;
  /** The owning service's broker; null for broker-less entries. */
  serviceBrokerId: number | null;
}

export interface PlanVisibility extends Timestamped {
  id: number;
  servicePlanGuid: string;
  organizationGuid: string;
}

/** CC's whole v2 feature-flag set, in CC's order (app/models/runtime/feature_flag.rb). */
export const FEATURE_FLAG_DEFAULTS = {
  user_org_creation: false,
  private_domain_creation: true,
  app_bits_upload: true,
  app_scaling: true,
  route_creation: true,
  service_instance_creation: true,
  diego_docker: false,
  diego_cnb: false,
  set_roles_by_username: true,
  unset_roles_by_username: true,
  task_creation: true,
  env_var_visibility: true,
  space_scoped_private_broker_creation: true,
  space_developer_env_var_visibility: true,
  service_instance_sharing: false,
  hide_marketplace_from_unauthenticated_users: false,
  resource_matching: true,
  route_sharing: false,
} as const satisfies Readonly<Record<string, boolean>>;

export type FeatureFlagName = keyof typeof FEATURE_FLAG_DEFAULTS;

export const FEATURE_FLAG_NAMES = Object.keys(FEATURE_FLAG_DEFAULTS).filter(
  (name): name is FeatureFlagName => name in FEATURE_FLAG_DEFAULTS,
);

export interface FeatureFlag {
  name: FeatureFlagName;
  enabled: boolean;
  errorMessage: string | null;
}

/** Who is looking, reduced to what catalog visibility needs. */
export type CatalogViewer =
  | { kind: 'anonymous' }
  | { kind: 'everything' }
  | { kind: 'user'; userGuid: string }
  /** The marketplace of one space: what its organization may use, plus its private brokers. */
  | { kind: 'space'; organizationId: number; spaceId: number };
