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

export function isFeatureFlagName(name: string): name is FeatureFlagName {
  return FEATURE_FLAG_NAMES.some((n) => n === name);
}

export interface FeatureFlag {
  name: FeatureFlagName;
  enabled: boolean;
  errorMessage: string | null;
}

/** What an operator stored for one flag; a flag without one has its default. */
export interface FlagOverride {
  name: FeatureFlagName;
  enabled: boolean;
  errorMessage: string | null;
}

/** `PUT /v2/config/feature_flags/:name`, in Wharf's words. */
export interface SetFeatureFlagCommand {
  enabled: boolean;
  /** Shown in CC's FeatureDisabled error instead of the flag's name; absent clears it. */
  errorMessage?: string | undefined;
}
