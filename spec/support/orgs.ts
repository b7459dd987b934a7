import request from 'supertest';
import { bearer } from './test-wharf';
import type { TestWharf } from './test-wharf';

/** RFC 3339, whole seconds, `Z` (reference §1.1). */
export const CF_TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/;
export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

async function created(req: request.Test, what: string): Promise<string> {
  const res = await req;
  if (res.status !== 201) throw new Error(`${what}: ${res.status} ${res.text}`);
  return String(res.body.metadata.guid);
}

/** Creates an organization as admin through the API; returns its guid. */
export function createOrg(
  w: TestWharf,
  name: string,
  fields: Record<string, unknown> = {},
): Promise<string> {
  return created(
    request(w.app)
      .post('/v2/organizations')
      .set(bearer(w.adminToken))
      .send({ name, ...fields }),
    `create org ${name}`,
  );
}

/** Creates a space as admin through the API; returns its guid. */
export function createSpace(w: TestWharf, organizationGuid: string, name: string): Promise<string> {
  return created(
    request(w.app)
      .post('/v2/spaces')
      .set(bearer(w.adminToken))
      .send({ name, organization_guid: organizationGuid }),
    `create space ${name}`,
  );
}

export type OrgRoleName = 'users' | 'managers' | 'billing_managers' | 'auditors';
export type SpaceRoleName = 'developers' | 'managers' | 'auditors';

/** Grants an organization role as admin through the API. */
export async function grantOrgRole(
  w: TestWharf,
  orgGuid: string,
  role: OrgRoleName,
  userGuid: string,
): Promise<void> {
  await created(
    request(w.app)
      .put(`/v2/organizations/${orgGuid}/${role}/${userGuid}`)
      .set(bearer(w.adminToken)),
    `grant org ${role}`,
  );
}

/** Grants a space role as admin through the API (the user must be an org member). */
export async function grantSpaceRole(
  w: TestWharf,
  spaceGuid: string,
  role: SpaceRoleName,
  userGuid: string,
): Promise<void> {
  await created(
    request(w.app).put(`/v2/spaces/${spaceGuid}/${role}/${userGuid}`).set(bearer(w.adminToken)),
    `grant space ${role}`,
  );
}

/** Follows next_url verbatim, as the cf CLI does, collecting every page. */
export async function followPages(
  w: TestWharf,
  token: string,
  firstUrl: string,
): Promise<{
  urls: string[];
  pages: {
    total_results: number;
    total_pages: number;
    resources: { metadata: { guid: string }; entity: { name: string } }[];
  }[];
}> {
  const urls: string[] = [];
  const pages = [];
  let url: string | null = firstUrl;
  while (url !== null && urls.length < 20) {
    urls.push(url);
    const res: request.Response = await request(w.app).get(url).set(bearer(token));
    if (res.status !== 200) throw new Error(`${url}: ${res.status} ${res.text}`);
    pages.push(res.body);
    url = res.body.next_url;
  }
  return { urls, pages };
}
