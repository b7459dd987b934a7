/**
 * The one error table: every CF error Wharf emits, with its numeric code, HTTP status and
 * description template (`%s` placeholders filled in order). Copied from errors/v2.yml
 * (cf-v2-api.md §5.1–5.2) and, with `code: 10001`, the broker-layer errors CC raises outside that
 * file (§5.3). Keys are unique; `name` is the wire name (`error_code` = `CF-<name>`) where two
 * errors share one: CC has a `ServiceBrokerRequestRejected` and a `MaintenanceInfoConflict` in both
 * families, with different codes.
 */
interface ErrorEntry {
  code: number;
  status: number;
  description: string;
  name?: string;
}

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
  // CC answers 500 here; a client's bad order-by is a 4xx in Wharf (README, issue 9 item 8).
  OrderByParameterInvalid: { code: 10012, status: 400, description: 'Cannot order by: %s' },
  RateLimitExceeded: { code: 10013, status: 429, description: 'Rate Limit Exceeded' },
  ServiceUnavailable: { code: 10015, status: 503, description: '%s' },
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
  ServiceInstanceRouteServiceURLInvalid: {
    code: 60019,
    status: 400,
    description: 'The route service URL is invalid: %s',
  },
  SpaceDeleteTimeout: {
    code: 290007,
    status: 524,
    description: 'Deletion of space %s timed out before all resources within could be deleted',
  },
  SpaceDeletionFailed: {
    code: 290008,
    status: 502,
    description:
      'Deletion of space %s failed because one or more resources within could not be deleted.\n\n%s',
  },
  OrganizationDeleteTimeout: {
    code: 290009,
    status: 524,
    description: 'Delete of organization %s timed out before all resources within could be deleted',
  },
  OrganizationDeletionFailed: {
    code: 290010,
    status: 502,
    description:
      'Deletion of organization %s failed because one or more resources within could not be deleted.\n\n%s',
  },
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
  ServiceBrokerRespondedAsyncWhenNotAllowed: {
    code: 270017,
    status: 502,
    description:
      'The service broker responded asynchronously to a request, but the accepts_incomplete query parameter was false or not given.',
  },
  /** A 4xx to `GET /v2/catalog` at registration (§4.2): probably not a broker at all. */
  ServiceBrokerCatalogRequestRejected: {
    name: 'ServiceBrokerRequestRejected',
    code: 270020,
    status: 502,
    description:
      'The service broker rejected the request. Status Code: %s. Please check that the URL points to a valid service broker.',
  },
  ServiceBrokerRequestMalformed: {
    code: 270021,
    status: 502,
    description:
      'The service broker returned an invalid response: expected valid JSON object in body. Please check that the URL points to a valid service broker.',
  },
  // Broker-layer errors (§5.3): code 10001, an extra `http` object; '%s' where CC quotes the broker.
  ServiceBrokerBadResponse: { code: 10001, status: 502, description: '%s' },
  ServiceBrokerResponseMalformed: {
    code: 10001,
    status: 502,
    description: 'The service broker returned an invalid response: %s',
  },
  ServiceBrokerRequestRejected: { code: 10001, status: 502, description: '%s' },
  ServiceBrokerApiAuthenticationFailed: {
    code: 10001,
    status: 502,
    description:
      'Authentication with the service broker failed. Double-check that the username and password are correct.',
  },
  ServiceBrokerApiUnreachable: {
    code: 10001,
    status: 502,
    description: 'The service broker could not be reached',
  },
  HttpClientTimeout: {
    code: 10001,
    status: 504,
    description: 'The request to the service broker timed out',
  },
  ServiceBrokerApiTimeout: {
    code: 10001,
    status: 504,
    description: 'The request to the service broker timed out',
  },
  ServiceBrokerConflict: { code: 10001, status: 409, description: '%s' },
  AsyncRequired: {
    code: 10001,
    status: 400,
    description: 'This service plan requires client support for asynchronous service operations.',
  },
  AppRequired: {
    code: 10001,
    status: 400,
    description:
      'This service supports generation of credentials through binding an application only.',
  },
  ConcurrencyError: {
    code: 10001,
    status: 422,
    description:
      'The service broker could not perform this operation in parallel with other running operations',
  },
  ServiceBrokerMaintenanceInfoConflict: {
    name: 'MaintenanceInfoConflict',
    code: 10001,
    status: 422,
    description: '%s',
  },
  ServiceBrokerInvalidSyslogDrainUrl: {
    code: 10001,
    status: 502,
    description:
      'The service is attempting to stream logs from your application, but is not registered as a logging service. Please contact the service provider.',
  },
  ServiceBrokerInvalidVolumeMounts: {
    code: 10001,
    status: 502,
    description: 'The service broker returned an invalid response: %s',
  },
} as const satisfies Record<string, ErrorEntry>;

export type CfErrorName = keyof typeof CF_ERRORS;

/** Extra fields of the v2 body beside the three standard ones (e.g. the broker layer's `http`). */
export type CfErrorExtra = Readonly<Record<string, unknown>>;

export interface CfErrorBody {
  description: string;
  error_code: string;
  code: number;
}

function fillTemplate(template: string, args: readonly string[]): string {
  let i = 0;
  return template.replace(/%s/g, () => args[i++] ?? '');
}

function wireName(name: CfErrorName): string {
  const entry: ErrorEntry = CF_ERRORS[name];
  return entry.name ?? name;
}

export function isCfErrorName(value: unknown): value is CfErrorName {
  return typeof value === 'string' && Object.hasOwn(CF_ERRORS, value);
}

/**
 * An expected failure: thrown by services, presented by `http/error-presenters.ts` (v2 or v3
 * body). It carries its table name, the template arguments and any extra data, so it can be stored
 * (a job's failure) and rebuilt exactly.
 */
export class CfError extends Error {
  readonly status: number;
  readonly code: number;
  readonly errorCode: string;
  readonly args: readonly string[];
  /** Set by subclasses that carry more than the three standard fields. */
  readonly extra: CfErrorExtra | undefined = undefined;

  constructor(
    readonly errorName: CfErrorName,
    ...args: string[]
  ) {
    const entry = CF_ERRORS[errorName];
    super(fillTemplate(entry.description, args));
    this.name = 'CfError';
    this.status = entry.status;
    this.code = entry.code;
    this.errorCode = `CF-${wireName(errorName)}`;
    this.args = args;
  }

  private prefixText = '';

  /** What `prefixWith` put before the template's text ('' when nothing). */
  get prefix(): string {
    return this.prefixText;
  }

  /**
   * CC puts the operation before some broker failures ("Service instance db: …", cf-v2-api.md
   * §5.3). Idempotent, so an error passed up through two layers is prefixed once.
   */
  prefixWith(prefix: string): void {
    if (this.prefixText.startsWith(prefix)) return;
    this.prefixText = `${prefix}${this.prefixText}`;
    this.message = `${prefix}${this.message}`;
  }

  /** The same error with extra body fields. */
  static withExtra(name: CfErrorName, args: readonly string[], extra: CfErrorExtra): CfError {
    return new CfErrorWithExtra(name, args, extra);
  }

  /** The v2 body (cf-v2-api.md §1.7), as `presentV2Error` builds it. */
  toBody(): CfErrorBody & Record<string, unknown> {
    return {
      description: this.message,
      error_code: this.errorCode,
      code: this.code,
      ...this.extra,
    };
  }
}

class CfErrorWithExtra extends CfError {
  constructor(
    name: CfErrorName,
    args: readonly string[],
    override readonly extra: CfErrorExtra,
  ) {
    super(name, ...args);
  }
}

export const UNKNOWN_ERROR_BODY = {
  error_code: 'UnknownError',
  description: 'An unknown error occurred.',
  code: 10001,
} as const;
