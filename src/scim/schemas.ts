import { z } from 'zod';

/** `cf create-user`'s body (cf-cli-v6-requests.md §2.10); unknown SCIM keys are ignored. */
export const createScimUserBody = z.object({
  userName: z.string().trim().min(1).max(255),
  password: z.string().min(1).max(255),
  origin: z.string().optional(),
  name: z
    .object({ familyName: z.string().optional(), givenName: z.string().optional() })
    .optional(),
  emails: z
    .array(z.object({ value: z.string().max(255), primary: z.boolean().optional() }))
    .optional(),
});

export type CreateScimUserBody = z.infer<typeof createScimUserBody>;
