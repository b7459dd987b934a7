import { z } from 'zod';

const credentials = z.record(z.string(), z.unknown());

/** `cf create-user-provided-service`'s body (cf-cli-v6-requests.md §2.15). */
export const createUserProvidedBody = z.object({
  name: z.string(),
  space_guid: z.string().min(1),
  credentials: credentials.optional(),
  syslog_drain_url: z.string().optional(),
  route_service_url: z.string().optional(),
  tags: z.array(z.string()).optional(),
});

/** `cf update-user-provided-service` sends only the flags given (§2.16). */
export const updateUserProvidedBody = z.object({
  name: z.string().optional(),
  credentials: credentials.optional(),
  syslog_drain_url: z.string().optional(),
  route_service_url: z.string().optional(),
  tags: z.array(z.string()).optional(),
  space_guid: z.string().optional(),
});

export type CreateUserProvidedBody = z.infer<typeof createUserProvidedBody>;
export type UpdateUserProvidedBody = z.infer<typeof updateUserProvidedBody>;
