import type { CfErrorBody } from '../http/cf-errors';
import type { WireError } from '../http/error-middleware';

/** Registration-time errors from errors/v2.yml (cf-v2-api.md §4.2, §5.2); all answer 502. */
export type BrokerRegistrationErrorName =
  'ServiceBrokerCatalogInvalid' | 'ServiceBrokerRequestRejected' | 'ServiceBrokerRequestMalformed';

const REGISTRATION_CODES: Readonly<Record<BrokerRegistrationErrorName, number>> = {
  ServiceBrokerCatalogInvalid: 270012,
  ServiceBrokerRequestRejected: 270020,
  ServiceBrokerRequestMalformed: 270021,
};

/** Self-contained so the broker feature needs no entry in the shared CfError table. */
export class BrokerRegistrationError extends Error implements WireError {
  readonly status = 502;
  readonly code: number;
  readonly errorCode: string;

  constructor(
    readonly errorName: BrokerRegistrationErrorName,
    description: string,
  ) {
    super(description);
    this.name = 'BrokerRegistrationError';
    this.code = REGISTRATION_CODES[errorName];
    this.errorCode = `CF-${errorName}`;
  }

  toBody(): CfErrorBody & Record<string, unknown> {
    return { description: this.message, error_code: this.errorCode, code: this.code };
  }

  /** `problems` is `validateCatalog`'s text: it starts with a newline, as CC's formatter does. */
  static catalogInvalid(problems: string): BrokerRegistrationError {
    return new BrokerRegistrationError(
      'ServiceBrokerCatalogInvalid',
      `Service broker catalog is invalid: ${problems}`,
    );
  }

  /** A 4xx (not 401/408) to `GET /v2/catalog`: probably not a broker at all. */
  static requestRejected(status: number, reason: string): BrokerRegistrationError {
    const statusLine = `${status} ${reason}`.trim();
    return new BrokerRegistrationError(
      'ServiceBrokerRequestRejected',
      `The service broker rejected the request. Status Code: ${statusLine}. Please check that the URL points to a valid service broker.`,
    );
  }

  /** A 200 to `GET /v2/catalog` whose body is not a JSON object. */
  static requestMalformed(): BrokerRegistrationError {
    return new BrokerRegistrationError(
      'ServiceBrokerRequestMalformed',
      'The service broker returned an invalid response: expected valid JSON object in body. Please check that the URL points to a valid service broker.',
    );
  }
}
