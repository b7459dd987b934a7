import request from 'supertest';
import { bearer, startTestWharf } from '../support/test-wharf';
import type { TestWharf } from '../support/test-wharf';

const LACKS_READ = { message: 'The token lacks the cloud_controller.read scope' };
const LACKS_WRITE = { message: 'The token lacks the cloud_controller.write scope' };
const SERVICE = { Name: 'scoped', Image: 'nginx:latest', ContainerPort: 80, ServicePort: 8080 };

describe('/services scopes (as CC: read needs .read, write needs .write)', () => {
  let w: TestWharf;
  beforeAll(async () => {
    w = await startTestWharf();
  });
  afterAll(async () => {
    await w.stop();
  });

  async function countServices(): Promise<number> {
    const rows = await w.knex('container_services').count<{ n: number | string }[]>({ n: '*' });
    return Number(rows[0]?.n ?? -1);
  }

  it.each<[string, string[], string, string, number, object | undefined]>([
    ['no scopes at all, reading', [], 'get', '/services', 403, LACKS_READ],
    ['no scopes at all, creating', [], 'post', '/services/create', 403, LACKS_WRITE],
    ['write only, reading', ['cloud_controller.write'], 'get', '/services', 403, LACKS_READ],
    [
      'read only, creating',
      ['cloud_controller.read'],
      'post',
      '/services/create',
      403,
      LACKS_WRITE,
    ],
    ['read only, deleting', ['cloud_controller.read'], 'delete', '/services/x', 403, LACKS_WRITE],
    [
      'read only, updating',
      ['cloud_controller.read'],
      'post',
      '/services/x/update',
      403,
      LACKS_WRITE,
    ],
    ['read only, listing', ['cloud_controller.read'], 'get', '/services', 200, undefined],
    [
      'admin_read_only, listing',
      ['cloud_controller.admin_read_only'],
      'get',
      '/services',
      200,
      undefined,
    ],
    [
      'global_auditor, listing',
      ['cloud_controller.global_auditor'],
      'get',
      '/services',
      200,
      undefined,
    ],
  ])('a token with %s answers %#', async (_name, scopes, method, path, status, body) => {
    const { token } = await w.userWithToken(`u${String(Math.random()).slice(2)}`, scopes);
    const before = await countServices();
    const call =
      method === 'get'
        ? request(w.app).get(path)
        : method === 'delete'
          ? request(w.app).delete(path)
          : request(w.app).post(path).send(SERVICE);
    const res = await call.set(bearer(token));
    expect(res.status).toBe(status);
    if (body !== undefined) expect(res.body).toEqual(body);
    expect(await countServices()).toBe(before);
  });
});
