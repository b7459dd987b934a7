import { z } from 'zod';
import type { RegisterBrokerCommand, UpdateBrokerCommand } from './service';

const required = z.string().min(1, 'can not be blank');

export const createBrokerBody = z.object({
  name: required.max(255),
  broker_url: required.max(2048),
  auth_username: required.max(255),
  auth_password: required.max(1024),
  space_guid: z.string().min(1).optional(),
});
export type CreateBrokerBody = z.infer<typeof createBrokerBody>;

// space_guid is ignored on update, as in CC.
export const updateBrokerBody = createBrokerBody.omit({ space_guid: true }).partial();
export type UpdateBrokerBody = z.infer<typeof updateBrokerBody>;

/** The v2 body in Wharf's words (pure). */
export function toRegisterCommand(body: CreateBrokerBody): RegisterBrokerCommand {
  return {
    name: body.name,
    brokerUrl: body.broker_url,
    authUsername: body.auth_username,
    authPassword: body.auth_password,
    ...(body.space_guid === undefined ? {} : { spaceGuid: body.space_guid }),
  };
}

/** Absent fields stay absent: they keep the broker's current value. */
export function toUpdateCommand(body: UpdateBrokerBody): UpdateBrokerCommand {
  return {
    ...(body.name === undefined ? {} : { name: body.name }),
    ...(body.broker_url === undefined ? {} : { brokerUrl: body.broker_url }),
    ...(body.auth_username === undefined ? {} : { authUsername: body.auth_username }),
    ...(body.auth_password === undefined ? {} : { authPassword: body.auth_password }),
  };
}
