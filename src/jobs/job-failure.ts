import { z } from 'zod';
import { CfError } from '../http/cf-errors';
import type { JobFailure } from './types';

const UNKNOWN = { code: 10001, errorCode: 'UnknownError' } as const;

/** A thrown value as a stored failure: CF errors keep their code and name, anything else is 10001. */
export function toJobFailure(err: unknown): JobFailure {
  if (err instanceof CfError) {
    const body = err.toBody();
    return { code: body.code, errorCode: body.error_code, description: body.description };
  }
  const description = err instanceof Error ? err.message : String(err);
  return { ...UNKNOWN, description };
}

export function failureOf(description: string): JobFailure {
  return { ...UNKNOWN, description };
}

const typedFailure = z.object({ code: z.number(), errorCode: z.string(), description: z.string() });
/** Before failures were typed, a job stored CF's wire body or plain text. */
const wireFailure = z.object({ code: z.number(), error_code: z.string(), description: z.string() });

/** Parses the stored column; older rows' wire bodies and plain text stay readable. */
export function parseJobFailure(stored: string | null): JobFailure | null {
  if (stored === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(stored);
  } catch {
    return failureOf(stored);
  }
  const typed = typedFailure.safeParse(json);
  if (typed.success) return typed.data;
  const wire = wireFailure.safeParse(json);
  if (wire.success)
    return {
      code: wire.data.code,
      errorCode: wire.data.error_code,
      description: wire.data.description,
    };
  return failureOf(stored);
}

export function serializeJobFailure(failure: JobFailure): string {
  return JSON.stringify({
    code: failure.code,
    errorCode: failure.errorCode,
    description: failure.description,
  });
}
