import type { Response } from 'supertest';

export const CF_JSON = 'application/json;charset=utf-8';
const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
export const REQUEST_ID_PATTERN = new RegExp(`^${UUID}$`);

export interface CfErrorBody {
  description: string;
  error_code: string;
  code: number;
}

/**
 * A CF error answer exactly as reference §1.7 describes it: status, the whole body, CC's content
 * type, the trailing newline and a request id.
 */
export function expectCfError(res: Response, status: number, body: CfErrorBody): void {
  expect({
    status: res.status,
    contentType: res.headers['content-type'],
    body: res.body,
    text: res.text,
  }).toEqual({ status, contentType: CF_JSON, body, text: `${JSON.stringify(body)}\n` });
  expect(res.headers['x-vcap-request-id']).toMatch(REQUEST_ID_PATTERN);
}

/** The reference's generic errors (§5.1), for the cases specs meet again and again. */
export const NOT_AUTHENTICATED: CfErrorBody = {
  description: 'Authentication error',
  error_code: 'CF-NotAuthenticated',
  code: 10002,
};
export const INVALID_AUTH_TOKEN: CfErrorBody = {
  description: 'Invalid Auth Token',
  error_code: 'CF-InvalidAuthToken',
  code: 1000,
};
export const INSUFFICIENT_SCOPE: CfErrorBody = {
  description: 'Your token lacks the necessary scopes to access this resource.',
  error_code: 'CF-InsufficientScope',
  code: 10007,
};
export const NOT_AUTHORIZED: CfErrorBody = {
  description: 'You are not authorized to perform the requested action',
  error_code: 'CF-NotAuthorized',
  code: 10003,
};
export const UNKNOWN_REQUEST: CfErrorBody = {
  description: 'Unknown request',
  error_code: 'CF-NotFound',
  code: 10000,
};

export function messageParseError(detail: string): CfErrorBody {
  return {
    description: `Request invalid due to parse error: ${detail}`,
    error_code: 'CF-MessageParseError',
    code: 1001,
  };
}

export function badQueryParameter(detail: string): CfErrorBody {
  return {
    description: `The query parameter is invalid: ${detail}`,
    error_code: 'CF-BadQueryParameter',
    code: 10005,
  };
}

/** A success answer: status, CC's content type and a request id. */
export function expectCfJson(res: Response, status: number): void {
  expect({ status: res.status, contentType: res.headers['content-type'] }).toEqual({
    status,
    contentType: CF_JSON,
  });
  expect(res.headers['x-vcap-request-id']).toMatch(REQUEST_ID_PATTERN);
}
