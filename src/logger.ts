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

export function createLogger(level: string): Logger {
  return pino({ level, redact: { paths: REDACTED_PATHS, censor: '[REDACTED]' } });
}
