/**
 * The CF v2 errors Wharf emits, copied from errors/v2.yml (reference §5). `description` uses `%s`
 * placeholders filled in order by the CfError constructor.
 */
export const CF_ERRORS = {
  InvalidAuthToken: { code: 1000, status: 401, description: 'Invalid Auth Token' },
  MessageParseError: {
    code: 1001,
    status: 400,
    description: 'Request invalid due to parse error: %s',
  },
  InvalidRelation: { code: 1002, status: 400, description: '%s' },
  NotFound: { code: 10000, status: 404, description: 'Unknown request' },
  NotAuthenticated: { code: 10002, status: 401, description: 'Authentication error' },
  NotAuthorized: {
    code: 10003,
    status: 403,
    description: 'You are not authorized to perform the requested action',
  },
  InvalidRequest: { code: 10004, status: 400, description: 'The request is invalid' },
  BadQueryParameter: {
    code: 10005,
    status: 400,
    description: 'The query parameter is invalid: %s',
  },
  AssociationNotEmpty: {
    code: 10006,
    status: 400,
    description: 'Please delete the %s associations for your %s.',
  },
  InsufficientScope: {
    code: 10007,
    status: 403,
    description: 'Your token lacks the necessary scopes to access this resource.',
  },
  UnprocessableEntity: { code: 10008, status: 422, description: '%s' },
  ResourceNotFound: { code: 10010, status: 404, description: '%s' },
  OrderByParameterInvalid: { code: 10012, status: 500, description: 'Cannot order by: %s' },
  RateLimitExceeded: { code: 10013, status: 429, description: 'Rate Limit Exceeded' },
  OrganizationInvalid: {
    code: 30001,
    status: 400,
    description: 'The organization info is invalid: %s',
  },
  OrganizationNameTaken: {
    code: 30002,
    status: 400,
    description: 'The organization name is taken: %s',
  },
  OrganizationNotFound: {
    code: 30003,
    status: 404,
    description: 'The organization could not be found: %s',
  },
  SpaceInvalid: { code: 40001, status: 400, description: 'The app space info is invalid: %s' },
  SpaceNameTaken: { code: 40002, status: 400, description: 'The app space name is taken: %s' },
  SpaceNotFound: { code: 40004, status: 404, description: 'The app space could not be found: %s' },
  UserNotFound: { code: 20003, status: 404, description: 'The user could not be found: %s' },
  QuotaDefinitionNotFound: {
    code: 240001,
    status: 404,
    description: 'Quota Definition could not be found: %s',
  },
  AppNotFound: { code: 100004, status: 404, description: 'The app could not be found: %s' },
  UserProvidedServiceInstanceNotFound: {
    code: 340001,
    status: 404,
    description: 'The service instance could not be found: %s',
  },
  UserProvidedServiceInstanceHandlerNeeded: {
    code: 340002,
    status: 400,
    description: 'Please use the User Provided Services API to manage this resource.',
  },
  ServiceInstanceDeletionSharesExists: {
    code: 390002,
    status: 422,
    description:
      'Service instances must be unshared before they can be deleted. Unsharing %s will automatically delete any bindings that have been made to applications in other spaces.',
  },
  SharedServiceInstanceCannotBeRenamed: {
    code: 390003,
    status: 422,
    description: 'Service instances that have been shared cannot be renamed',
  },
  SharedServiceInstanceNotUpdatableInTargetSpace: {
    code: 390004,
    status: 403,
    description: 'You cannot update service instances that have been shared with you',
  },
  SharedServiceInstanceNotDeletableInTargetSpace: {
    code: 390005,
    status: 403,
    description: 'You cannot delete service instances that have been shared with you',
  },
  UserIsInMultipleOrigins: {
    code: 20006,
    status: 400,
    description: 'The user is in multiple origins: %s',
  },
  FeatureFlagNotFound: {
    code: 330000,
    status: 404,
    description: 'The feature flag could not be found: %s',
  },
  FeatureFlagInvalid: { code: 330001, status: 400, description: 'The feature flag is invalid: %s' },
  FeatureDisabled: { code: 330002, status: 403, description: 'Feature Disabled: %s' },
  ServiceInvalid: { code: 120001, status: 400, description: 'The service is invalid: %s' },
  ServiceLabelTaken: { code: 120002, status: 400, description: 'The service label is taken: %s' },
  ServiceNotFound: { code: 120003, status: 404, description: 'The service could not be found: %s' },
  ServicePlanInvalid: { code: 110001, status: 400, description: 'The service plan is invalid: %s' },
  ServicePlanNameTaken: {
    code: 110002,
    status: 400,
    description: 'The service plan name is taken: %s',
  },
  ServicePlanNotFound: {
    code: 110003,
    status: 404,
    description: 'The service plan could not be found: %s',
  },
  ServicePlanVisibilityInvalid: {
    code: 260001,
    status: 400,
    description: 'Service Plan Visibility is invalid: %s',
  },
  ServicePlanVisibilityAlreadyExists: {
    code: 260002,
    status: 400,
    description: 'This combination of ServicePlan and Organization is already taken: %s',
  },
  ServicePlanVisibilityNotFound: {
    code: 260003,
    status: 404,
    description: 'The service plan visibility could not be found: %s',
  },
  ServiceBrokerInvalid: { code: 270001, status: 400, description: 'Service broker is invalid: %s' },
  ServiceBrokerNameTaken: {
    code: 270002,
    status: 400,
    description: 'The service broker name is taken',
  },
  ServiceBrokerNotFound: {
    code: 270004,
    status: 404,
    description: 'The service broker was not found: %s',
  },
  ServiceBrokerNotRemovable: {
    code: 270010,
    status: 400,
    description: 'Can not remove brokers that have associated service instances: %s',
  },
  ServiceBrokerUrlInvalid: { code: 270011, status: 400, description: '%s is not a valid URL' },
  ServiceBrokerCatalogInvalid: {
    code: 270012,
    status: 502,
    description: 'Service broker catalog is invalid: %s',
  },
  ServiceBrokerUrlBasicAuthNotSupported: {
    code: 270016,
    status: 400,
    description: 'User name and password fields in the broker URI are not supported',
  },
  ServiceInstanceNameEmpty: {
    code: 60001,
    status: 400,
    description: 'Service instance name is required.',
  },
  ServiceInstanceNameTaken: {
    code: 60002,
    status: 400,
    description: 'The service instance name is taken: %s',
  },
  ServiceInstanceInvalid: {
    code: 60003,
    status: 400,
    description: 'The service instance is invalid: %s',
  },
  ServiceInstanceNotFound: {
    code: 60004,
    status: 404,
    description: 'The service instance could not be found: %s',
  },
  ServiceInstanceNameTooLong: {
    code: 60009,
    status: 400,
    description:
      'You have requested an invalid service instance name. Names are limited to 255 characters.',
  },
  ServiceInstanceOrganizationNotAuthorized: {
    code: 60010,
    status: 403,
    description:
      'A service instance for the selected plan cannot be created in this organization. The plan is visible because another organization you belong to has access to it.',
  },
  ServiceInstanceSpaceChangeNotAllowed: {
    code: 60014,
    status: 400,
    description: 'Cannot update space for service instance.',
  },
  ServiceInstanceTagsTooLong: {
    code: 60015,
    status: 400,
    description: 'Combined length of tags for service %s must be 2048 characters or less.',
  },
  AsyncServiceInstanceOperationInProgress: {
    code: 60016,
    status: 409,
    description: 'An operation for service instance %s is in progress.',
  },
  ServiceInstanceSpaceNotAuthorized: {
    code: 60018,
    status: 403,
    description: 'A service instance for the selected plan cannot be created in this space.',
  },
  ManagedServiceInstanceNotFound: {
    code: 60028,
    status: 404,
    description: 'The service instance could not be found: %s',
  },
  ServicePlanNotUpdateable: {
    code: 110004,
    status: 400,
    description: 'The service does not support changing plans.',
  },
  ServiceFetchInstanceParametersNotSupported: {
    code: 120004,
    status: 400,
    description: 'This service does not support fetching service instance parameters.',
  },
  ServiceKeyNameTaken: {
    code: 360001,
    status: 400,
    description: 'The service key name is taken: %s',
  },
  ServiceKeyNotFound: {
    code: 360003,
    status: 404,
    description: 'The service key could not be found: %s',
  },
  ServiceKeyNotSupported: { code: 360004, status: 400, description: '%s' },
  MaintenanceInfoNotSupported: {
    code: 390006,
    status: 422,
    description:
      'The service broker does not support upgrades for service instances created from this plan.',
  },
  MaintenanceInfoNotSemver: {
    code: 390007,
    status: 422,
    description: 'maintenance_info.version should be a semantic version.',
  },
  MaintenanceInfoNotUpdatableWhenChangingPlan: {
    code: 390008,
    status: 422,
    description: 'maintenance_info should not be changed when switching to different plan.',
  },
  MaintenanceInfoConflict: {
    code: 390009,
    status: 422,
    description:
      'maintenance_info.version requested is invalid. Please ensure the catalog is up to date and you are providing a version supported by this service plan.',
  },
} as const satisfies Record<string, { code: number; status: number; description: string }>;

export type CfErrorName = keyof typeof CF_ERRORS;

export interface CfErrorBody {
  description: string;
  error_code: string;
  code: number;
}

function fillTemplate(template: string, args: readonly string[]): string {
  let i = 0;
  return template.replace(/%s/g, () => args[i++] ?? '');
}

/** An expected failure: thrown by services, rendered by the one error middleware. */
export class CfError extends Error {
  readonly status: number;
  readonly code: number;
  readonly errorCode: string;

  constructor(name: CfErrorName, ...args: string[]) {
    const entry = CF_ERRORS[name];
    super(fillTemplate(entry.description, args));
    this.name = 'CfError';
    this.status = entry.status;
    this.code = entry.code;
    this.errorCode = `CF-${name}`;
  }

  toBody(): CfErrorBody {
    return { description: this.message, error_code: this.errorCode, code: this.code };
  }
}

export const UNKNOWN_ERROR_BODY = {
  error_code: 'UnknownError',
  description: 'An unknown error occurred.',
  code: 10001,
} as const;
