import path from 'node:path';
import net from 'node:net';
import { z } from 'zod';
import { parsePortRange } from './containers';
import { MASTER_KEY_PROBLEM, parseMasterKey } from './secrets';
import type { PortRange } from './containers';

function commaList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}

function isAddressOrCidr(entry: string): boolean {
  const [address = '', prefix, extra] = entry.split('/');
  const family = net.isIP(address);
  if (family === 0 || extra !== undefined) return false;
  if (prefix === undefined) return true;
  const bits = Number(prefix);
  return /^\d+$/.test(prefix) && bits <= (family === 4 ? 32 : 128);
}

const envSchema = z.object({
  WHARF_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  WHARF_HOST: z.string().min(1).default('127.0.0.1'),
  WHARF_DATA_DIR: z.string().min(1).default('./data'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'only postgres:// URLs are supported (unset means SQLite)')
    .optional(),
  WHARF_ADMIN_PASSWORD: z.string().min(1).optional(),
  WHARF_EXTERNAL_URL: z.string().url().optional(),
  WHARF_DB_ENCRYPTION_KEY: z.string().optional(),
  // Validated here so a bad value stops `wharf serve` before anything starts; never echoed.
  WHARF_MASTER_KEY: z
    .string()
    .refine((value) => parseMasterKey(value) !== undefined, MASTER_KEY_PROBLEM)
    .optional(),
  WHARF_KEY_REFRESH_SECONDS: z.coerce.number().positive().default(10),
  WHARF_LEADER_LEASE_SECONDS: z.coerce.number().positive().default(10),
  WHARF_BROKER_USERNAME: z.string().optional(),
  WHARF_BROKER_PASSWORD: z.string().optional(),
  WHARF_TRUSTED_ISSUER: z.string().optional(),
  WHARF_TRUSTED_PUBLIC_KEY_FILE: z.string().optional(),
  WHARF_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(1200),
  WHARF_REFRESH_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().default(2592000),
  WHARF_LOGIN_MAX_FAILURES: z.coerce.number().int().positive().default(5),
  WHARF_LOGIN_LOCKOUT_SECONDS: z.coerce.number().int().positive().default(300),
  WHARF_LOGIN_MAX_ADDRESS_FAILURES: z.coerce.number().int().positive().default(20),
  WHARF_INSTALLATION_ID: z.string().min(1).optional(),
  DOCKER_HOST: z.string().optional(),
  WHARF_CONTAINER_ENGINE: z
    .string()
    .default('docker')
    .refine((v): v is ContainerEngine => v === 'docker' || v === 'swarm', {
      message: 'expected docker or swarm (the engine container services run on)',
    }),
  WHARF_LB_IMAGE: z.string().min(1).default('haproxy:2.6'),
  WHARF_PUBLISH_HOST: z.string().min(1).default('127.0.0.1'),
  WHARF_FIP_POOL: z.string().default(''),
  WHARF_PUBLISH_PORTS: z
    .string()
    .default('30000-32767')
    .transform((text, ctx) => {
      const range = parsePortRange(text);
      if (range === undefined) {
        ctx.addIssue({ code: 'custom', message: 'expected <first>-<last> within 1-65535' });
        return z.NEVER;
      }
      return range;
    }),
  WHARF_MAX_REPLICAS: z.coerce.number().int().positive().default(20),
  WHARF_ALLOWED_REGISTRIES: z.string().default('docker.io'),
  WHARF_TENANT_MAX_SERVICES: z.coerce.number().int().positive().default(50),
  WHARF_TENANT_MAX_REPLICAS: z.coerce.number().int().positive().default(100),
  WHARF_REPLICA_START_TIMEOUT_SECONDS: z.coerce.number().positive().default(120),
  WHARF_BROKER_TIMEOUT_SECONDS: z.coerce.number().positive().default(60),
  WHARF_POLL_INTERVAL_SECONDS: z.coerce.number().positive().default(5),
  WHARF_MAX_POLL_DURATION_SECONDS: z.coerce.number().positive().default(604800),
  WHARF_ORPHAN_MITIGATION_BASE_SECONDS: z.coerce.number().positive().default(60),
  WHARF_CONTAINER_SYNC_TIMEOUT_SECONDS: z.coerce.number().positive().default(300),
  WHARF_BROKER_SYNC_TIMEOUT_SECONDS: z.coerce.number().positive().default(50),
  WHARF_JOB_TICK_MS: z.coerce.number().int().positive().default(1000),
  WHARF_JOB_LEASE_SECONDS: z.coerce.number().positive().default(30),
  WHARF_JOB_RETENTION_SECONDS: z.coerce.number().positive().default(604800),
  WHARF_SUPPORT_URL: z.string().url().optional(),
  WHARF_TRUSTED_PROXIES: z
    .string()
    .default('')
    .refine((value) => commaList(value).every(isAddressOrCidr), {
      message: 'expected a comma list of IP addresses or CIDRs',
    }),
  WHARF_SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().positive().default(10),
  WHARF_BROKER_RESYNC_SECONDS: z.coerce.number().int().min(0).default(3600),
  WHARF_METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  WHARF_UI_SESSION_IDLE_SECONDS: z.coerce.number().int().positive().default(1800),
  WHARF_UI_SESSION_MAX_SECONDS: z.coerce.number().int().positive().default(43200),
  WHARF_LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
    .default('info'),
});

/**
 * Variables only the test and benchmark tooling reads; listed so that `serve` does not warn about
 * them as misspelt settings.
 */
const TOOLING_VARIABLES = [
  'WHARF_REQUIRE_DOCKER',
  'WHARF_REQUIRE_BROWSER',
  'WHARF_CHROMIUM',
  'WHARF_SPEC_LOG',
  'WHARF_TEST_DATABASE',
  'WHARF_TEST_ENGINES',
  'WHARF_WRITE_HAPROXY_FIXTURES',
] as const;

/** Every `WHARF_*` name Wharf knows: unknown ones get a "did you mean" warning at start. */
export const KNOWN_SETTINGS: readonly string[] = [
  ...Object.keys(envSchema.shape).filter((name) => name.startsWith('WHARF_')),
  ...TOOLING_VARIABLES,
];

/** Where container services run: one Docker Engine, or a Docker Swarm whose manager is DOCKER_HOST. */
export type ContainerEngine = 'docker' | 'swarm';

export interface ContainersConfig {
  /** Absent (programmatic configs of specs and tools) means docker. */
  engine?: ContainerEngine;
  dockerHost: string | undefined;
  lbImage: string;
  publishHost: string;
  fipPool: readonly string[];
  /** Host ports ServicePort is published on, one per service, allocated once and kept. */
  publishPorts: PortRange;
  maxReplicas: number;
  /** Registry hosts `Image` may name; images already in the engine are allowed too. */
  allowedRegistries: readonly string[];
  /** Per tenant (admins are exempt): how many services, and replicas summed over them. */
  tenantMaxServices: number;
  tenantMaxReplicas: number;
  /**
   * How long the reconciler leader's lease lasts without renewal: another process takes over at
   * most this plus a quarter of it after the leader dies. Absent: 10 s.
   */
  leaderLeaseMs?: number;
  /**
   * How long a change's replicas may take to become healthy before it fails (a rolling update
   * is rolled back); default 120 s.
   */
  replicaStartTimeoutMs?: number;
}

export interface AuthConfig {
  tokenTtlSeconds: number;
  refreshTokenTtlSeconds: number;
  loginMaxFailures: number;
  loginLockoutSeconds: number;
  loginMaxAddressFailures: number;
  /** Direct peers whose X-Forwarded-For is believed (addresses or CIDRs); empty: none. */
  trustedProxies: readonly string[];
  /** An external UAA whose RS256 tokens are trusted besides Wharf's own. */
  trustedIssuer: { issuer: string; publicKeyFile: string } | undefined;
}

export interface OperationsConfig {
  brokerTimeoutMs: number;
  /** Every broker's catalog is re-synced this often; 0: never on a schedule. */
  brokerResyncSeconds: number;
  pollIntervalMs: number;
  maxPollDurationMs: number;
  orphanMitigationBaseMs: number;
  jobTickMs: number;
  /** How long a job's claim holds without a heartbeat; a dead process's jobs resume after it. */
  jobLeaseMs: number;
  /** Finished jobs are pruned after this. */
  jobRetentionMs: number;
  containerSyncTimeoutMs: number;
  /** How long /broker/v2 waits for the engine without accepts_incomplete (below CC's 60 s). */
  osbSyncTimeoutMs: number;
}

export interface UiConfig {
  /** A dashboard session ends after this long without a request… */
  sessionIdleSeconds: number;
  /** …and after this long in any case. */
  sessionMaxSeconds: number;
  /** A Prometheus scraper's static bearer token for /metrics (besides admin tokens). */
  metricsToken: string | undefined;
}

export interface WharfConfig {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Fixes the installation id (the wharf.owner label) on first start; see src/installation. */
  installationId: string | undefined;
  adminPassword: string | undefined;
  externalUrl: string;
  encryptionKey: string | undefined;
  /**
   * Seals the installation's key material in the database (WHARF_MASTER_KEY, the same in every
   * process); unset: the keys stay in files in the data directory.
   */
  masterKey: string | undefined;
  /** How often each process re-reads the key material (so a rotation anywhere takes effect). */
  keyRefreshMs: number;
  brokerUsername: string | undefined;
  brokerPassword: string | undefined;
  logLevel: string;
  /** The operator's support address for `/v2/info`; null when not set (nothing is invented). */
  supportUrl: string | null;
  /** How long a stopping `serve` lets in-flight requests finish before closing them. */
  shutdownTimeoutMs: number;
  auth: AuthConfig;
  containers: ContainersConfig;
  operations: OperationsConfig;
  ui: UiConfig;
}

/** Reads every setting once; the only place in Wharf that looks at process.env. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): WharfConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  const trusted =
    e.WHARF_TRUSTED_ISSUER && e.WHARF_TRUSTED_PUBLIC_KEY_FILE
      ? { issuer: e.WHARF_TRUSTED_ISSUER, publicKeyFile: e.WHARF_TRUSTED_PUBLIC_KEY_FILE }
      : undefined;
  return {
    port: e.WHARF_PORT,
    host: e.WHARF_HOST,
    dataDir: path.resolve(e.WHARF_DATA_DIR),
    databaseUrl: e.DATABASE_URL,
    installationId: e.WHARF_INSTALLATION_ID,
    adminPassword: e.WHARF_ADMIN_PASSWORD,
    externalUrl: (e.WHARF_EXTERNAL_URL ?? `http://${e.WHARF_HOST}:${e.WHARF_PORT}`).replace(
      /\/$/,
      '',
    ),
    encryptionKey: e.WHARF_DB_ENCRYPTION_KEY,
    masterKey: e.WHARF_MASTER_KEY?.trim(),
    keyRefreshMs: e.WHARF_KEY_REFRESH_SECONDS * 1000,
    brokerUsername: e.WHARF_BROKER_USERNAME,
    brokerPassword: e.WHARF_BROKER_PASSWORD,
    logLevel: e.WHARF_LOG_LEVEL,
    supportUrl: e.WHARF_SUPPORT_URL ?? null,
    shutdownTimeoutMs: e.WHARF_SHUTDOWN_TIMEOUT_SECONDS * 1000,
    auth: {
      trustedProxies: commaList(e.WHARF_TRUSTED_PROXIES),
      tokenTtlSeconds: e.WHARF_TOKEN_TTL_SECONDS,
      refreshTokenTtlSeconds: e.WHARF_REFRESH_TOKEN_TTL_SECONDS,
      loginMaxFailures: e.WHARF_LOGIN_MAX_FAILURES,
      loginLockoutSeconds: e.WHARF_LOGIN_LOCKOUT_SECONDS,
      loginMaxAddressFailures: e.WHARF_LOGIN_MAX_ADDRESS_FAILURES,
      trustedIssuer: trusted,
    },
    ui: {
      sessionIdleSeconds: e.WHARF_UI_SESSION_IDLE_SECONDS,
      sessionMaxSeconds: e.WHARF_UI_SESSION_MAX_SECONDS,
      metricsToken: e.WHARF_METRICS_TOKEN,
    },
    operations: {
      brokerTimeoutMs: e.WHARF_BROKER_TIMEOUT_SECONDS * 1000,
      brokerResyncSeconds: e.WHARF_BROKER_RESYNC_SECONDS,
      pollIntervalMs: e.WHARF_POLL_INTERVAL_SECONDS * 1000,
      maxPollDurationMs: e.WHARF_MAX_POLL_DURATION_SECONDS * 1000,
      orphanMitigationBaseMs: e.WHARF_ORPHAN_MITIGATION_BASE_SECONDS * 1000,
      jobTickMs: e.WHARF_JOB_TICK_MS,
      jobLeaseMs: e.WHARF_JOB_LEASE_SECONDS * 1000,
      jobRetentionMs: e.WHARF_JOB_RETENTION_SECONDS * 1000,
      containerSyncTimeoutMs: e.WHARF_CONTAINER_SYNC_TIMEOUT_SECONDS * 1000,
      osbSyncTimeoutMs: e.WHARF_BROKER_SYNC_TIMEOUT_SECONDS * 1000,
    },
    containers: {
      engine: e.WHARF_CONTAINER_ENGINE === 'swarm' ? 'swarm' : 'docker',
      dockerHost: e.DOCKER_HOST,
      lbImage: e.WHARF_LB_IMAGE,
      publishHost: e.WHARF_PUBLISH_HOST,
      fipPool: commaList(e.WHARF_FIP_POOL),
      publishPorts: e.WHARF_PUBLISH_PORTS,
      maxReplicas: e.WHARF_MAX_REPLICAS,
      allowedRegistries: commaList(e.WHARF_ALLOWED_REGISTRIES),
      tenantMaxServices: e.WHARF_TENANT_MAX_SERVICES,
      tenantMaxReplicas: e.WHARF_TENANT_MAX_REPLICAS,
      leaderLeaseMs: e.WHARF_LEADER_LEASE_SECONDS * 1000,
      replicaStartTimeoutMs: e.WHARF_REPLICA_START_TIMEOUT_SECONDS * 1000,
    },
  };
}
