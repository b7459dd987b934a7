import { CfError, isCfErrorName } from './cf-errors';
import type { CfErrorExtra, CfErrorName } from './cf-errors';
import { isPlainObject } from './plain-object';

/**
 * A `CfError` as JSON (e.g. a job's failure column): the table name, the template arguments and
 * the extra data, from which the same error (and so the same v2 or v3 body) is rebuilt.
 */
export interface StoredCfError {
  name: CfErrorName;
  args: string[];
  extra?: Record<string, unknown>;
  /** The operation CC put before the description (`CfError.prefixWith`). */
  prefix?: string;
}

export function toStoredError(err: CfError): StoredCfError {
  return {
    name: err.errorName,
    args: [...err.args],
    ...(err.extra === undefined ? {} : { extra: { ...err.extra } }),
    ...(err.prefix === '' ? {} : { prefix: err.prefix }),
  };
}

const isRecord = isPlainObject;

/** Parses what `toStoredError` wrote; `undefined` for anything else (an older row, a foreign shape). */
export function parseStoredError(value: unknown): StoredCfError | undefined {
  if (!isRecord(value) || !isCfErrorName(value.name)) return undefined;
  const args = value.args;
  if (!Array.isArray(args) || !args.every((a): a is string => typeof a === 'string'))
    return undefined;
  const extra = value.extra;
  if (extra !== undefined && !isRecord(extra)) return undefined;
  const prefix = value.prefix;
  if (prefix !== undefined && typeof prefix !== 'string') return undefined;
  return {
    name: value.name,
    args,
    ...(extra === undefined ? {} : { extra }),
    ...(prefix === undefined ? {} : { prefix }),
  };
}

export function fromStoredError(stored: StoredCfError): CfError {
  const extra: CfErrorExtra | undefined = stored.extra;
  const err =
    extra === undefined
      ? new CfError(stored.name, ...stored.args)
      : CfError.withExtra(stored.name, stored.args, extra);
  if (stored.prefix !== undefined) err.prefixWith(stored.prefix);
  return err;
}
