import request from 'supertest';
import type { Response } from 'supertest';
import type { TestWharf } from '../../support/test-wharf';

export const ORIGIN = 'http://wharf.test';

export interface Browser {
  cookie: string;
  csrf: string;
}

export function cookieValue(res: Response, name: string): string | undefined {
  const raw: unknown = res.headers['set-cookie'];
  const lines = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
  for (const line of lines) {
    const [pair] = line.split(';');
    const eq = pair?.indexOf('=') ?? -1;
    if (pair !== undefined && eq > 0 && pair.slice(0, eq) === name)
      return decodeURIComponent(pair.slice(eq + 1));
  }
  return undefined;
}

export function setCookieLine(res: Response, name: string): string | undefined {
  const raw: unknown = res.headers['set-cookie'];
  const lines = Array.isArray(raw) ? raw.map(String) : typeof raw === 'string' ? [raw] : [];
  return lines.find((l) => l.startsWith(`${name}=`));
}

/** The CSRF token a page's forms carry (every form has the same one). */
export function csrfOf(html: string): string {
  const match = /name="_csrf" value="([^"]+)"/.exec(html);
  if (match?.[1] === undefined) throw new Error('no CSRF field on the page');
  return match[1];
}

/** Logs in through the login form exactly as a browser does; returns the session cookie. */
export async function login(w: TestWharf, username: string, password: string): Promise<Browser> {
  const form = await request(w.app).get('/ui/login');
  const loginCookie = cookieValue(form, 'wharf_login') ?? '';
  const res = await request(w.app)
    .post('/ui/login')
    .set('Origin', ORIGIN)
    .set('Cookie', `wharf_login=${loginCookie}`)
    .type('form')
    .send({ _csrf: csrfOf(form.text), username, password });
  if (res.status !== 303) throw new Error(`login failed: ${res.status} ${res.text}`);
  const cookie = cookieValue(res, 'wharf_session') ?? '';
  const page = await request(w.app).get('/ui').set('Cookie', `wharf_session=${cookie}`);
  return { cookie, csrf: csrfOf(page.text) };
}

export function get(w: TestWharf, b: Browser, path: string): request.Test {
  return request(w.app).get(path).set('Cookie', `wharf_session=${b.cookie}`);
}

/** A same-origin form post with the session's CSRF token, unless the caller overrides pieces. */
export function post(
  w: TestWharf,
  b: Browser,
  path: string,
  fields: Record<string, string | string[]>,
  options: { origin?: string | null; csrf?: string | null } = {},
): request.Test {
  let req = request(w.app).post(path).set('Cookie', `wharf_session=${b.cookie}`).type('form');
  const origin = options.origin === undefined ? ORIGIN : options.origin;
  if (origin !== null) req = req.set('Origin', origin);
  const csrf = options.csrf === undefined ? b.csrf : options.csrf;
  return req.send(csrf === null ? fields : { _csrf: csrf, ...fields });
}
