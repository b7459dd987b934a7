import fs from 'node:fs';
import path from 'node:path';
import { toServiceSpec } from '../../src/containers/spec/to-service-spec';

const fixture = (name: string): string =>
  fs.readFileSync(path.join(__dirname, '../../fixtures/containers', name), 'utf8');
const seed: Record<string, unknown> = JSON.parse(fixture('create-http.json'));
const pem = fixture('tls-bundle.pem');
const limits = { maxReplicas: 5 };

describe('toServiceSpec', () => {
  it('when given the seed example, then applies every documented default', () => {
    const result = toServiceSpec(seed, limits);
    expect(result).toEqual({
      ok: true,
      spec: {
        name: 'http',
        image: 'nginx',
        entrypoint: [],
        cmd: [],
        env: [],
        secretEnv: [],
        workingDir: '',
        volumes: [],
        labels: { app: 'nginx' },
        tty: false,
        stdin: false,
        netMode: 'bridge',
        stopSignal: 'SIGTERM',
        securityGroups: [],
        servicePort: 80,
        containerPort: 80,
        containerSize: 's4',
        serviceSize: 's4',
        replicas: 2,
        protocol: 'http',
        sslCert: '',
        healthCheckInterval: 5,
        healthCheckFall: 3,
        healthCheckRise: 2,
        algorithm: 'roundrobin',
        sessionAffinity: false,
      },
    });
  });

  it.each([
    [
      'ContainerPort omitted defaults to ServicePort',
      { ContainerPort: undefined, ServicePort: 8080 },
      'containerPort',
      8080,
    ],
    [
      'a bare-string Entrypoint becomes a one-element array',
      { Entrypoint: '/bin/sh' },
      'entrypoint',
      ['/bin/sh'],
    ],
    ['Cmd as array is kept', { Cmd: ['-c', 'x'] }, 'cmd', ['-c', 'x']],
    [
      'Volumes as an object of keys',
      { Volumes: { 'data:/var/lib/x:ro': {} } },
      'volumes',
      [{ volume: 'data', containerPath: '/var/lib/x', readOnly: true }],
    ],
    [
      'Volumes as an array',
      { Volumes: ['data:/d'] },
      'volumes',
      [{ volume: 'data', containerPath: '/d', readOnly: false }],
    ],
    ['SecurityGroups object keys', { SecurityGroups: { web: {} } }, 'securityGroups', ['web']],
    ['ServiceSize sizes the LB', { ServiceSize: 'm1' }, 'serviceSize', 'm1'],
    ['null Labels become {}', { Labels: null }, 'labels', {}],
    ['an empty StopSignal means SIGTERM', { StopSignal: '' }, 'stopSignal', 'SIGTERM'],
    ['httpsTerm keeps the PEM', { Protocol: 'httpsTerm', SSLCert: pem }, 'sslCert', pem],
  ])('when %s', (_name, patch, key, expected) => {
    const result = toServiceSpec({ ...seed, ...patch }, limits);
    if (!result.ok) throw new Error(result.message);
    expect(result.spec[key as keyof typeof result.spec]).toEqual(expected);
  });

  it.each([
    ['an unknown ContainerSize', { ContainerSize: 'xl' }, /^ContainerSize must be one of s1/],
    ['an unknown ServiceSize', { ServiceSize: 'x' }, /^ServiceSize must be one of/],
    [
      'an unknown Protocol',
      { Protocol: 'udp' },
      /^Protocol must be one of http, https, tcp, httpsTerm/,
    ],
    ['an unknown Algorithm', { Algorithm: 'first' }, /^Algorithm must be one of roundrobin/],
    ['ServicePort 0', { ServicePort: 0 }, /^ServicePort must be between 1 and 65535/],
    ['ServicePort 65536', { ServicePort: 65536 }, /^ServicePort must be between 1 and 65535/],
    ['a missing ServicePort', { ServicePort: undefined }, /^ServicePort: Required/],
    ['ContainerPort 70000', { ContainerPort: 70000 }, /^ContainerPort must be between/],
    ['Replicas 0', { Replicas: 0 }, /^Replicas must be at least 1/],
    ['Replicas above the configured maximum', { Replicas: 6 }, /^Replicas must be between 1 and 5/],
    ['httpsTerm without SSLCert', { Protocol: 'httpsTerm' }, /^SSLCert is required for httpsTerm/],
    [
      'httpsTerm with garbage',
      { Protocol: 'httpsTerm', SSLCert: 'nope' },
      /^SSLCert must contain a PEM certificate/,
    ],
    [
      'httpsTerm with a key of another cert',
      { Protocol: 'httpsTerm', SSLCert: fixture('tls-mismatched.pem') },
      /^SSLCert private key does not match/,
    ],
    ['SSLCert with tcp', { Protocol: 'tcp', SSLCert: pem }, /^SSLCert is only allowed/],
    ['Env without =', { Env: ['FOO'] }, /^Env: "FOO" is not KEY=value/],
    [
      'Volumes without a path',
      { Volumes: { data: {} } },
      /^Volumes: "data" is not <volume>:<container_path>/,
    ],
    ['Volumes with a relative path', { Volumes: ['data:rel'] }, /^Volumes: "data:rel"/],
    ['an uppercase Name', { Name: 'Web' }, /^Name must be 1-63 lowercase/],
    ['a missing Image', { Image: undefined }, /^Image is required/],
    ['NetMode host', { NetMode: 'host' }, /^NetMode: only bridge/],
    [
      'a reserved label',
      { Labels: { 'wharf.role': 'lb' } },
      /^Labels: "wharf.role" uses the reserved prefix/,
    ],
    [
      'a non-integer HealthCheckFall',
      { HealthCheckFall: 1.5 },
      /^HealthCheckFall must be an integer/,
    ],
  ])('when given %s, then fails naming the field', (_name, patch, expected) => {
    const result = toServiceSpec({ ...seed, ...patch }, limits);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(expected);
  });

  it('when several fields are bad, then names each of them', () => {
    const result = toServiceSpec(
      { ...seed, ContainerSize: 'x', Algorithm: 'y', Env: ['Z'] },
      limits,
    );
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain('ContainerSize');
      expect(result.message).toContain('Algorithm');
    }
  });
});
