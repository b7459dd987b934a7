import { CfError } from '../http/cf-errors';
import { brokerDescription, MAINTENANCE_INFO_CONFLICT_FALLBACK } from './error-texts';
import { redactSecrets, truncateDescription } from './redaction';

/** The broker-layer errors of the one table (cf-v2-api.md §5.3): `code: 10001` and an `http` object. */
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
  | 'ServiceBrokerMaintenanceInfoConflict'
  | 'ServiceBrokerInvalidSyslogDrainUrl'
  | 'ServiceBrokerInvalidVolumeMounts';

/** `{method, status}` when the broker answered, `{uri, method}` when it could not be reached. */
export type BrokerErrorHttp = { method: string; status: number } | { uri: string; method: string };

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

/** A broker-layer failure: a `CfError` of the table whose extra data is the `http` object. */
export class BrokerError extends CfError {
  override readonly extra: { http: BrokerErrorHttp };

  /**
   * Each argument is redacted of `secrets` first, then truncated the way CC truncates broker text
   * (above 16 KiB, cut to 8 KiB plus a note), so a cut never leaves half a password behind.
   */
  constructor(
    override readonly errorName: BrokerErrorName,
    readonly http: BrokerErrorHttp,
    args: readonly string[] = [],
    secrets: readonly string[] = [],
  ) {
    super(errorName, ...args.map((arg) => truncateDescription(redactSecrets(arg, secrets))));
    this.name = 'BrokerError';
    this.extra = { http };
  }

  /** 5xx, and any status no rule expects (cf-v2-api.md §4.1). */
  static badResponse(res: BrokerResponseInfo): BrokerError {
    const fallback = `The service broker returned an invalid response. Status Code: ${statusLine(res)}, Body: ${res.body}`;
    return new BrokerError(
      'ServiceBrokerBadResponse',
      responseHttp(res),
      [quoteBroker(res, fallback)],
      res.secrets,
    );
  }

  /** A success status whose body is not what OSB promises (by default: not a JSON object). */
  static responseMalformed(res: BrokerResponseInfo, detail?: string): BrokerError {
    const why = detail ?? `expected valid JSON object in body, broker returned '${res.body}'`;
    return new BrokerError('ServiceBrokerResponseMalformed', responseHttp(res), [why], res.secrets);
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
      responseHttp(res),
      [quoteBroker(res, fallback)],
      res.secrets,
    );
  }

  /** 401 from the broker. */
  static authenticationFailed(res: BrokerResponseInfo): BrokerError {
    return new BrokerError('ServiceBrokerApiAuthenticationFailed', responseHttp(res));
  }

  /** Connection refused or reset, DNS failure, socket closed before a whole answer. */
  static unreachable(req: BrokerRequestInfo): BrokerError {
    return new BrokerError('ServiceBrokerApiUnreachable', requestHttp(req));
  }

  /** Our own deadline passed before the broker finished answering. */
  static clientTimeout(req: BrokerRequestInfo): BrokerError {
    return new BrokerError('HttpClientTimeout', requestHttp(req));
  }

  /** The broker itself answered 408. */
  static apiTimeout(res: BrokerResponseInfo): BrokerError {
    return new BrokerError('ServiceBrokerApiTimeout', responseHttp(res));
  }

  /** 409 on provision and bind (cf-v2-api.md §4.4). */
  static conflict(res: BrokerResponseInfo): BrokerError {
    return new BrokerError(
      'ServiceBrokerConflict',
      responseHttp(res),
      [quoteBroker(res, 'Resource conflict')],
      res.secrets,
    );
  }

  /** 422 `{"error":"AsyncRequired"}` (osb-api.md §3). */
  static asyncRequired(res: BrokerResponseInfo): BrokerError {
    return new BrokerError('AsyncRequired', responseHttp(res));
  }

  /** 422 `{"error":"RequiresApp"}` on a binding without an app (osb-api.md §3). */
  static appRequired(res: BrokerResponseInfo): BrokerError {
    return new BrokerError('AppRequired', responseHttp(res));
  }

  /** 422 `{"error":"ConcurrencyError"}` (osb-api.md §3). */
  static concurrencyError(res: BrokerResponseInfo): BrokerError {
    return new BrokerError('ConcurrencyError', responseHttp(res));
  }

  /** 422 `{"error":"MaintenanceInfoConflict"}`; CC quotes only a non-blank string description here. */
  static maintenanceInfoConflict(res: BrokerResponseInfo): BrokerError {
    const own = brokerDescription(res.body)?.raw;
    const description =
      typeof own === 'string' && own.trim() !== ''
        ? `Service broker error: ${own}`
        : MAINTENANCE_INFO_CONFLICT_FALLBACK;
    return new BrokerError(
      'ServiceBrokerMaintenanceInfoConflict',
      responseHttp(res),
      [description],
      res.secrets,
    );
  }

  /** A binding returned `syslog_drain_url` for a service that does not `require` syslog_drain. */
  static invalidSyslogDrainUrl(res: BrokerResponseInfo): BrokerError {
    return new BrokerError('ServiceBrokerInvalidSyslogDrainUrl', responseHttp(res));
  }

  /** A binding returned `volume_mounts` that fail validation; `detail` names the problem. */
  static invalidVolumeMounts(res: BrokerResponseInfo, detail: string): BrokerError {
    return new BrokerError(
      'ServiceBrokerInvalidVolumeMounts',
      responseHttp(res),
      [detail],
      res.secrets,
    );
  }
}

/**
 * A failure that came from the broker (its answer or its silence), not from Wharf's own rules: what
 * CC prefixes with the operation (cf-v2-api.md §5.3).
 */
export function isBrokerFailure(err: CfError): boolean {
  return (
    err instanceof BrokerError || err.errorName === 'ServiceBrokerRespondedAsyncWhenNotAllowed'
  );
}
