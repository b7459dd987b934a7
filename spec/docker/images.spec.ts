import { randomUUID } from 'node:crypto';
import Docker from 'dockerode';
import { removeLabelled } from './support/cleanup';
import { buildTestImages, describeWithDocker, TEST_IMAGES } from './support/docker-available';

describeWithDocker('fixtures/images/build.sh', () => {
  const docker = new Docker();
  const run = randomUUID();
  const labels = { 'wharf.test.run': run };

  beforeAll(() => {
    buildTestImages();
  }, 120000);
  afterAll(async () => {
    await removeLabelled(docker, 'wharf.test.run', run);
  });

  it('when run twice, then the images exist and the second run builds nothing', async () => {
    const output = buildTestImages();
    expect(output).not.toMatch(/built|tagged/);
    expect(output.match(/ exists/g)).toHaveLength(3);
    for (const image of Object.values(TEST_IMAGES)) {
      const info = await docker.getImage(image).inspect();
      expect(info.Config.Labels).toMatchObject({ 'wharf.test-image': 'true' });
    }
  });

  it('when the httpd image runs, then its page names the container hostname', async () => {
    const container = await docker.createContainer({
      Image: TEST_IMAGES.httpd,
      Labels: labels,
      HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }] } },
      ExposedPorts: { '80/tcp': {} },
    });
    await container.start();
    const info = await container.inspect();
    const port = info.NetworkSettings.Ports['80/tcp']?.[0]?.HostPort;
    const body = await fetchWithRetry(`http://127.0.0.1:${port}/`);
    expect(body).toBe(`hostname=${info.Config.Hostname}\n`);
    const headers = await fetchWithRetry(`http://127.0.0.1:${port}/cgi-bin/headers`, {
      'X-Forwarded-Proto': 'https',
    });
    expect(headers).toContain('proto=https');
  });

  it('when the haproxy image runs, then the host binary and its libraries work inside it', async () => {
    const container = await docker.createContainer({
      Image: TEST_IMAGES.haproxy,
      Labels: labels,
      Cmd: ['-v'],
    });
    await container.start();
    const result = await container.wait();
    const logs = (await container.logs({ stdout: true, stderr: true })).toString('utf8');
    expect(result.StatusCode).toBe(0);
    expect(logs).toMatch(/HAProxy version 2\./);
  });
});

async function fetchWithRetry(url: string, headers: Record<string, string> = {}): Promise<string> {
  let last: unknown;
  for (let i = 0; i < 50; i++) {
    try {
      const res = await fetch(url, { headers });
      return await res.text();
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw last;
}
