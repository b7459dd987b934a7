import { z } from 'zod';
import { isPlainText } from '../http/text-rules';
import type { CreateOrganization, CreateSpace, UpdateOrganization, UpdateSpace } from './service';

const name = z
  .string()
  .trim()
  .min(1, 'name can not be blank')
  .max(255, 'name must be at most 255 characters');

/** v2 bodies (snake_case) become the service's commands (camelCase) right here, at the wire. */
const organizationBody = z.object({
  name,
  status: z.enum(['active', 'suspended']).optional(),
  billing_enabled: z.boolean().optional(),
});

export const createOrganizationBody = organizationBody.transform((body): CreateOrganization => ({
  name: body.name,
  status: body.status,
  billingEnabled: body.billing_enabled,
}));

export const updateOrganizationBody = organizationBody
  .partial()
  .transform((body): UpdateOrganization => ({
    name: body.name,
    status: body.status,
    billingEnabled: body.billing_enabled,
  }));

export const createSpaceBody = z
  .object({
    name,
    organization_guid: z.string().min(1),
    allow_ssh: z.boolean().optional(),
  })
  .transform((body): CreateSpace => ({
    name: body.name,
    organizationGuid: body.organization_guid,
    allowSsh: body.allow_ssh,
  }));

export const updateSpaceBody = z
  .object({
    name: name.optional(),
    allow_ssh: z.boolean().optional(),
  })
  .transform((body): UpdateSpace => ({ name: body.name, allowSsh: body.allow_ssh }));

// The guid becomes a path segment and the Location header: no control characters, valid Unicode.
export const createUserBody = z.object({
  guid: z
    .string()
    .min(1)
    .max(255)
    .refine(isPlainText, 'must be valid text without control characters'),
});
