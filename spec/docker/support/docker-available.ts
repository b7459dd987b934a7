import { execFileSync } from 'node:child_process';
import path from 'node:path';

export type DockerStatus = { ok: true } | { ok: false; reason: string };

/** Asks the engine the docker CLI points at (DOCKER_HOST honoured) whether it answers. */
export function dockerStatus(): DockerStatus {
  try {
    execFileSync('docker', ['info', '--format', '{{.ServerVersion}}'], {
      stdio: 'pipe',
      timeout: 10000,
    });
    return { ok: true };
  } catch (err) {
    const stderr =
      typeof err === 'object' && err !== null && 'stderr' in err ? String(err.stderr) : '';
    const reason = stderr.trim() || (err instanceof Error ? err.message : 'unknown error');
    return { ok: false, reason: reason.split('\n')[0] ?? reason };
  }
}

/**
 * `describe` for specs that need the real engine. Without one they are reported as skipped with
 * the reason, except when WHARF_REQUIRE_DOCKER=1 (CI), where a missing engine is a failure.
 */
export function describeWithDocker(name: string, body: () => void): void {
  const status = dockerStatus();
  if (status.ok) {
    describe(name, body);
    return;
  }
  if (process.env.WHARF_REQUIRE_DOCKER === '1') {
    describe(name, () => {
      it('needs a reachable Docker Engine (WHARF_REQUIRE_DOCKER=1)', () => {
        throw new Error(`Docker Engine unreachable: ${status.reason}`);
      });
    });
    return;
  }
  // Jest hides the names of skipped tests unless --verbose; say why on stderr as well.
  console.warn(`${name}: skipped, Docker Engine unreachable (${status.reason})`);
  describe.skip(name, () => {
    it(`skipped: Docker Engine unreachable (${status.reason})`, () => undefined);
  });
}

/** Builds the test images (idempotent; a no-op when they exist). */
export function buildTestImages(): string {
  const script = path.join(__dirname, '../../../fixtures/images/build.sh');
  return execFileSync('sh', [script], { encoding: 'utf8', stdio: 'pipe', timeout: 120000 });
}

export const TEST_IMAGES = {
  httpd: 'wharf-test/httpd:latest',
  httpdV2: 'wharf-test/httpd:v2',
  haproxy: 'wharf-test/haproxy:latest',
  /** Its process exits 1 at once. */
  exits: 'wharf-test/exits:latest',
  /** Runs, but serves on 8081 rather than on ContainerPort 80. */
  deaf: 'wharf-test/deaf:latest',
} as const;
