import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import request from 'supertest';
import { readFixture } from './plan-fixtures';
import { createTestApp, USERS } from './support/containers-app';
import type { TestApp } from './support/containers-app';

const seed: Record<string, unknown> = JSON.parse(readFixture('containers', 'create-http.json'));
const alice = { 'x-test-user': USERS.alice };

/** Issue 9 item 8: what the body parser or the router refuses is a 4xx in `{"message"}` shape. */
describe('/services: refused requests answer 4xx, never 5xx', () => {
  let t: TestApp;
  beforeEach(async () => {
    t = await createTestApp();
  });
  afterEach(async () => {
    await t.close();
  });

  const rows = async (): Promise<unknown[]> => t.knex('container_services').select('*');

  it.each([
    [
      'a body over 1 MiB',
      413,
      { 'Content-Type': 'application/json' },
      JSON.stringify({ ...seed, Cmd: ['x'.repeat(1024 * 1024 + 10)] }),
      'Request body is larger than 1 MiB',
    ],
    [
      'an unknown charset',
      415,
      { 'Content-Type': 'application/json; charset=klingon-8' },
      JSON.stringify(seed),
      'Request body charset is not supported',
    ],
    [
      'an unknown Content-Encoding',
      415,
      { 'Content-Type': 'application/json', 'Content-Encoding': 'zstd-ish' },
      JSON.stringify(seed),
      'Request body encoding is not supported',
    ],
    [
      'a broken gzip stream',
      400,
      { 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      'this is not gzip at all',
      undefined,
    ],
    [
      'bad JSON',
      400,
      { 'Content-Type': 'application/json' },
      '{"Name": ',
      'Request body is not valid JSON',
    ],
  ])(
    'when POST /services/create has %s, then %d with a message and nothing stored',
    async (_n, status, headers, body, message) => {
      const res = await request(t.app).post('/services/create').set(alice).set(headers).send(body);
      expect(res.status).toBe(status);
      expect(res.body).toEqual({ message: message ?? expect.any(String) });
      expect(await rows()).toEqual([]);
    },
  );

  it('when the gzip body is valid, then it is accepted', async () => {
    // superagent JSON-encodes a Buffer under a JSON content type; send the bytes with node:http.
    const server = t.app.listen(0, '127.0.0.1');
    await once(server, 'listening');
    try {
      const { port } = server.address() as AddressInfo;
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/services/create',
        headers: { ...alice, 'Content-Type': 'application/json', 'Content-Encoding': 'gzip' },
      });
      req.end(gzipSync(JSON.stringify(seed)));
      const [res] = (await once(req, 'response')) as [http.IncomingMessage];
      res.resume();
      expect(res.statusCode).toBe(201);
    } finally {
      server.close();
    }
  });

  it.each([
    ['get', '/services/%E0%A4%A'],
    ['get', '/services/%'],
    ['delete', '/services/abc%zz'],
    ['post', '/services/%C0/update'],
  ] as const)(
    'when %s %s has a malformed %%-escape, then 400 with a message',
    async (method, path) => {
      const agent = request(t.app);
      const res = await agent[method](path).set(alice).send({ Replicas: 1 });
      expect(res.status).toBe(400);
      expect(res.body).toEqual({ message: 'Malformed percent-encoding in path' });
    },
  );
});
