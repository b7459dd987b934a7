import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import Docker from 'dockerode';
import request from 'supertest';
import { readFixture } from '../containers/plan-fixtures';
import { removeLabelled } from './support/cleanup';
import { createDockerTestApp, isActiveWith } from './support/docker-app';
import type { DockerTestApp } from './support/docker-app';
import { buildTestImages, describeWithDocker, TEST_IMAGES } from './support/docker-available';
import { eventually, get, hostnamesSeen } from './support/http';

const base = {
  Image: TEST_IMAGES.httpd,
  ServicePort: 80,
  Protocol: 'http',
  HealthCheckInterval: 1,
  HealthCheckFall: 3,
  HealthCheckRise: 1,
};
const pem = readFixture('containers', 'tls-bundle.pem');

describeWithDocker('container service behaviours on the real engine', () => {
  const docker = new Docker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-docker-'));
  let t: DockerTestApp;

  beforeAll(async () => {
    buildTestImages();
    t = await createDockerTestApp(dir);
  }, 120000);
  afterAll(async () => {
    await t.close();
    await removeLabelled(docker, 'wharf.owner', t.owner);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const create = (body: Record<string, unknown>) =>
    request(t.app)
      .post('/services/create')
      .send({ ...base, ...body })
      .expect(201);

  it('when Wharf restarts mid-create, then the new process converges to exactly the desired replicas', async () => {
    await create({ Name: 'restart', Replicas: 3 });
    const filters = JSON.stringify({
      label: [`wharf.owner=${t.owner}`, 'wharf.service.name=restart', 'wharf.role=replica'],
    });
    // Restart only once the first process is visibly half-way (some replicas exist, not active).
    await eventually(
      async () =>
        (await docker.listContainers({ all: true, filters })).length > 0 ? true : undefined,
      20000,
      'a first replica',
    );
    expect((await t.inspect('restart')).Status).not.toBe('active');
    await t.restart();
    const s = await t.waitFor('restart', isActiveWith(3), 'restart active with 3');
    const replicas = await docker.listContainers({ all: true, filters });
    expect(replicas.map((c) => c.Id).sort()).toEqual([...s.Containers].sort());
    await request(t.app).delete('/services/restart').expect(204);
  });

  it('when SessionAffinity is on for http, then the cookie pins a client to one replica', async () => {
    const s0 = await create({ Name: 'sticky', Replicas: 3, SessionAffinity: true });
    expect(s0.body.SessionAffinity).toBe(true);
    const s = await t.waitFor('sticky', isActiveWith(3), 'sticky active');
    const first = await get(`http://${s.Endpoint}/`);
    const cookie = (first.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(cookie).toMatch(/^WHARF_AFFINITY=/);
    const pinned = new Set<string>();
    for (let i = 0; i < 6; i++) pinned.add((await get(`http://${s.Endpoint}/`, { cookie })).body);
    expect(pinned).toEqual(new Set([first.body]));
    expect(new Set(await hostnamesSeen(`http://${s.Endpoint}`, 6)).size).toBe(3);
    await request(t.app).delete('/services/sticky').expect(204);
  });

  it('when Algorithm is source over tcp, then every request from one address reaches the same replica', async () => {
    await create({ Name: 'source', Replicas: 3, Protocol: 'tcp', Algorithm: 'source' });
    const s = await t.waitFor('source', isActiveWith(3), 'source active');
    const seen = await hostnamesSeen(`http://${s.Endpoint}`, 8);
    expect(seen).toHaveLength(8);
    expect(new Set(seen).size).toBe(1);
    await request(t.app).delete('/services/source').expect(204);
  });

  it('when Algorithm is leastconn, then new requests avoid the replica busy with a slow one', async () => {
    await create({ Name: 'least', Replicas: 2, Algorithm: 'leastconn' });
    const s = await t.waitFor('least', isActiveWith(2), 'least active');
    // On a loaded host the quick requests may outlast the slow one; only a round where they all
    // finished while it was still open says anything about leastconn, so try up to three rounds.
    let quick: string[] = [];
    let busy: string | undefined;
    for (let round = 0; round < 3; round++) {
      const slow = get(`http://${s.Endpoint}/cgi-bin/sleep?4`);
      let slowDone = false;
      void slow.finally(() => {
        slowDone = true;
      });
      await new Promise((r) => setTimeout(r, 500));
      quick = await hostnamesSeen(`http://${s.Endpoint}`, 4);
      const overlapped = !slowDone;
      busy = /hostname=(\w+)/.exec((await slow).body)?.[1];
      if (overlapped) break;
    }
    expect(busy).toBeDefined();
    expect(quick).toHaveLength(4);
    // Round robin would split four sequential requests 2/2; leastconn sends them to the idle
    // replica. One stray (a health check or DNS refresh racing the slot counts on a loaded
    // 2-CPU host was seen in CI) is tolerated; two or more would be round robin.
    expect(quick.filter((h) => h === busy).length).toBeLessThanOrEqual(1);
    await request(t.app).delete('/services/least').expect(204);
  });

  it('when Protocol is httpsTerm, then HAProxy terminates TLS with the PEM and sends X-Forwarded-Proto https', async () => {
    await create({
      Name: 'tls',
      Replicas: 1,
      Protocol: 'httpsTerm',
      ServicePort: 443,
      ContainerPort: 80,
      SSLCert: pem,
    });
    const s = await t.waitFor('tls', isActiveWith(1), 'tls active');
    expect(s.SSLCert).toBe('');
    const [host, port] = s.Endpoint.split(':');
    const res = await httpsGet(host!, Number(port), '/cgi-bin/headers', pem);
    expect(res.status).toBe(200);
    expect(res.body).toContain('proto=https');
    expect(res.hsts).toBe('max-age=15768000');
    await request(t.app).delete('/services/tls').expect(204);
  });
});

function httpsGet(
  host: string,
  port: number,
  p: string,
  ca: string,
): Promise<{ status: number; body: string; hsts: string }> {
  return new Promise((resolve, reject) => {
    // Trust only the fixture's self-signed certificate; it has no SAN, so skip the name check.
    const req = https.get(
      {
        host,
        port,
        path: p,
        ca,
        servername: 'wharf-test.local',
        checkServerIdentity: () => undefined,
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString('utf8')));
        res.on('end', () => {
          const hsts = res.headers['strict-transport-security'] ?? '';
          resolve({ status: res.statusCode ?? 0, body, hsts });
        });
      },
    );
    req.on('error', reject);
  });
}
