import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toDeploymentPlan } from '../../src/containers/deployment-plan';
import { renderHaproxyConfig } from '../../src/containers/haproxy/render-config';
import { fixturePath, planContext, readFixture, specFrom } from './plan-fixtures';

const pem = readFixture('containers', 'tls-bundle.pem');

const cases: Array<[string, Record<string, unknown>]> = [
  ['http-roundrobin', {}],
  ['http-affinity-cookie', { SessionAffinity: true, HealthCheckInterval: 2 }],
  [
    'tcp-leastconn',
    { Protocol: 'tcp', Algorithm: 'leastconn', HealthCheckFall: 5, HealthCheckRise: 1 },
  ],
  ['tcp-source-affinity', { Protocol: 'tcp', Algorithm: 'source', SessionAffinity: true }],
  ['https-passthrough', { Protocol: 'https', ServicePort: 443, ContainerPort: 8443 }],
  ['httpsterm', { Protocol: 'httpsTerm', ServicePort: 443, ContainerPort: 80, SSLCert: pem }],
];

function render(patch: Record<string, unknown>): string {
  return renderHaproxyConfig(toDeploymentPlan(specFrom(patch), planContext).balancer);
}

describe('renderHaproxyConfig', () => {
  it.each(cases)('when the spec is %s, then renders fixtures/haproxy/<name>.cfg', (name, patch) => {
    expect(render(patch)).toBe(readFixture('haproxy', `${name}.cfg`));
  });

  it.each(cases)('when the spec is %s, then haproxy -c accepts the config', (name, patch) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-haproxy-'));
    try {
      // The rendered path points inside the LB container; for the check, point it at a local copy.
      const certFile = path.join(dir, 'cert.pem');
      fs.writeFileSync(certFile, pem);
      const text = render(patch).replace('/usr/local/etc/haproxy/cert.pem', certFile);
      const cfg = path.join(dir, `${name}.cfg`);
      fs.writeFileSync(cfg, text);
      const out = execFileSync('haproxy', ['-c', '-f', cfg], { encoding: 'utf8', stdio: 'pipe' });
      expect(out).toMatch(/Configuration file is valid/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['http', {}, ['mode http', 'option httpchk GET /', 'balance roundrobin']],
    ['tcp', { Protocol: 'tcp' }, ['mode tcp']],
    ['https', { Protocol: 'https' }, ['mode tcp']],
    ['leastconn', { Algorithm: 'leastconn' }, ['balance leastconn']],
    ['source', { Algorithm: 'source' }, ['balance source']],
    [
      'checks',
      { HealthCheckInterval: 7, HealthCheckFall: 4, HealthCheckRise: 3 },
      ['inter 7s fall 4 rise 3'],
    ],
    [
      'http affinity',
      { SessionAffinity: true },
      ['cookie WHARF_AFFINITY insert indirect nocache dynamic'],
    ],
    ['tcp affinity', { Protocol: 'tcp', SessionAffinity: true }, ['stick on src']],
    [
      'httpsTerm',
      { Protocol: 'httpsTerm', SSLCert: pem },
      ['ssl crt /usr/local/etc/haproxy/cert.pem', 'X-Forwarded-Proto https'],
    ],
    ['slots', {}, ['server-template replica 1-5 http:80']],
  ])('when %s, then contains the directive', (_n, patch, lines) => {
    const text = render(patch);
    for (const line of lines) expect(text).toContain(line);
  });

  it.each([
    ['tcp has no http check', { Protocol: 'tcp' }, 'httpchk'],
    ['https does not terminate TLS', { Protocol: 'https' }, 'ssl crt'],
    ['no affinity means no cookie', {}, 'cookie'],
    ['http affinity does not stick on source', { SessionAffinity: true }, 'stick on src'],
  ])('when %s, then omits it', (_n, patch, absent) => {
    expect(render(patch)).not.toContain(absent);
  });
});

/** Writes the fixtures from the renderer; run by hand after a reviewed change (see README). */
function writeFixtures(): void {
  for (const [name, patch] of cases)
    fs.writeFileSync(fixturePath('haproxy', `${name}.cfg`), render(patch));
}
if (process.env.WHARF_WRITE_HAPROXY_FIXTURES === '1') writeFixtures();
