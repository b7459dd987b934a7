import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import { LB_ADMIN_PORT } from '../../deployment-plan';
import type { ObservedLb } from '../driver';
import { toDriverError } from './errors';

/**
 * Talks to HAProxy's runtime API on the LB container's own loopback, from inside the container:
 * nothing is published, so neither the host's other processes nor the replicas can reach it.
 * The client is whatever the LB image has: socat, busybox nc (Alpine-style and the test image),
 * or bash's /dev/tcp (the official Debian-based haproxy images).
 */
const CLIENT_SCRIPT = [
  'c="$1"',
  'if command -v socat >/dev/null 2>&1; then',
  `  printf '%s\\n' "$c" | socat stdio tcp4:127.0.0.1:${LB_ADMIN_PORT}`,
  'elif command -v nc >/dev/null 2>&1; then',
  `  printf '%s\\n' "$c" | nc 127.0.0.1 ${LB_ADMIN_PORT}`,
  'else',
  `  exec bash -c 'exec 3<>/dev/tcp/127.0.0.1/${LB_ADMIN_PORT}; printf "%s\\n" "$0" >&3; cat <&3' "$c"`,
  'fi',
].join('\n');

const TIMEOUT_MS = 3000;

/** Runs one runtime API command in the LB container and answers its output. */
export async function runInLb(
  docker: Docker,
  containerId: string,
  command: string,
): Promise<string> {
  const exec = await docker.getContainer(containerId).exec({
    Cmd: ['sh', '-c', CLIENT_SCRIPT, 'wharf-runtime-api', command],
    AttachStdout: true,
    AttachStderr: true,
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (chunk: Buffer) => out.push(chunk));
  stderr.on('data', (chunk: Buffer) => err.push(chunk));
  docker.modem.demuxStream(stream, stdout, stderr);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      stream.destroy();
      reject(new Error(`HAProxy runtime API timed out (${command})`));
    }, TIMEOUT_MS);
    stream.on('end', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    stream.on('error', (e: Error) => {
      clearTimeout(timer);
      reject(e);
    });
  });
  const info = await exec.inspect();
  if (info.ExitCode !== 0 && info.ExitCode !== null) {
    const reason = Buffer.concat(err).toString('utf8').trim() || `exit code ${info.ExitCode}`;
    throw new Error(`HAProxy runtime API unreachable (${command}): ${reason}`);
  }
  return Buffer.concat(out).toString('utf8');
}

/** `runInLb` for a driver: a failure becomes a DriverError naming the load balancer. */
export async function askLoadBalancer(
  docker: Docker,
  lb: ObservedLb,
  command: string,
): Promise<string> {
  try {
    return await runInLb(docker, lb.id, command);
  } catch (err) {
    throw toDriverError(err, `asking load balancer ${lb.name}`);
  }
}

/** The engine answers at all (start-up and `/readyz`). */
export async function pingEngine(docker: Docker): Promise<void> {
  await docker.ping().catch((err: unknown) => {
    throw toDriverError(err, 'pinging Docker');
  });
}
