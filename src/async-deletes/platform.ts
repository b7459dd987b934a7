import type { AuthContext } from '../auth';

/**
 * Who a queued org or space delete runs as. The caller's rights were checked when the job was
 * queued (as CC does); the job itself must see and delete everything inside, whoever asked.
 */
export const PLATFORM: AuthContext = {
  userGuid: 'wharf-platform',
  userName: undefined,
  email: undefined,
  clientId: 'wharf',
  scopes: ['cloud_controller.admin'],
};
