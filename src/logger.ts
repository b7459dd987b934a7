import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** Paths of values that must never reach a log line, wherever they appear. */
const REDACTED_PATHS = [
  'password',
  '*.password',
  'auth_password',
  '*.auth_password',
  'authPassword',
  '*.authPassword',
  'credentials',
  '*.credentials',
  'req.headers.authorization',
  'headers.authorization',
  'SSLCert',
  '*.SSLCert',
];

/** `destination` lets specs read the lines; by default they go to stdout. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  const options = { level, redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' } };
  return destination === undefined ? pino(options) : pino(options, destination);
}
