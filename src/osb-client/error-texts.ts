/**
 * Broker-layer errors (cf-v2-api.md §5.3): not in errors/v2.yml, so CC renders them with
 * `code: 10001`, `error_code: "CF-<Name>"` and an extra `http` object.
 */
export type BrokerErrorName =
  | 'ServiceBrokerBadResponse'
  | 'ServiceBrokerResponseMalformed'
  | 'ServiceBrokerRequestRejected'
  | 'ServiceBrokerApiAuthenticationFailed'
  | 'ServiceBrokerApiUnreachable'
  | 'HttpClientTimeout'
  | 'ServiceBrokerApiTimeout'
  | 'ServiceBrokerConflict'
  | 'AsyncRequired'
  | 'AppRequired'
  | 'ConcurrencyError'
  | 'MaintenanceInfoConflict'
  | 'ServiceBrokerInvalidSyslogDrainUrl'
  | 'ServiceBrokerInvalidVolumeMounts';

export const BROKER_ERROR_STATUS: Readonly<Record<BrokerErrorName, number>> = {
  ServiceBrokerBadResponse: 502,
  ServiceBrokerResponseMalformed: 502,
  ServiceBrokerRequestRejected: 502,
  ServiceBrokerApiAuthenticationFailed: 502,
  ServiceBrokerApiUnreachable: 502,
  HttpClientTimeout: 504,
  ServiceBrokerApiTimeout: 504,
  ServiceBrokerConflict: 409,
  AsyncRequired: 400,
  AppRequired: 400,
  ConcurrencyError: 422,
  MaintenanceInfoConflict: 422,
  ServiceBrokerInvalidSyslogDrainUrl: 502,
  ServiceBrokerInvalidVolumeMounts: 502,
};

/** The fixed texts of §5.3; the others quote the broker. */
export const BROKER_ERROR_TEXT = {
  authenticationFailed:
    'Authentication with the service broker failed. Double-check that the username and password are correct.',
  unreachable: 'The service broker could not be reached',
  timedOut: 'The request to the service broker timed out',
  asyncRequired: 'This service plan requires client support for asynchronous service operations.',
  appRequired:
    'This service supports generation of credentials through binding an application only.',
  concurrency:
    'The service broker could not perform this operation in parallel with other running operations',
  maintenanceInfoConflict:
    'The service broker did not provide a reason for this conflict, please ensure the catalog is up to date and you are providing a version supported by this service plan',
  syslogDrain:
    'The service is attempting to stream logs from your application, but is not registered as a logging service. Please contact the service provider.',
  malformedPrefix: 'The service broker returned an invalid response: ',
} as const;

/**
 * The broker's own `description` when its body is a JSON object with that key (CC checks the key,
 * not the type: a non-string value is shown as JSON). `raw` keeps the value for stricter callers.
 */
export function brokerDescription(body: string): { text: string; raw: unknown } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  if (!('description' in parsed)) return undefined;
  const raw: unknown = parsed.description;
  if (typeof raw === 'string') return { text: raw, raw };
  return { text: raw === null ? '' : JSON.stringify(raw), raw };
}
