import { z } from 'zod';
import { isWellFormedText } from '../http/text-rules';
import type { RegisterBrokerCommand, UpdateBrokerCommand } from './service';

// Lone surrogates cannot be sealed, sent in Basic auth or stored faithfully: refused up front.
const required = (max: number) =>
  z
    .string()
    .min(1, 'can not be blank')
    .max(max)
    .refine(isWellFormedText, 'must be valid Unicode text');

export const createBrokerBody = z.object({
  name: required(255),
  broker_url: required(2048),
  auth_username: required(255),
  auth_password: required(1024),
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
