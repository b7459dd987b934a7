import { z } from 'zod';
import { ALGORITHMS, PROTOCOLS, SIZES } from '../types';

const oneOf = (values: readonly string[]): string => `must be one of ${values.join(', ')}`;
const port = (field: string): z.ZodNumber =>
  z
    .number({ invalid_type_error: `${field} must be an integer` })
    .int(`${field} must be an integer`)
    .min(1, `${field} must be between 1 and 65535`)
    .max(65535, `${field} must be between 1 and 65535`);

/** Docker's StrSlice: a bare string decodes as a one-element array (reference §2.1). */
const strSlice = z.union([z.string().transform((s) => [s]), z.array(z.string())]).nullish();

/** Hyper sends sets as objects whose keys are the members; an array is accepted as a kindness. */
const stringSet = z.union([z.record(z.object({}).passthrough()), z.array(z.string())]).nullish();

const positiveInt = (field: string): z.ZodNumber =>
  z
    .number({ invalid_type_error: `${field} must be an integer` })
    .int(`${field} must be an integer`)
    .min(1, `${field} must be at least 1`);

/** The create body, wire names exactly as reference §2.1; unknown and output-only keys are ignored. */
export const createServiceBodySchema = z.object({
  Name: z
    .string({ required_error: 'Name is required' })
    .regex(
      /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
      'Name must be 1-63 lowercase letters, digits or dashes (it becomes a DNS name)',
    ),
  Image: z.string({ required_error: 'Image is required' }).min(1, 'Image is required'),
  Entrypoint: strSlice,
  Cmd: strSlice,
  Env: z.array(z.string()).nullish(),
  /** Wharf extension: keys of Env whose values are secret (the instance bridge sets it). */
  SecretEnv: z.array(z.string()).nullish(),
  WorkingDir: z.string().nullish(),
  Volumes: stringSet,
  Labels: z.record(z.string()).nullish(),
  Tty: z.boolean().nullish(),
  Stdin: z.boolean().nullish(),
  NetMode: z.enum(['bridge', ''], { message: 'NetMode: only bridge is supported' }).nullish(),
  StopSignal: z
    .string()
    .regex(/^(SIG[A-Z0-9+-]+)?$/, 'StopSignal must be a signal name like SIGTERM')
    .nullish(),
  SecurityGroups: stringSet,
  ServicePort: port('ServicePort'),
  ContainerPort: port('ContainerPort').nullish(),
  ContainerSize: z.enum(SIZES, { message: `ContainerSize ${oneOf(SIZES)}` }).nullish(),
  ServiceSize: z.enum(SIZES, { message: `ServiceSize ${oneOf(SIZES)}` }).nullish(),
  Replicas: positiveInt('Replicas').nullish(),
  Protocol: z.enum(PROTOCOLS, { message: `Protocol ${oneOf(PROTOCOLS)}` }).nullish(),
  SSLCert: z.string().nullish(),
  HealthCheckInterval: positiveInt('HealthCheckInterval').nullish(),
  HealthCheckFall: positiveInt('HealthCheckFall').nullish(),
  HealthCheckRise: positiveInt('HealthCheckRise').nullish(),
  Algorithm: z.enum(ALGORITHMS, { message: `Algorithm ${oneOf(ALGORITHMS)}` }).nullish(),
  SessionAffinity: z.boolean().nullish(),
});
export type CreateServiceBody = z.infer<typeof createServiceBodySchema>;

/** `POST /services/:name/update`: each key optional, absent = leave as is (reference §3.4). */
export const updateServiceBodySchema = z.object({
  Replicas: positiveInt('Replicas').optional(),
  Image: z.string().min(1, 'Image must not be empty').optional(),
  FIP: z.string().optional(),
});
export type UpdateServiceBody = z.infer<typeof updateServiceBodySchema>;

/** Turns zod issues into one message that names every bad field. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const field = issue.path.map(String).join('.');
      const text = issue.message;
      // Our own messages already start with the field name; zod's generic ones do not.
      return field === '' || text.startsWith(field.split('.')[0] ?? '')
        ? text
        : `${field}: ${text}`;
    })
    .join('; ');
}
