import { z } from 'zod';
import type { CreateInstanceCommand, CreateKeyCommand, UpdateInstanceCommand } from './types';

const parameters = z.record(z.unknown(), { invalid_type_error: 'Expected instance of Hash' });
const tags = z.array(z.string());

export const createInstanceBody = z.object({
  name: z.string(),
  space_guid: z.string().min(1),
  service_plan_guid: z.string().min(1),
  parameters: parameters.optional(),
  tags: tags.optional(),
});
export type CreateInstanceBody = z.infer<typeof createInstanceBody>;

export const updateInstanceBody = z.object({
  name: z.string().optional(),
  space_guid: z.string().optional(),
  service_plan_guid: z.string().optional(),
  parameters: parameters.optional(),
  tags: tags.optional(),
  maintenance_info: z
    .object({ version: z.string(), description: z.string().optional() })
    .optional(),
});
export type UpdateInstanceBody = z.infer<typeof updateInstanceBody>;

export const createKeyBody = z.object({
  service_instance_guid: z.string().min(1),
  name: z.string().min(1, 'can not be blank').max(255),
  parameters: parameters.optional(),
});
export type CreateKeyBody = z.infer<typeof createKeyBody>;

/** Wire bodies to domain commands: an absent field stays undefined ("leave as it is"). */
export function toCreateInstanceCommand(body: CreateInstanceBody): CreateInstanceCommand {
  return {
    name: body.name,
    spaceGuid: body.space_guid,
    servicePlanGuid: body.service_plan_guid,
    parameters: body.parameters,
    tags: body.tags,
  };
}

export function toUpdateInstanceCommand(body: UpdateInstanceBody): UpdateInstanceCommand {
  return {
    name: body.name,
    spaceGuid: body.space_guid,
    servicePlanGuid: body.service_plan_guid,
    parameters: body.parameters,
    tags: body.tags,
    maintenanceInfo: body.maintenance_info,
  };
}

export function toCreateKeyCommand(body: CreateKeyBody): CreateKeyCommand {
  return {
    serviceInstanceGuid: body.service_instance_guid,
    name: body.name,
    parameters: body.parameters,
  };
}
