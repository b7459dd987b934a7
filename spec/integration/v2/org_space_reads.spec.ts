import request from 'supertest';
import {
  badQueryParameter,
  expectCfError,
  expectCfJson,
  NOT_AUTHENTICATED,
  NOT_AUTHORIZED,
} from '../../support/cf-expect';
import { createOrg, createSpace, grantOrgRole, grantSpaceRole } from '../../support/orgs';
import { bearer, startTestWharf } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

/** What `cf org`, `cf space` and `cf bind-service` read beyond orgs and spaces (cf-cli-v6-requests.md §2.4, §2.5, §2.21). */
let w: TestWharf;
let orgGuid: string;
let spaceGuid: string;
let devToken: string;
let outsiderToken: string;

const EMPTY_LIST = {
  total_results: 0,
  total_pages: 1,
  prev_url: null,
  next_url: null,
  resources: [],
};

beforeAll(async () => {
  w = await startTestWharf();
  orgGuid = await createOrg(w, 'acme');
  spaceGuid = await createSpace(w, orgGuid, 'dev');
  const dev = await w.createUser('dev');
  await grantOrgRole(w, orgGuid, 'users', dev.guid);
  await grantSpaceRole(w, spaceGuid, 'developers', dev.guid);
  devToken = w.tokenFor(dev);
  outsiderToken = w.tokenFor(await w.createUser('outsider'));
});
afterAll(async () => {
  await w.stop();
});

describe('cf org ORG', () => {
  it('step 1: the org carries the default quota_definition_guid, and step 4 finds it by guid', async () => {
    const orgs = await request(w.app)
      .get('/v2/organizations?order-by=name&q=name%3Aacme')
      .set(bearer(devToken));
    const org = orgs.body.resources[0].entity;
    expect(org.quota_definition_guid).toMatch(/^[0-9a-f-]{36}$/);
    expect(org.default_isolation_segment_guid).toBeNull();

    const quota = await request(w.app)
      .get(`/v2/quota_definitions/${org.quota_definition_guid}`)
      .set(bearer(devToken));

    expectCfJson(quota, 200);
    expect(quota.body.metadata).toMatchObject({
      guid: org.quota_definition_guid,
      url: `/v2/quota_definitions/${org.quota_definition_guid}`,
    });
    expect(quota.body.entity).toEqual({
      name: 'default',
      non_basic_services_allowed: true,
      total_services: -1,
      total_routes: -1,
      total_private_domains: -1,
      memory_limit: -1,
      trial_db_allowed: false,
      instance_memory_limit: -1,
      app_instance_limit: -1,
      app_task_limit: -1,
      total_service_keys: -1,
      total_reserved_route_ports: -1,
    });
    expect(org.quota_definition_url).toBe(`/v2/quota_definitions/${org.quota_definition_guid}`);
  });

  it('step 2: GET /v2/shared_domains answers an empty list (Wharf routes no app traffic)', async () => {
    const res = await request(w.app).get('/v2/shared_domains').set(bearer(devToken));

    expectCfJson(res, 200);
    expect(res.body).toEqual(EMPTY_LIST);
  });

  it('step 3: GET /v2/organizations/:guid/private_domains answers an empty list to a member', async () => {
    const res = await request(w.app)
      .get(`/v2/organizations/${orgGuid}/private_domains`)
      .set(bearer(devToken));

    expectCfJson(res, 200);
    expect(res.body).toEqual(EMPTY_LIST);
  });

  it('step 3 for a non-member answers 403 CF-NotAuthorized', async () => {
    const res = await request(w.app)
      .get(`/v2/organizations/${orgGuid}/private_domains`)
      .set(bearer(outsiderToken));

    expectCfError(res, 403, NOT_AUTHORIZED);
  });

  it('a quota guid that does not exist answers 404 CF-QuotaDefinitionNotFound', async () => {
    const missing = await request(w.app).get('/v2/quota_definitions/nope').set(bearer(devToken));

    expectCfError(missing, 404, {
      description: 'Quota Definition could not be found: nope',
      error_code: 'CF-QuotaDefinitionNotFound',
      code: 240001,
    });
  });
});

describe('cf create-org -q QUOTA: GET /v2/quota_definitions?q=name:QUOTA', () => {
  it('finds the default quota by name', async () => {
    const res = await request(w.app)
      .get('/v2/quota_definitions?q=name%3Adefault')
      .set(bearer(w.adminToken));

    expectCfJson(res, 200);
    expect(res.body.total_results).toBe(1);
    expect(res.body.resources[0].entity.name).toBe('default');
  });

  it('answers an empty list for another name', async () => {
    const res = await request(w.app)
      .get('/v2/quota_definitions?q=name%3Agold')
      .set(bearer(w.adminToken));

    expect(res.body).toEqual(EMPTY_LIST);
  });

  it('rejects a filter on an unknown field with 400 10005', async () => {
    const res = await request(w.app)
      .get('/v2/quota_definitions?q=colour%3Ared')
      .set(bearer(w.adminToken));

    expectCfError(res, 400, badQueryParameter('colour'));
  });
});

describe('cf space SPACE', () => {
  it.each([
    ['step 3', '/apps?q=space_guid%3A'],
    ['step 6', '/security_groups'],
    ['step 7', '/staging_security_groups'],
  ])('%s: answers an empty list', async (_step, suffix) => {
    const path = suffix.startsWith('/apps')
      ? `/v2${suffix}${spaceGuid}`
      : `/v2/spaces/${spaceGuid}${suffix}`;
    const res = await request(w.app).get(path).set(bearer(devToken));

    expectCfJson(res, 200);
    expect(res.body).toEqual(EMPTY_LIST);
  });

  it('GET /v2/spaces/:guid/apps answers an empty list, and 403 to an outsider', async () => {
    const mine = await request(w.app).get(`/v2/spaces/${spaceGuid}/apps`).set(bearer(devToken));
    expect(mine.body).toEqual(EMPTY_LIST);

    const theirs = await request(w.app)
      .get(`/v2/spaces/${spaceGuid}/apps`)
      .set(bearer(outsiderToken));
    expectCfError(theirs, 403, NOT_AUTHORIZED);
  });
});

describe('cf bind-service APP INSTANCE: GET /v2/apps?q=name:APP&q=space_guid:SPACE', () => {
  it('answers 200 with resources [] so the CLI says "App \'APP\' not found."', async () => {
    const res = await request(w.app)
      .get(`/v2/apps?q=name%3Amy-app&q=space_guid%3A${spaceGuid}`)
      .set(bearer(devToken));

    expectCfJson(res, 200);
    expect(res.body).toEqual(EMPTY_LIST);
  });

  it('a filter on an unknown field answers 400 10005, as CC does', async () => {
    const res = await request(w.app).get('/v2/apps?q=colour%3Ared').set(bearer(devToken));

    expectCfError(res, 400, badQueryParameter('colour'));
  });

  it('GET /v2/apps/:guid answers 404 CF-AppNotFound', async () => {
    const res = await request(w.app).get('/v2/apps/some-app').set(bearer(devToken));

    expectCfError(res, 404, {
      description: 'The app could not be found: some-app',
      error_code: 'CF-AppNotFound',
      code: 100004,
    });
  });

  it('without a token answers 401', async () => {
    expectCfError(await request(w.app).get('/v2/apps'), 401, NOT_AUTHENTICATED);
  });
});
