import type { Timestamped } from '../http/envelope';

export interface Organization extends Timestamped {
  id: number;
  name: string;
  status: 'active' | 'suspended';
  billingEnabled: boolean;
  quotaDefinitionGuid: string | null;
}

export interface Space extends Timestamped {
  id: number;
  name: string;
  organizationId: number;
  organizationGuid: string;
  allowSsh: boolean;
}

export const ORG_ROLES = ['users', 'managers', 'billing_managers', 'auditors'] as const;
export type OrgRole = (typeof ORG_ROLES)[number];

export const SPACE_ROLES = ['developers', 'managers', 'auditors'] as const;
export type SpaceRole = (typeof SPACE_ROLES)[number];

export interface Membership {
  /** Organizations where the user holds any role. */
  organizationIds: number[];
  /** Spaces where the user is a developer. */
  developerSpaceIds: number[];
}
