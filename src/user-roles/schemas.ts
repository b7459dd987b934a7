import { z } from 'zod';

/** `{"username": "USER"}` as the legacy CLI sends it (cf-cli-v6-requests.md §2.11); CC also takes `origin`. */
export const roleByUsernameBody = z.object({
  username: z.string().min(1).max(255),
  origin: z.string().optional(),
});

export type RoleByUsernameBody = z.infer<typeof roleByUsernameBody>;
