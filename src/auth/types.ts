import type { Timestamped } from '../http/envelope';

export interface User extends Timestamped {
  id: number;
  username: string | null;
  email: string | null;
  origin: string;
  scopes: string[];
}

export interface OAuthClient {
  clientId: string;
  scopes: string[];
}

/** Scopes a new user gets unless told otherwise: what a UAA user needs to use CC. */
export const DEFAULT_USER_SCOPES = [
  'openid',
  'cloud_controller.read',
  'cloud_controller.write',
  'cloud_controller_service_permissions.read',
] as const;

/** Admins also manage Wharf's UAA users (`POST/GET/DELETE /Users`), as UAA's admin client may. */
export const ADMIN_SCOPES = [
  ...DEFAULT_USER_SCOPES,
  'cloud_controller.admin',
  'scim.read',
  'scim.write',
] as const;
