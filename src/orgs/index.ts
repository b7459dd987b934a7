export { OrgsService } from './service';
export { createOrgsRoutes } from './routes';
export { UsersDirectory } from './users-directory';
export type { Organization, Space } from './types';
export { presentOrganization, presentSpace } from './presenter';
export { ORG_ROLES, SPACE_ROLES } from './types';
export { orgsVisibleTo, orgsWithRole, spacesVisibleTo, spacesWithRole } from './membership';
export type { Member } from './membership';
export type { OrgRole, SpaceRole } from './types';
