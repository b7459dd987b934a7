import type { FeatureFlag } from './types';

/** CC's v2 feature flag body: no metadata envelope, just the entity. */
export function presentFeatureFlag(flag: FeatureFlag): Record<string, unknown> {
  return {
    name: flag.name,
    enabled: flag.enabled,
    error_message: flag.errorMessage,
    url: `/v2/config/feature_flags/${flag.name}`,
  };
}
