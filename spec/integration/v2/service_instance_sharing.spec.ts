import request from 'supertest';
import { CF_JSON, expectCfError, NOT_AUTHORIZED } from '../../support/cf-expect';
import { FakeBroker } from '../../support/fake-broker';
import {
  catalogGuids,
  drainJobs,
  registerBroker,
  setPlanPublic,
  startInstancesWharf,
} from '../../support/instances';
import { createOrg, createSpace, grantOrgRole, grantSpaceRole } from '../../support/orgs';
import { bearer, snapshot } from '../../support/test-wharf';
import type { TestWharf } from '../../support/test-wharf';

const BASE = 'http://wharf.test';
const TABLES = [
  'service_instance_shares',
  'service_instance_names',
  'service_instances',
  'user_provided_service_instances',
] as const;

/** A broker whose services differ only in what sharing looks at (cf-v2-api.md §4: metadata.shareable). */
function sharingCatalog(): unknown {
  const service = (id: string, extra: Record<string, unknown>) => ({
    id,
    name: id,
    description: `${id} service`,
    bindable: true,
    plans: [{ id: `${id}-plan`, name: 'small', description: 'small' }],
    ...extra,
  });
  return {
    services: [
      service('shareable', { metadata: { shareable: true } }),
      service('plain', {}),
      service('router', { metadata: { shareable: true }, requires: ['route_forwarding'] }),
      service('limited', { metadata: { shareable: true } }),
    ],
  };
}

let w: TestWharf;
let broker: FakeBroker;
let plans: Record<string, string>;
let orgA: string;
let orgB: string;
let srcSpace: string;
let dstSpace: string;
/** Developer of both spaces: may share. */
let dev: { guid: string; token: string };
/** Developer of the target space only: sees shared instances, may not change them. */
let targetDev: { guid: string; token: string };
/** Auditor of both spaces. */
let auditor: { guid: string; token: string };
let outsiderToken: string;
let n = 0;

async function user(name: string): Promise<{ guid: string; token: string }> {
  const u = await w.createUser(name);
  return { guid: u.guid, token: w.tokenFor(u) };
}

async function setSharingFlag(enabled: boolean): Promise<void> {
  const res = await request(w.app)
    .put('/v2/config/feature_flags/service_instance_sharing')
    .set(bearer(w.adminToken))
    .send({ enabled });
  expect(res.status).toBe(200);
}

async function createInstance(
  service: string,
  name = `si-${++n}`,
  space = srcSpace,
): Promise<string> {
  const res = await request(w.app)
    .post('/v2/service_instances?accepts_incomplete=true')
    .set(bearer(dev.token))
    .send({ name, space_guid: space, service_plan_guid: plans[`${service}-plan`] });
  expect(res.status).toBe(201);
  return String(res.body.metadata.guid);
}

/** `cf share-service`'s POST (cf-cli-v6-requests.md §2.22 step 5). */
function share(guid: string, spaceGuids: string[], token = dev.token): request.Test {
  return request(w.app)
    .post(`/v3/service_instances/${guid}/relationships/shared_spaces`)
    .set(bearer(token))
    .set('Content-Type', 'application/json')
    .send({ data: spaceGuids.map((g) => ({ guid: g })) });
}

function expectV3Error(
  res: request.Response,
  status: number,
  error: { code: number; title: string; detail: string },
): void {
  expect({ status: res.status, type: res.headers['content-type'], body: res.body }).toEqual({
    status,
    type: CF_JSON,
    body: { errors: [error] },
  });
}

function unprocessable(detail: string): { code: number; title: string; detail: string } {
  return { code: 10008, title: 'CF-UnprocessableEntity', detail };
}

beforeAll(async () => {
  w = await startInstancesWharf();
  broker = await FakeBroker.start({ catalog: sharingCatalog() });
  const brokerGuid = await registerBroker(w, broker);
  ({ plans } = await catalogGuids(w, brokerGuid));
  for (const id of ['shareable', 'plain', 'router'])
    await setPlanPublic(w, plans[`${id}-plan`] ?? '');
  orgA = await createOrg(w, 'org-a');
  orgB = await createOrg(w, 'org-b');
  srcSpace = await createSpace(w, orgA, 'src');
  dstSpace = await createSpace(w, orgB, 'dst');
  // `limited` is visible to org A only: sharing it into org B is refused.
  const visibility = await request(w.app)
    .post('/v2/service_plan_visibilities')
    .set(bearer(w.adminToken))
    .send({ service_plan_guid: plans['limited-plan'], organization_guid: orgA });
  expect(visibility.status).toBe(201);
  dev = await user('sharer');
  targetDev = await user('target-dev');
  auditor = await user('auditor');
  for (const u of [dev, auditor]) {
    await grantOrgRole(w, orgA, 'users', u.guid);
    await grantOrgRole(w, orgB, 'users', u.guid);
  }
  await grantOrgRole(w, orgB, 'users', targetDev.guid);
  await grantSpaceRole(w, srcSpace, 'developers', dev.guid);
  await grantSpaceRole(w, dstSpace, 'developers', dev.guid);
  await grantSpaceRole(w, dstSpace, 'developers', targetDev.guid);
  await grantSpaceRole(w, srcSpace, 'auditors', auditor.guid);
  await grantSpaceRole(w, dstSpace, 'auditors', auditor.guid);
  outsiderToken = (await user('outsider')).token;
});
afterAll(async () => {
  await drainJobs(w);
  await w.stop();
  await broker.close();
});

describe('with service_instance_sharing disabled (CC default)', () => {
  it('POST shared_spaces answers 403 CF-FeatureDisabled in the v3 shape and shares nothing', async () => {
    await setSharingFlag(false);
    const guid = await createInstance('shareable');
    const before = await snapshot(w.knex, TABLES);

    const res = await share(guid, [dstSpace]);

    expectV3Error(res, 403, {
      code: 330002,
      title: 'CF-FeatureDisabled',
      detail: 'Feature Disabled: service_instance_sharing',
    });
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });

  it('POST shared_spaces with a malformed body still answers 403 CF-FeatureDisabled: CC checks the flag first', async () => {
    await setSharingFlag(false);
    const guid = await createInstance('shareable');

    const res = await request(w.app)
      .post(`/v3/service_instances/${guid}/relationships/shared_spaces`)
      .set(bearer(dev.token))
      .send({ data: 'not a list' });

    expect(res.status).toBe(403);
    expect(res.body.errors[0].title).toBe('CF-FeatureDisabled');
  });

  it('DELETE shared_spaces/:space answers 403 CF-FeatureDisabled too', async () => {
    await setSharingFlag(false);
    const guid = await createInstance('shareable');

    const res = await request(w.app)
      .delete(`/v3/service_instances/${guid}/relationships/shared_spaces/${dstSpace}`)
      .set(bearer(dev.token));

    expect(res.status).toBe(403);
    expect(res.body.errors[0].title).toBe('CF-FeatureDisabled');
  });
});

describe('cf share-service, then cf service and cf services in both spaces', () => {
  let guid: string;

  beforeAll(async () => {
    await setSharingFlag(true);
    guid = await createInstance('shareable', 'shared-db');
  });

  it('finds what share-service reads before it shares: the instance, extra.shareable, the flag, shared_to', async () => {
    const found = await request(w.app)
      .get(
        `/v2/spaces/${srcSpace}/service_instances?q=name%3Ashared-db&return_user_provided_service_instances=true`,
      )
      .set(bearer(dev.token));
    expect(
      found.body.resources.map((r: { metadata: { guid: string } }) => r.metadata.guid),
    ).toEqual([guid]);
    const service = await request(w.app)
      .get(`/v2/services/${found.body.resources[0].entity.service_guid}`)
      .set(bearer(dev.token));
    expect(JSON.parse(service.body.entity.extra)).toMatchObject({ shareable: true });
    const flags = await request(w.app).get('/v2/config/feature_flags').set(bearer(dev.token));
    expect(flags.body).toContainEqual(
      expect.objectContaining({ name: 'service_instance_sharing', enabled: true }),
    );
    const sharedTo = await request(w.app)
      .get(`/v2/service_instances/${guid}/shared_to`)
      .set(bearer(dev.token));
    expect(sharedTo.status).toBe(200);
    expect(sharedTo.body).toEqual({
      total_results: 0,
      total_pages: 1,
      prev_url: null,
      next_url: null,
      resources: [],
    });
  });

  it('shares with 200 and the relationship the CLI decodes (data[].guid)', async () => {
    const res = await share(guid, [dstSpace]);

    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      data: [{ guid: dstSpace }],
      links: {
        self: { href: `${BASE}/v3/service_instances/${guid}/relationships/shared_spaces` },
      },
    });
    const read = await request(w.app)
      .get(`/v3/service_instances/${guid}/relationships/shared_spaces`)
      .set(bearer(dev.token));
    expect(read.body.data).toEqual([{ guid: dstSpace }]);
  });

  it('sharing again into the same space keeps one share', async () => {
    const res = await share(guid, [dstSpace]);

    expect(res.status).toBe(200);
    expect(res.body.data).toEqual([{ guid: dstSpace }]);
    const rows = await w.knex('service_instance_shares').select('space_id');
    expect(rows).toHaveLength(1);
  });

  it('shared_to lists the target as cf service and cf unshare-service read it', async () => {
    const res = await request(w.app)
      .get(`/v2/service_instances/${guid}/shared_to`)
      .set(bearer(dev.token));

    expect(res.body.total_results).toBe(1);
    expect(res.body.resources).toEqual([
      { space_guid: dstSpace, space_name: 'dst', organization_name: 'org-b', bound_app_count: 0 },
    ]);
  });

  it('the target space lists the instance (cf service in the target space) and shared_from names its home', async () => {
    const listed = await request(w.app)
      .get(
        `/v2/spaces/${dstSpace}/service_instances?q=name%3Ashared-db&return_user_provided_service_instances=true`,
      )
      .set(bearer(targetDev.token));
    expect(listed.status).toBe(200);
    expect(listed.body.resources).toHaveLength(1);
    expect(listed.body.resources[0].metadata.guid).toBe(guid);
    expect(listed.body.resources[0].entity.space_guid).toBe(srcSpace);

    const from = await request(w.app)
      .get(`/v2/service_instances/${guid}/shared_from`)
      .set(bearer(targetDev.token));
    expect(from.status).toBe(200);
    expect(from.body).toEqual({
      space_guid: srcSpace,
      space_name: 'src',
      organization_name: 'org-a',
    });

    const read = await request(w.app)
      .get(`/v2/service_instances/${guid}`)
      .set(bearer(targetDev.token));
    expect(read.status).toBe(200);
  });

  it('the space summaries (cf services) show shared_from in the target and shared_to at home', async () => {
    const target = await request(w.app)
      .get(`/v2/spaces/${dstSpace}/summary`)
      .set(bearer(targetDev.token));
    const inTarget = target.body.services.find((s: { guid: string }) => s.guid === guid);
    expect(inTarget).toMatchObject({
      name: 'shared-db',
      shared_from: { space_guid: srcSpace, space_name: 'src', organization_name: 'org-a' },
      shared_to: [],
    });

    const home = await request(w.app).get(`/v2/spaces/${srcSpace}/summary`).set(bearer(dev.token));
    const atHome = home.body.services.find((s: { guid: string }) => s.guid === guid);
    expect(atHome).toMatchObject({
      shared_from: null,
      shared_to: [{ space_guid: dstSpace, space_name: 'dst', organization_name: 'org-b' }],
    });
  });

  it('is read-only in the target space: update 403 390004, delete 403 390005', async () => {
    const before = await snapshot(w.knex, TABLES);

    const update = await request(w.app)
      .put(`/v2/service_instances/${guid}`)
      .set(bearer(targetDev.token))
      .send({ tags: ['mine'] });
    const del = await request(w.app)
      .delete(`/v2/service_instances/${guid}`)
      .set(bearer(targetDev.token));

    expectCfError(update, 403, {
      description: 'You cannot update service instances that have been shared with you',
      error_code: 'CF-SharedServiceInstanceNotUpdatableInTargetSpace',
      code: 390004,
    });
    expectCfError(del, 403, {
      description: 'You cannot delete service instances that have been shared with you',
      error_code: 'CF-SharedServiceInstanceNotDeletableInTargetSpace',
      code: 390005,
    });
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });

  it('a shared instance cannot be renamed (422 390003) nor deleted without recursive (422 390002)', async () => {
    const before = await snapshot(w.knex, TABLES);

    const rename = await request(w.app)
      .put(`/v2/service_instances/${guid}`)
      .set(bearer(dev.token))
      .send({ name: 'renamed' });
    const del = await request(w.app).delete(`/v2/service_instances/${guid}`).set(bearer(dev.token));

    expectCfError(rename, 422, {
      description: 'Service instances that have been shared cannot be renamed',
      error_code: 'CF-SharedServiceInstanceCannotBeRenamed',
      code: 390003,
    });
    expectCfError(del, 422, {
      description:
        'Service instances must be unshared before they can be deleted. Unsharing shared-db will automatically delete any bindings that have been made to applications in other spaces.',
      error_code: 'CF-ServiceInstanceDeletionSharesExists',
      code: 390002,
    });
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });

  it('its name is taken in the target space, for managed and user-provided instances alike', async () => {
    const managed = await request(w.app)
      .post('/v2/service_instances')
      .set(bearer(dev.token))
      .send({ name: 'shared-db', space_guid: dstSpace, service_plan_guid: plans['plain-plan'] });
    const upsi = await request(w.app)
      .post('/v2/user_provided_service_instances')
      .set(bearer(dev.token))
      .send({ name: 'shared-db', space_guid: dstSpace });

    for (const res of [managed, upsi]) {
      expectCfError(res, 400, {
        description: 'The service instance name is taken: shared-db',
        error_code: 'CF-ServiceInstanceNameTaken',
        code: 60002,
      });
    }
  });

  it('cf unshare-service: shared_to gives the space guid, DELETE answers 204 and the target loses it', async () => {
    const sharedTo = await request(w.app)
      .get(`/v2/service_instances/${guid}/shared_to`)
      .set(bearer(dev.token));
    const target = sharedTo.body.resources.find(
      (r: { space_name: string; organization_name: string }) =>
        r.space_name.toLowerCase() === 'dst' && r.organization_name.toLowerCase() === 'org-b',
    );

    const res = await request(w.app)
      .delete(`/v3/service_instances/${guid}/relationships/shared_spaces/${target.space_guid}`)
      .set(bearer(dev.token));

    expect(res.status).toBe(204);
    const from = await request(w.app)
      .get(`/v2/service_instances/${guid}/shared_from`)
      .set(bearer(dev.token));
    expect(from.status).toBe(204);
    const listed = await request(w.app)
      .get(`/v2/spaces/${dstSpace}/service_instances?return_user_provided_service_instances=true`)
      .set(bearer(targetDev.token));
    expect(
      listed.body.resources.map((r: { metadata: { guid: string } }) => r.metadata.guid),
    ).not.toContain(guid);
    const read = await request(w.app)
      .get(`/v2/service_instances/${guid}`)
      .set(bearer(targetDev.token));
    expect(read.status).toBe(403);
    // The share's claim on the name in the target space went with it.
    const sameName = await request(w.app)
      .post('/v2/user_provided_service_instances')
      .set(bearer(targetDev.token))
      .send({ name: 'shared-db', space_guid: dstSpace });
    expect(sameName.status).toBe(201);
    await request(w.app)
      .delete(`/v2/user_provided_service_instances/${String(sameName.body.metadata.guid)}`)
      .set(bearer(targetDev.token))
      .expect(204);
  });

  it('unsharing from a space it is not shared into answers 422', async () => {
    const res = await request(w.app)
      .delete(`/v3/service_instances/${guid}/relationships/shared_spaces/${dstSpace}`)
      .set(bearer(dev.token));

    expectV3Error(
      res,
      422,
      unprocessable(
        `Unable to unshare service instance from space ${dstSpace}. Ensure the space exists and the service instance has been shared to this space.`,
      ),
    );
  });
});

describe('POST shared_spaces refusals (CC rules), each changing nothing', () => {
  beforeAll(async () => {
    await setSharingFlag(true);
  });

  it.each<
    [
      string,
      () => Promise<{ guid: string; spaces: string[]; token?: string }>,
      number,
      (name: string, spaces: string[]) => { code: number; title: string; detail: string },
    ]
  >([
    [
      'into its own space',
      async () => ({ guid: await createInstance('shareable'), spaces: [srcSpace] }),
      422,
      () =>
        unprocessable('Service instances cannot be shared into the space where they were created.'),
    ],
    [
      'of a service without shareable metadata',
      async () => ({ guid: await createInstance('plain'), spaces: [dstSpace] }),
      422,
      () => unprocessable('The plain service does not support service instance sharing.'),
    ],
    [
      'of a route service',
      async () => ({ guid: await createInstance('router'), spaces: [dstSpace] }),
      422,
      () => unprocessable('Route services cannot be shared.'),
    ],
    [
      'of a plan not enabled in the target organization',
      async () => ({ guid: await createInstance('limited'), spaces: [dstSpace] }),
      422,
      () => unprocessable('Access to service limited and plan small is not enabled in org-b/dst.'),
    ],
    [
      'into a space that does not exist',
      async () => ({
        guid: await createInstance('shareable', 'lonely'),
        spaces: ['no-such-space'],
      }),
      422,
      () =>
        unprocessable(
          "Unable to share service instance lonely with spaces ['no-such-space']. Ensure the spaces exist and that you have access to them.",
        ),
    ],
    [
      'into a space where the caller is not a developer',
      async () => {
        const guid = await createInstance('shareable', 'watched');
        const other = await createSpace(w, orgB, `audited-${++n}`);
        await grantSpaceRole(w, other, 'auditors', dev.guid);
        return { guid, spaces: [other] };
      },
      422,
      (_name, spaces) =>
        unprocessable(
          `Unable to share service instance watched with spaces ['${spaces[0] ?? ''}']. Write permission is required in order to share a service instance with a space.`,
        ),
    ],
    [
      'into a space with an instance of the same name',
      async () => {
        const guid = await createInstance('shareable', 'twin');
        await createInstance('plain', 'twin', dstSpace);
        return { guid, spaces: [dstSpace] };
      },
      422,
      () => unprocessable('A service instance called twin already exists in dst.'),
    ],
    [
      'of a user-provided instance',
      async () => {
        const res = await request(w.app)
          .post('/v2/user_provided_service_instances')
          .set(bearer(dev.token))
          .send({ name: `ups-${++n}`, space_guid: srcSpace });
        return { guid: String(res.body.metadata.guid), spaces: [dstSpace] };
      },
      422,
      () => unprocessable('User-provided services cannot be shared.'),
    ],
    [
      'of an unknown instance',
      () => Promise.resolve({ guid: 'no-such-instance', spaces: [dstSpace] }),
      404,
      () => ({ code: 10010, title: 'CF-ResourceNotFound', detail: 'Service instance not found' }),
    ],
    [
      'by someone who cannot see the instance',
      async () => ({
        guid: await createInstance('shareable'),
        spaces: [dstSpace],
        token: outsiderToken,
      }),
      404,
      () => ({ code: 10010, title: 'CF-ResourceNotFound', detail: 'Service instance not found' }),
    ],
    [
      'by an auditor of the instance space',
      async () => ({
        guid: await createInstance('shareable'),
        spaces: [dstSpace],
        token: auditor.token,
      }),
      403,
      () => ({
        code: NOT_AUTHORIZED.code,
        title: NOT_AUTHORIZED.error_code,
        detail: NOT_AUTHORIZED.description,
      }),
    ],
  ])('%s', async (_name, arrange, status, error) => {
    const { guid, spaces, token } = await arrange();
    const before = await snapshot(w.knex, TABLES);

    const res = await share(guid, spaces, token);

    expectV3Error(res, status, error(_name, spaces));
    expect(await snapshot(w.knex, TABLES)).toEqual(before);
  });

  it.each<[string, unknown]>([
    ['no data', {}],
    ['data not an array', { data: { guid: 'x' } }],
  ])('a body with %s answers 422 "Data must be an array"', async (_name, body) => {
    const guid = await createInstance('shareable');

    const res = await request(w.app)
      .post(`/v3/service_instances/${guid}/relationships/shared_spaces`)
      .set(bearer(dev.token))
      .send(body as object);

    expectV3Error(res, 422, unprocessable('Data must be an array'));
  });
});

describe('shares end with their instance or their target space', () => {
  beforeAll(async () => {
    await setSharingFlag(true);
  });

  it('deleting the target space removes the share and keeps the instance', async () => {
    const guid = await createInstance('shareable');
    const doomed = await createSpace(w, orgB, `doomed-${++n}`);
    await grantSpaceRole(w, doomed, 'developers', dev.guid);
    expect((await share(guid, [doomed])).status).toBe(200);

    const res = await request(w.app).delete(`/v2/spaces/${doomed}`).set(bearer(w.adminToken));

    expect(res.status).toBe(204);
    const sharedTo = await request(w.app)
      .get(`/v2/service_instances/${guid}/shared_to`)
      .set(bearer(dev.token));
    expect(sharedTo.body.total_results).toBe(0);
    expect(await w.knex('service_instances').where({ guid }).first()).toBeDefined();
  });

  it('deleting the instance with recursive=true unshares it and deletes it', async () => {
    const guid = await createInstance('shareable');
    expect((await share(guid, [dstSpace])).status).toBe(200);

    const res = await request(w.app)
      .delete(`/v2/service_instances/${guid}?recursive=true`)
      .set(bearer(dev.token));

    expect(res.status).toBe(204);
    const left = await w
      .knex('service_instance_shares')
      .join(
        'service_instances',
        'service_instances.id',
        'service_instance_shares.service_instance_id',
      )
      .where('service_instances.guid', guid);
    expect(left).toEqual([]);
    expect(await w.knex('service_instances').where({ guid }).first()).toBeUndefined();
  });
});

describe('GET /v2/service_instances/:guid/shared_from and shared_to', () => {
  it('an unshared instance answers shared_from 204 with no body', async () => {
    const guid = await createInstance('shareable');

    const res = await request(w.app)
      .get(`/v2/service_instances/${guid}/shared_from`)
      .set(bearer(dev.token));

    expect(res.status).toBe(204);
    expect(res.text).toBe('');
  });

  it('an unknown instance answers 404 60004 with a JSON body (cf service tolerates it)', async () => {
    for (const path of ['shared_from', 'shared_to']) {
      const res = await request(w.app)
        .get(`/v2/service_instances/no-such/${path}`)
        .set(bearer(dev.token));
      expectCfError(res, 404, {
        description: 'The service instance could not be found: no-such',
        error_code: 'CF-ServiceInstanceNotFound',
        code: 60004,
      });
    }
  });

  it('someone without a role in its spaces gets 403', async () => {
    const guid = await createInstance('shareable');

    const res = await request(w.app)
      .get(`/v2/service_instances/${guid}/shared_to`)
      .set(bearer(outsiderToken));

    expectCfError(res, 403, NOT_AUTHORIZED);
  });
});
