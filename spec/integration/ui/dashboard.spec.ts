import request from 'supertest';
import { createOrg, createSpace } from '../../support/orgs';
import { bearer, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';
import { cookieValue, csrfOf, get, login, ORIGIN, post, setCookieLine } from './support';
import type { Browser } from './support';

let w: TestWharf;
let admin: Browser;

beforeAll(async () => {
  w = await startTestWharf();
  admin = await login(w, 'admin', 'admin-password');
});

afterAll(async () => {
  await w.stop();
});

const serviceCount = async (): Promise<number> =>
  Number((await w.knex('services').count({ n: '*' }).first())?.n ?? -1);

describe('GET /', () => {
  it.each([
    ['a browser (text/html first)', 'text/html,application/xhtml+xml,*/*;q=0.8', 302],
    ['the cf CLI (application/json)', 'application/json', 200],
    ['curl (*/*)', '*/*', 200],
  ])('for %s answers %s', async (_who, accept, status) => {
    const res = await request(w.app).get('/').set('Accept', accept);
    expect(res.status).toBe(status);
    if (status === 302) expect(res.headers.location).toBe('/ui');
    else expect(res.body.links.cloud_controller_v2.href).toBe('http://wharf.test/v2');
  });
});

describe('/ui/login', () => {
  it('when nobody is signed in, every page sends the browser to the login form', async () => {
    for (const path of ['/ui', '/ui/catalog', '/ui/instances', '/ui/containers/x']) {
      const res = await request(w.app).get(path);
      expect([path, res.status, res.headers.location]).toEqual([path, 303, '/ui/login']);
    }
  });

  it('serves the form with a login CSRF cookie that scripts cannot read and other sites never send', async () => {
    const res = await request(w.app).get('/ui/login');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(setCookieLine(res, 'wharf_login')).toMatch(/HttpOnly; SameSite=Strict; Max-Age=600$/);
    expect(csrfOf(res.text)).toBe(cookieValue(res, 'wharf_login'));
  });

  it('when the password is wrong, answers 401 with the reason and starts no session', async () => {
    const form = await request(w.app).get('/ui/login');
    const before = await w.knex('ui_sessions').count({ n: '*' }).first();
    const res = await request(w.app)
      .post('/ui/login')
      .set('Origin', ORIGIN)
      .set('Cookie', `wharf_login=${cookieValue(form, 'wharf_login') ?? ''}`)
      .type('form')
      .send({ _csrf: csrfOf(form.text), username: 'admin', password: 'wrong' });
    expect(res.status).toBe(401);
    expect(res.text).toContain('Bad credentials');
    expect(cookieValue(res, 'wharf_session')).toBeUndefined();
    expect(await w.knex('ui_sessions').count({ n: '*' }).first()).toEqual(before);
  });

  it.each([
    ['from another site', { origin: 'https://evil.example' }],
    ['without any origin', { origin: null }],
    ['without the login token', { token: null }],
    ['with a token that is not the cookie', { token: 'forged' }],
  ])('refuses a login %s with 403', async (_name, override) => {
    const form = await request(w.app).get('/ui/login');
    let req = request(w.app)
      .post('/ui/login')
      .set('Cookie', `wharf_login=${cookieValue(form, 'wharf_login') ?? ''}`)
      .type('form');
    const origin = 'origin' in override ? override.origin : ORIGIN;
    if (origin !== null) req = req.set('Origin', origin);
    const token = 'token' in override ? override.token : csrfOf(form.text);
    const res = await req.send({
      ...(token === null ? {} : { _csrf: token }),
      username: 'admin',
      password: 'admin-password',
    });
    expect(res.status).toBe(403);
    expect(cookieValue(res, 'wharf_session')).toBeUndefined();
  });

  it('a login sets an HttpOnly SameSite=Strict session cookie; the database keeps only its hash and sealed tokens', async () => {
    const form = await request(w.app).get('/ui/login');
    const res = await request(w.app)
      .post('/ui/login')
      .set('Origin', ORIGIN)
      .set('Cookie', `wharf_login=${cookieValue(form, 'wharf_login') ?? ''}`)
      .type('form')
      .send({ _csrf: csrfOf(form.text), username: 'admin', password: 'admin-password' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/ui');
    const line = setCookieLine(res, 'wharf_session') ?? '';
    expect(line).toMatch(/; Path=\/ui; HttpOnly; SameSite=Strict$/);
    expect(line).not.toContain('Secure');
    const cookie = cookieValue(res, 'wharf_session') ?? '';
    expect(cookie).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const rows: Record<string, unknown>[] = await w.knex('ui_sessions').select('*');
    const dump = JSON.stringify(rows);
    expect(dump).not.toContain(cookie);
    expect(dump).not.toContain('eyJ');
  });
});

describe('pages', () => {
  it('shows the overview with counts and the nav for an admin', async () => {
    const res = await get(w, admin, '/ui');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.text).toContain('<h1>Overview</h1>');
    expect(res.text).toContain('href="/ui/brokers"');
    expect(res.text).toContain('Nothing needs attention.');
  });

  it('escapes what the catalog holds: a label with markup is text on the page', async () => {
    const created = await request(w.app)
      .post('/v2/services')
      .set(bearer(w.adminToken))
      .send({ label: '<script>alert(1)</script>', description: 'x"><img src=x onerror=alert(1)>' });
    expect(created.status).toBe(201);
    const res = await get(w, admin, '/ui/catalog');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).not.toContain('<img src=x');
  });

  it('creates a broker-less catalog entry with its first plan from the form', async () => {
    const res = await post(w, admin, '/ui/catalog', {
      label: 'form-made',
      description: 'Made in the dashboard',
      bindable: 'true',
      plan_name: 'small',
      plan_description: 'The small plan',
      plan_free: 'true',
      container: '',
    });
    expect(res.status).toBe(303);
    const page = await get(w, admin, '/ui/catalog?q=form-made');
    expect(page.text).toContain('Made in the dashboard');
    expect(page.text).toContain('small');
    expect(page.text).not.toContain('&lt;script&gt;');
  });

  it('when the entry is invalid, shows the CC reason with its status and creates nothing', async () => {
    const before = await serviceCount();
    const res = await post(w, admin, '/ui/catalog', {
      label: 'bad-template',
      description: 'x',
      plan_name: 'p',
      plan_description: 'p',
      container: '{"Image": ',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('notice-error');
    expect(await serviceCount()).toBe(before);
  });
});

describe('CSRF on state changes', () => {
  it.each([
    ['a forged cross-site post', { origin: 'https://evil.example' }],
    ['a post without an origin', { origin: null }],
    ['a post without the token', { csrf: null }],
    ['a post with a wrong token', { csrf: 'not-the-token' }],
  ])('refuses %s with 403 and changes nothing', async (_name, options) => {
    const before = await serviceCount();
    const res = await post(
      w,
      admin,
      '/ui/catalog',
      { label: 'forged', description: 'x', plan_name: 'p', plan_description: 'p' },
      options,
    );
    expect(res.status).toBe(403);
    expect(res.text).toContain('Refused');
    expect(await serviceCount()).toBe(before);
  });
});

describe('authorization is the API’s', () => {
  let dev: Browser;
  let devSpace: string;
  let otherSpace: string;

  beforeAll(async () => {
    const user = await w.createUser('dash-dev');
    const org = await createOrg(w, 'dash-org');
    devSpace = await createSpace(w, org, 'dash-space');
    otherSpace = await createSpace(w, org, 'other-space');
    await request(w.app)
      .put(`/v2/organizations/${org}/users/${user.guid}`)
      .set(bearer(w.adminToken));
    await request(w.app)
      .put(`/v2/spaces/${devSpace}/developers/${user.guid}`)
      .set(bearer(w.adminToken));
    dev = await login(w, 'dash-dev', 'dash-dev-password');
  });

  it('a developer sees no broker page and cannot register one', async () => {
    const overview = await get(w, dev, '/ui');
    expect(overview.text).not.toContain('href="/ui/brokers"');
    expect((await get(w, dev, '/ui/brokers')).status).toBe(403);
    const res = await post(w, dev, '/ui/brokers', {
      name: 'sneaky',
      url: 'http://127.0.0.1:1/',
      username: 'u',
      password: 'p',
    });
    expect(res.status).toBe(403);
    expect(await w.knex('service_brokers').where({ name: 'sneaky' }).first()).toBeUndefined();
  });

  it('a developer cannot create catalog entries', async () => {
    const before = await serviceCount();
    const res = await post(w, dev, '/ui/catalog', {
      label: 'dev-made',
      description: 'x',
      plan_name: 'p',
      plan_description: 'p',
    });
    expect(res.status).toBe(403);
    expect(await serviceCount()).toBe(before);
  });

  it('the instance filters list only the spaces the developer belongs to', async () => {
    const res = await get(w, dev, '/ui/instances');
    expect(res.status).toBe(200);
    expect(res.text).toContain(devSpace);
    expect(res.text).not.toContain(otherSpace);
  });
});

describe('sessions end', () => {
  it('logout ends the session on the server: the old cookie no longer works', async () => {
    const b = await login(w, 'admin', 'admin-password');
    const res = await post(w, b, '/ui/logout', {});
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/ui/login');
    expect(setCookieLine(res, 'wharf_session')).toContain('Max-Age=0');
    const again = await get(w, b, '/ui');
    expect([again.status, again.headers.location]).toEqual([303, '/ui/login']);
  });

  it('a deleted user’s session ends at once', async () => {
    const user = await w.createUser('short-lived');
    const b = await login(w, 'short-lived', 'short-lived-password');
    expect((await get(w, b, '/ui')).status).toBe(200);
    expect(
      (await request(w.app).delete(`/v2/users/${user.guid}`).set(bearer(w.adminToken))).status,
    ).toBe(204);
    const res = await get(w, b, '/ui');
    expect([res.status, res.headers.location]).toEqual([303, '/ui/login']);
  });

  it('a cookie that was never issued is no session', async () => {
    const res = await get(w, { cookie: 'A'.repeat(43), csrf: 'x' }, '/ui/catalog');
    expect([res.status, res.headers.location]).toEqual([303, '/ui/login']);
  });

  it('a bearer token does not sign anyone in to the dashboard', async () => {
    const res = await request(w.app).get('/ui').set(bearer(w.adminToken));
    expect([res.status, res.headers.location]).toEqual([303, '/ui/login']);
  });
});

describe('GET /ui/events', () => {
  it('streams each change as its topic and action, never the id', async () => {
    const { port, close } = await listen(w);
    const controller = new AbortController();
    const giveUp = setTimeout(() => {
      controller.abort();
    }, 10000);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ui/events`, {
        headers: { Cookie: `wharf_session=${admin.cookie}` },
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const reader = res.body?.getReader();
      const secretId = 'c0ffee00-0000-4000-8000-000000000001';
      w.changes.publish({ topic: 'service_instance', action: 'updated', id: secretId });
      let seen = '';
      while (reader !== undefined && !seen.includes('data: service_instance updated')) {
        const chunk = await reader.read();
        if (chunk.done) break;
        seen += Buffer.from(chunk.value).toString('utf8');
      }
      expect(seen).toContain('event: change\ndata: service_instance updated\n\n');
      expect(seen).not.toContain(secretId);
    } finally {
      clearTimeout(giveUp);
      controller.abort();
      await close();
    }
  });

  it('without a session, the stream is not opened', async () => {
    const res = await request(w.app).get('/ui/events');
    expect([res.status, res.headers.location]).toEqual([303, '/ui/login']);
  });
});

async function listen(t: TestWharf): Promise<{ port: number; close: () => Promise<void> }> {
  const server = t.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
