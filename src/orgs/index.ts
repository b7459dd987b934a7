export { OrgsService } from './service';
export { createOrgsRoutes } from './routes';
export { UsersDirectory } from './users-directory';
export type { Organization, Space } from './types';
