import { z } from 'zod';
import { ALGORITHMS, PROTOCOLS, SIZES } from './types';
import type { ServiceSpec } from './types';

/** The spec column is JSON written by Wharf; it is still parsed, never cast, when read back. */
const storedSpecSchema = z.object({
  name: z.string(),
  image: z.string(),
  entrypoint: z.array(z.string()),
  cmd: z.array(z.string()),
  env: z.array(z.string()),
  // Absent in rows written before issue 9 item 4.
  secretEnv: z.array(z.string()).default([]),
  workingDir: z.string(),
  volumes: z.array(
    z.object({ volume: z.string(), containerPath: z.string(), readOnly: z.boolean() }),
  ),
  labels: z.record(z.string()),
  tty: z.boolean(),
  stdin: z.boolean(),
  netMode: z.string(),
  stopSignal: z.string(),
  securityGroups: z.array(z.string()),
  servicePort: z.number().int(),
  containerPort: z.number().int(),
  containerSize: z.enum(SIZES),
  serviceSize: z.enum(SIZES),
  replicas: z.number().int(),
  protocol: z.enum(PROTOCOLS),
  sslCert: z.string(),
  healthCheckInterval: z.number().int(),
  healthCheckFall: z.number().int(),
  healthCheckRise: z.number().int(),
  algorithm: z.enum(ALGORITHMS),
  sessionAffinity: z.boolean(),
});

export function parseStoredSpec(json: string): ServiceSpec {
  return storedSpecSchema.parse(JSON.parse(json));
}
