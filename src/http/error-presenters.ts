import type { CfError, CfErrorBody } from './cf-errors';

/** The v2 body (cf-v2-api.md §1.7): the three standard fields plus the error's extra data. */
export function presentV2Error(err: CfError): CfErrorBody & Record<string, unknown> {
  return { description: err.message, error_code: err.errorCode, code: err.code, ...err.extra };
}

export interface V3ErrorBody {
  errors: { code: number; title: string; detail: string }[];
}

/** The v3 body: `{"errors":[{"code","title","detail"}]}`, `title` being the `CF-<Name>`. */
export function presentV3Error(err: CfError): V3ErrorBody {
  return { errors: [{ code: err.code, title: err.errorCode, detail: err.message }] };
}
