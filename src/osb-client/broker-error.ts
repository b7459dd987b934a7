import type { CfErrorBody } from '../http/cf-errors';
import type { WireError } from '../http/error-middleware';
import { BROKER_ERROR_STATUS, BROKER_ERROR_TEXT, brokerDescription } from './error-texts';
import type { BrokerErrorName } from './error-texts';
import { redactSecrets, truncateDescription } from './redaction';

export { BrokerRegistrationError } from './registration-errors';
export type { BrokerRegistrationErrorName } from './registration-errors';
export type { BrokerErrorName } from './error-texts';

/** `{method, status}` when the broker answered, `{uri, method}` when it could not be reached. */
export type BrokerErrorHttp = { method: string; status: number } | { uri: string; method: string };

export type BrokerErrorBody = CfErrorBody & Record<string, unknown> & { http: BrokerErrorHttp };

/** What the broker answered. `secrets` (the password, the Basic token) are redacted from descriptions. */
export interface BrokerResponseInfo {
  method: string;
  status: number;
  /** Reason phrase for the status, e.g. "Internal Server Error". */
  reason: string;
  /** The response body as text (possibly cut at the client's body limit). */
  body: string;
  secrets?: readonly string[];
}

/** A request that got no answer. */
export interface BrokerRequestInfo {
  method: string;
  uri: string;
  secrets?: readonly string[];
}

/** "Service broker error: <description>" when the broker gave one, else `fallback`. */
function quoteBroker(res: BrokerResponseInfo, fallback: string): string {
  const own = brokerDescription(res.body);
  return own === undefined ? fallback : `Service broker error: ${own.text}`;
}

function statusLine(res: BrokerResponseInfo): string {
  return `${res.status} ${res.reason}`.trim();
}

function responseHttp(res: BrokerResponseInfo): BrokerErrorHttp {
  return { method: res.method.toUpperCase(), status: res.status };
}

/** A transport error's `uri` never carries userinfo or a secret, whatever the caller passed. */
function requestHttp(req: BrokerRequestInfo): BrokerErrorHttp {
  let uri = req.uri;
  try {
    const url = new URL(req.uri);
    url.username = '';
    url.password = '';
    uri = url.toString();
  } catch {
    // Not a URL: keep the text, still redacted below.
  }
  return { uri: redactSecrets(uri, req.secrets ?? []), method: req.method.toUpperCase() };
}

export class BrokerError extends Error implements WireError {
  readonly code = 10001;
  readonly status: number;
  readonly errorCode: string;

  /**
   * `description` is redacted of `secrets` first, then truncated the way CC truncates broker text
   * (above 16 KiB, cut to 8 KiB plus a note), so a cut never leaves half a password behind.
   */
  constructor(
    readonly errorName: BrokerErrorName,
    description: string,
    readonly http: BrokerErrorHttp,
    secrets: readonly string[] = [],
  ) {
    super(truncateDescription(redactSecrets(description, secrets)));
    this.name = 'BrokerError';
    this.status = BROKER_ERROR_STATUS[errorName];
    this.errorCode = `CF-${errorName}`;
  }

  toBody(): BrokerErrorBody {
    return {
      description: this.message,
      error_code: this.errorCode,
      code: this.code,
      http: this.http,
    };
  }

  /** 5xx, and any status no rule expects (cf-v2-api.md §4.1). */
  static badResponse(res: BrokerResponseInfo): BrokerError {
    const fallback = `The service broker returned an invalid response. Status Code: ${statusLine(res)}, Body: ${res.body}`;
    return new BrokerError(
      'ServiceBrokerBadResponse',
      quoteBroker(res, fallback),
      responseHttp(res),
      res.secrets,
    );
  }

  /** A success status whose body is not what OSB promises (by default: not a JSON object). */
  static responseMalformed(res: BrokerResponseInfo, detail?: string): BrokerError {
    const why = detail ?? `expected valid JSON object in body, broker returned '${res.body}'`;
    return new BrokerError(
      'ServiceBrokerResponseMalformed',
      BROKER_ERROR_TEXT.malformedPrefix + why,
      responseHttp(res),
      res.secrets,
    );
  }

  /** The body was larger than the client agreed to buffer; none of it is echoed. */
  static bodyTooLarge(res: BrokerResponseInfo, limitBytes: number): BrokerError {
    return BrokerError.responseMalformed(
      res,
      `the response body is larger than the limit of ${limitBytes} bytes`,
    );
  }

  /** 4xx other than 401/408 (and other than 409/410/422 where the operation gives those a meaning). */
  static requestRejected(res: BrokerResponseInfo): BrokerError {
    const fallback = `The service broker rejected the request. Status Code: ${statusLine(res)}, Body: ${res.body}`;
    return new BrokerError(
      'ServiceBrokerRequestRejected',
      quoteBroker(res, fallback),
      responseHttp(res),
      res.secrets,
    );
  }

  /** 401 from the broker. */
  static authenticationFailed(res: BrokerResponseInfo): BrokerError {
    return new BrokerError(
      'ServiceBrokerApiAuthenticationFailed',
      BROKER_ERROR_TEXT.authenticationFailed,
      responseHttp(res),
    );
  }

  /** Connection refused or reset, DNS failure, socket closed before a whole answer. */
  static unreachable(req: BrokerRequestInfo): BrokerError {
    return new BrokerError(
      'ServiceBrokerApiUnreachable',
      BROKER_ERROR_TEXT.unreachable,
      requestHttp(req),
    );
  }

  /** Our own deadline passed before the broker finished answering. */
  static clientTimeout(req: BrokerRequestInfo): BrokerError {
    return new BrokerError('HttpClientTimeout', BROKER_ERROR_TEXT.timedOut, requestHttp(req));
  }

  /** The broker itself answered 408. */
  static apiTimeout(res: BrokerResponseInfo): BrokerError {
    return new BrokerError(
      'ServiceBrokerApiTimeout',
      BROKER_ERROR_TEXT.timedOut,
      responseHttp(res),
    );
  }

  /** 409 on provision and bind (cf-v2-api.md §4.4). */
  static conflict(res: BrokerResponseInfo): BrokerError {
    return new BrokerError(
      'ServiceBrokerConflict',
      quoteBroker(res, 'Resource conflict'),
      responseHttp(res),
      res.secrets,
    );
  }

  /** 422 `{"error":"AsyncRequired"}` (osb-api.md §3). */
  static asyncRequired(res: BrokerResponseInfo): BrokerError {
    return new BrokerError('AsyncRequired', BROKER_ERROR_TEXT.asyncRequired, responseHttp(res));
  }

  /** 422 `{"error":"RequiresApp"}` on a binding without an app (osb-api.md §3). */
  static appRequired(res: BrokerResponseInfo): BrokerError {
    return new BrokerError('AppRequired', BROKER_ERROR_TEXT.appRequired, responseHttp(res));
  }

  /** 422 `{"error":"ConcurrencyError"}` (osb-api.md §3). */
  static concurrencyError(res: BrokerResponseInfo): BrokerError {
    return new BrokerError('ConcurrencyError', BROKER_ERROR_TEXT.concurrency, responseHttp(res));
  }

  /** 422 `{"error":"MaintenanceInfoConflict"}`; CC quotes only a non-blank string description here. */
  static maintenanceInfoConflict(res: BrokerResponseInfo): BrokerError {
    const own = brokerDescription(res.body)?.raw;
    const description =
      typeof own === 'string' && own.trim() !== ''
        ? `Service broker error: ${own}`
        : BROKER_ERROR_TEXT.maintenanceInfoConflict;
    return new BrokerError('MaintenanceInfoConflict', description, responseHttp(res), res.secrets);
  }

  /** A binding returned `syslog_drain_url` for a service that does not `require` syslog_drain. */
  static invalidSyslogDrainUrl(res: BrokerResponseInfo): BrokerError {
    return new BrokerError(
      'ServiceBrokerInvalidSyslogDrainUrl',
      BROKER_ERROR_TEXT.syslogDrain,
      responseHttp(res),
    );
  }

  /** A binding returned `volume_mounts` that fail validation; `detail` names the problem. */
  static invalidVolumeMounts(res: BrokerResponseInfo, detail: string): BrokerError {
    return new BrokerError(
      'ServiceBrokerInvalidVolumeMounts',
      BROKER_ERROR_TEXT.malformedPrefix + detail,
      responseHttp(res),
      res.secrets,
    );
  }
}
