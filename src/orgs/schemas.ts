import { z } from 'zod';
import { isPlainText } from '../http/text-rules';

const name = z
  .string()
  .trim()
  .min(1, 'name can not be blank')
  .max(255, 'name must be at most 255 characters');

export const createOrganizationBody = z.object({
  name,
  status: z.enum(['active', 'suspended']).optional(),
  billing_enabled: z.boolean().optional(),
});

export const updateOrganizationBody = createOrganizationBody.partial();

export const createSpaceBody = z.object({
  name,
  organization_guid: z.string().min(1),
  allow_ssh: z.boolean().optional(),
});

export const updateSpaceBody = z.object({
  name: name.optional(),
  allow_ssh: z.boolean().optional(),
});

// The guid becomes a path segment and the Location header: no control characters, valid Unicode.
export const createUserBody = z.object({
  guid: z
    .string()
    .min(1)
    .max(255)
    .refine(isPlainText, 'must be valid text without control characters'),
});
