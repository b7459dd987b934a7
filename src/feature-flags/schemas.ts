import { z } from 'zod';
import type { SetFeatureFlagCommand } from './types';

export const featureFlagBody = z.object({
  enabled: z.boolean(),
  error_message: z.string().max(255).optional(),
});
export type FeatureFlagBody = z.infer<typeof featureFlagBody>;

export function toSetFeatureFlagCommand(body: FeatureFlagBody): SetFeatureFlagCommand {
  return { enabled: body.enabled, errorMessage: body.error_message };
}
