import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import Docker from 'dockerode';
import request from 'supertest';
import { removeLabelled } from '../docker/support/cleanup';
import { createDockerTestApp, isActiveWith } from '../docker/support/docker-app';
import type { DockerTestApp } from '../docker/support/docker-app';
import { buildTestImages, TEST_IMAGES } from '../docker/support/docker-available';
import { describeOnEngine } from '../docker/support/engines';
import { eventually, get } from '../docker/support/http';

const fast = { HealthCheckInterval: 1, HealthCheckFall: 1, HealthCheckRise: 1 };
const web = {
  Name: 'web',
  Image: TEST_IMAGES.httpd,
  ServicePort: 80,
  Protocol: 'http',
  Replicas: 2,
  ...fast,
};
/** An address no node holds, and the one this spec labels its node with. */
const UNHELD_FIP = '192.0.2.77';
const HELD_FIP = '127.0.0.1';

/** Issue 11: what only Swarm does — drift of Swarm services, rollback, FIP node labels. */
describeOnEngine('swarm', 'container services on Docker Swarm', (engine) => {
  const docker = new Docker();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wharf-swarm-'));
  // An image whose tasks exit at once (HAProxy without a config), tagged for this run only.
  const crashingRepo = 'wharf-spec-swarm/crashing';
  const crashing = `${crashingRepo}:${process.pid}`;
  let t: DockerTestApp;
  let nodeId: string;

  const replicaService = async (): Promise<Docker.Service> => {
    const [s] = await docker.listServices({
      filters: {
        label: [`wharf.owner=${t.owner}`, 'wharf.role=replica', 'wharf.service.name=web'],
      },
    });
    if (s === undefined) throw new Error('no replica service');
    return s;
  };

  beforeAll(async () => {
    buildTestImages();
    await docker.getImage(TEST_IMAGES.haproxy).tag({
      repo: crashingRepo,
      tag: String(process.pid),
    });
    nodeId = execFileSync('docker', ['info', '--format', '{{.Swarm.NodeID}}'], {
      encoding: 'utf8',
    }).trim();
    t = await createDockerTestApp(dir, [UNHELD_FIP, HELD_FIP], { engine: engine.engine });
    await request(t.app).post('/services/create').send(web).expect(201);
    await t.waitFor('web', isActiveWith(2), 'web active with 2', 60000);
  }, 120000);

  afterAll(async () => {
    await t.close();
    await engine.removeOwned(docker, t.owner);
    await removeLabelled(docker, 'wharf.owner', t.owner);
    await docker
      .getImage(crashing)
      .remove()
      .catch(() => undefined);
    await setNodeLabel(docker, nodeId, undefined).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('when every object is made, then each carries the installation id', async () => {
    const filters = { label: [`wharf.owner=${t.owner}`] };
    const services = await docker.listServices({ filters });
    expect(services.map((s) => s.Spec?.Labels?.['wharf.role']).sort()).toEqual(['lb', 'replica']);
    expect(await docker.listNetworks({ filters: JSON.stringify(filters) })).toHaveLength(1);
    expect(await docker.listConfigs({ filters: JSON.stringify(filters) })).toHaveLength(1);
    const spec = (await replicaService()).Spec;
    expect(spec?.EndpointSpec?.Mode).toBe('dnsrr');
  });

  it('when Swarm replaces a killed task, then Wharf leaves the service spec alone', async () => {
    const before = await replicaService();
    const shown = await t.inspect('web');
    await docker.getContainer(shown.Containers[0]!).kill();
    await t.waitFor(
      'web',
      (s) => isActiveWith(2)(s) && !s.Containers.includes(shown.Containers[0]!),
      'a replacement task',
    );
    // Swarm restarted the task; the service was never updated (its version did not move).
    expect((await replicaService()).Version?.Index).toBe(before.Version?.Index);
  });

  it('when the service is scaled by hand, then Wharf puts its spec back', async () => {
    const s = await replicaService();
    const spec = s.Spec!;
    await docker.getService(s.ID).update({
      _query: { version: s.Version?.Index },
      _body: { ...spec, Mode: { Replicated: { Replicas: 4 } } },
    });
    const back = await eventually(
      async () => {
        const now = await replicaService();
        return now.Spec?.Mode?.Replicated?.Replicas === 2 ? now : undefined;
      },
      30000,
      'replicas back at 2',
    );
    expect(back.Version?.Index).toBeGreaterThan(s.Version?.Index ?? 0);
    await t.waitFor('web', isActiveWith(2), 'web active with 2 again');
  });

  it('when the replicas service is removed by hand, then it is recreated and serves', async () => {
    const s = await replicaService();
    await docker.getService(s.ID).remove();
    const after = await t.waitFor(
      'web',
      (x) => isActiveWith(2)(x) && x.Endpoint !== '',
      'web recreated',
      60000,
    );
    expect((await replicaService()).ID).not.toBe(s.ID);
    expect((await get(`http://${after.Endpoint}/`)).status).toBe(200);
  });

  it('when the new image never runs, then Swarm rolls back and the old replicas serve again', async () => {
    const before = await t.waitFor('web', isActiveWith(2), 'web at 2');
    await request(t.app).post('/services/web/update').send({ Image: crashing }).expect(200);
    const failed = await t.waitFor(
      'web',
      (s) => s.Status === 'failed',
      'a rolled-back update',
      90000,
    );
    expect(failed.Message).toMatch(
      new RegExp(`^Rolling update to ${crashing} failed and Swarm rolled it back`),
    );
    const spec = (await replicaService()).Spec?.TaskTemplate;
    expect(spec !== undefined && 'ContainerSpec' in spec ? spec.ContainerSpec?.Image : '').toBe(
      TEST_IMAGES.httpd,
    );
    // Swarm stops an old task as soon as a new one runs (the test image has no HEALTHCHECK), so
    // requests during the failed attempt may hit a stopped task; after the rollback, none fail.
    // Swarm rolls back one task at a time and watches each for 5 s; a loaded CI machine has
    // taken longer than the default 45 s wait.
    const back = await t.waitFor(
      'web',
      (s) => s.Containers.length === 2,
      'two old-image tasks',
      120000,
    );
    expect(back.Endpoint).toBe(before.Endpoint);
    const statuses = await eventually(
      async () => {
        const all = await Promise.all(
          Array.from({ length: 10 }, () => get(`http://${back.Endpoint}/`)),
        );
        return all.every((r) => r.status === 200) ? all.map((r) => r.status) : undefined;
      },
      30000,
      'the rolled-back replicas serving',
    );
    expect(statuses).toHaveLength(10);
    // A new desired image is tried again.
    await request(t.app)
      .post('/services/web/update')
      .send({ Image: TEST_IMAGES.httpdV2 })
      .expect(200);
    await t.waitFor(
      'web',
      (s) => isActiveWith(2)(s) && s.Status === 'active',
      'rolled to v2',
      90000,
    );
  }, 300000);

  it('when a FIP no node holds is attached, then 400 and nothing changes', async () => {
    const res = await request(t.app).post('/services/web/update').send({ FIP: UNHELD_FIP });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      message: `FIP ${UNHELD_FIP} is not held by any Swarm node (label the node that has it wharf.fip=${UNHELD_FIP})`,
    });
    expect((await t.inspect('web')).FIP).toBe('');
  });

  it('when a FIP a node holds is attached, then the LB runs there and publishes ServicePort', async () => {
    await setNodeLabel(docker, nodeId, HELD_FIP);
    const servicePort = 38000 + (process.pid % 1000);
    await request(t.app)
      .post('/services/create')
      .send({ ...web, Name: 'fipped', Replicas: 1, ServicePort: servicePort, ContainerPort: 80 })
      .expect(201);
    await t.waitFor('fipped', isActiveWith(1), 'fipped active');
    await request(t.app).post('/services/fipped/update').send({ FIP: HELD_FIP }).expect(200);
    await eventually(
      async () =>
        (await get(`http://${HELD_FIP}:${servicePort}/`)).status === 200 ? true : undefined,
      45000,
      'ServicePort answering on the FIP',
    );
    const [lb] = await docker.listServices({
      filters: { label: [`wharf.owner=${t.owner}`, 'wharf.role=lb', 'wharf.service.name=fipped'] },
    });
    const task = lb?.Spec?.TaskTemplate;
    expect(task !== undefined && 'Placement' in task ? task.Placement?.Constraints : []).toEqual([
      `node.labels.wharf.fip==${HELD_FIP}`,
    ]);
    await request(t.app).delete('/services/fipped').expect(204);
  }, 120000);
});

/** Sets (or with undefined removes) this spec's `wharf.fip` label on a node. */
async function setNodeLabel(docker: Docker, id: string, fip: string | undefined): Promise<void> {
  const node = docker.getNode(id);
  const info: unknown = await node.inspect();
  if (typeof info !== 'object' || info === null || !('Spec' in info) || !('Version' in info))
    throw new Error('unexpected node inspect');
  const spec = info.Spec as { Labels?: Record<string, string> };
  const version = info.Version as { Index: number };
  const labels = { ...(spec.Labels ?? {}) };
  if (fip === undefined) delete labels['wharf.fip'];
  else labels['wharf.fip'] = fip;
  await node.update({ _query: { version: version.Index }, _body: { ...spec, Labels: labels } });
}
