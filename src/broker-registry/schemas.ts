import { z } from 'zod';

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
